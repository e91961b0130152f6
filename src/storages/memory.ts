import { LRUCache } from "lru-cache";
import { type Clock, systemClock } from "../clock.js";
import { assertPositiveInteger } from "../validate.js";
import { type Decide, RecordStorage, type StoredRecord } from "./record-storage.js";

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** Time source for expiry; tests pass a `ManualClock`. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Keep at most this many entries, evicting the least recently used one when a new key would
   * exceed it. Default: unbounded (expired entries are still swept).
   */
  readonly maxEntries?: number;
}

/** The parts of `Map` and `LRUCache` this storage uses. */
interface RecordMap {
  get(key: string): StoredRecord | undefined;
  set(key: string, record: StoredRecord): unknown;
  delete(key: string): unknown;
  entries(): Iterable<[string, StoredRecord]>;
  clear(): void;
  readonly size: number;
}

/**
 * A Storage in this process's memory: for development, tests and single-instance bots that may lose
 * their state on restart.
 *
 * **What is copied.** A value is copied once on the way in and once on the way out, and nothing
 * else is: a write keeps the value's JSON text (made by the same walk that refuses non-JSON
 * values, so a Date fails here as it would on Redis), and a read parses that text. Both copies are
 * needed for the contract every backend keeps: the caller may change what it wrote or read
 * (merging state, a node's handler editing its data) without changing what is stored, and a throw
 * after such a change stores nothing. grammY's `MemorySessionStorage` hands out the stored object
 * itself and skips both; parsing is the cheapest deep copy of JSON, so a read costs about one
 * `JSON.parse` of the value more than there (see bench/README.md, node flow rows). Versions,
 * expiry and the rest are plain fields beside the text.
 *
 * Expired entries are never returned; they are removed as the store grows (each time it doubles
 * since the last sweep), so no timer keeps the process alive.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage({ maxEntries: 10_000 });
 * await storage.set("bot1:user:7", { step: "name" }, { ttlMs: 15 * 60_000 });
 * ```
 */
export class MemoryStorage extends RecordStorage {
  readonly #records: RecordMap;
  #sizeAfterSweep = 0;

  constructor(options: MemoryStorageOptions = {}) {
    super(options.clock ?? systemClock);
    if (options.maxEntries === undefined) {
      this.#records = new Map();
    } else {
      assertPositiveInteger("maxEntries", options.maxEntries);
      this.#records = new LRUCache<string, StoredRecord>({ max: options.maxEntries });
    }
  }

  /** How many entries are held, including expired ones not yet swept. */
  get size(): number {
    return this.#records.size;
  }

  /** Removes every expired entry now. */
  sweep(): void {
    const expired: string[] = [];
    for (const [key, record] of this.#records.entries()) {
      if (!this.isLive(record)) expired.push(key);
    }
    for (const key of expired) this.#records.delete(key);
    this.#sizeAfterSweep = this.#records.size;
  }

  protected async readRecord(key: string): Promise<StoredRecord | undefined> {
    return this.#records.get(key);
  }

  protected async updateRecord<R>(key: string, decide: Decide<R>): Promise<R> {
    // Synchronous from read to write: nothing else can run in between, so this is atomic.
    const change = decide(this.#records.get(key));
    if (change.write === null) this.#records.delete(key);
    else if (change.write !== undefined) {
      this.#records.set(key, change.write);
      if (this.#records.size >= 2 * Math.max(this.#sizeAfterSweep, 512)) this.sweep();
    }
    return change.result;
  }

  /** Drops every entry. */
  async close(): Promise<void> {
    this.#records.clear();
  }
}
