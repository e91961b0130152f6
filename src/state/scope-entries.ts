import { VersionConflictError } from "../errors.js";
import { KeyedMutex } from "../keyed-mutex.js";
import type { Storage, WriteOptions } from "../storage.js";
import { isEmptyRecord, parseRecord, type StateRecord } from "./record.js";

/** How a write treats the scope's time to live. */
export interface TtlChoice {
  /** A per-call time to live, which wins. */
  readonly ttlMs?: number | undefined;
  /** Whether the store's default `ttlMs` starts again (a new state) or the current expiry stays. */
  readonly restart: boolean;
}

/** A change of one scope's record: the record to store and what the caller gets back. */
export type Change<R> = readonly [next: StateRecord, result: R];

interface ScopeEntriesOptions {
  readonly prefix: string;
  readonly ttlMs: number | undefined;
  readonly idleTtlMs: number | undefined;
  readonly maxAttempts: number;
}

/**
 * The one storage entry per scope behind a `StateStore`: reads that slide the idle TTL, and
 * changes made by compare-and-set, retried on a change made by another process. Changes from this
 * process are queued per scope, so they never conflict with each other.
 */
export class ScopeEntries {
  readonly #storage: Storage;
  readonly #options: ScopeEntriesOptions;
  readonly #queue = new KeyedMutex();

  constructor(storage: Storage, options: ScopeEntriesOptions) {
    this.#storage = storage;
    this.#options = options;
  }

  async read(key: string): Promise<StateRecord | undefined> {
    const fullKey = this.#options.prefix + key;
    const raw = await this.#storage.get(fullKey);
    if (raw === undefined) return undefined;
    const { idleTtlMs } = this.#options;
    if (idleTtlMs !== undefined) await this.#storage.touch(fullKey, { ttlMs: idleTtlMs });
    return parseRecord(raw);
  }

  /** Applies `change` to the scope's record; a record left empty removes the entry. */
  modify<R>(key: string, ttl: TtlChoice, change: (current: StateRecord) => Change<R>): Promise<R> {
    return this.#queue.run(key, () => this.#compareAndSet(this.#options.prefix + key, ttl, change));
  }

  async delete(key: string): Promise<void> {
    await this.#storage.delete(this.#options.prefix + key);
  }

  async #compareAndSet<R>(
    fullKey: string,
    ttl: TtlChoice,
    change: (current: StateRecord) => Change<R>,
  ): Promise<R> {
    let expected = 0;
    for (let attempt = 0; attempt < this.#options.maxAttempts; attempt++) {
      const entry = await this.#storage.getEntry(fullKey);
      expected = entry?.version ?? 0;
      const current = entry === undefined ? {} : parseRecord(entry.value);
      const [next, result] = change(current);
      if (next === current) return result;
      if (isEmptyRecord(next)) {
        if (entry === undefined || (await this.#storage.compareAndDelete(fullKey, expected))) {
          return result;
        }
      } else {
        const write = this.#writeOptions(ttl, entry !== undefined);
        if ((await this.#storage.compareAndSet(fullKey, expected, next, write)).ok) return result;
      }
    }
    const actual = (await this.#storage.getEntry(fullKey))?.version ?? 0;
    throw new VersionConflictError(fullKey, expected, actual);
  }

  #writeOptions(ttl: TtlChoice, exists: boolean): WriteOptions {
    const { idleTtlMs, ttlMs: storeTtlMs } = this.#options;
    const ttlMs = ttl.ttlMs ?? idleTtlMs ?? (ttl.restart || !exists ? storeTtlMs : undefined);
    if (ttlMs !== undefined) return { ttlMs };
    return ttl.restart ? {} : { keepTtl: true };
  }
}
