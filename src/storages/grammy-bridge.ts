import { type Clock, systemClock } from "../clock.js";
import type { JsonValue } from "../json.js";
import { KeyedMutex } from "../keyed-mutex.js";
import type { Storage, WriteOptions } from "../storage.js";
import {
  type Decide,
  type Envelope,
  isEnvelope,
  RecordStorage,
  type StoredRecord,
} from "./record-storage.js";
import { ttlMsOf } from "./ttl.js";

/**
 * grammY's `StorageAdapter`, described by its shape so that colloquy's core needs no grammY
 * import. Every `@grammyjs/storage-*` adapter fits.
 */
export interface GrammyStorageAdapter<T> {
  /** The value under `key`, or `undefined` when there is none. */
  read(key: string): T | undefined | Promise<T | undefined>;
  /** Stores `value` under `key`. */
  write(key: string, value: T): void | Promise<void>;
  /** Removes `key`. */
  delete(key: string): void | Promise<void>;
}

/**
 * Any grammY `StorageAdapter`, whatever its value type: {@link fromGrammyStorage} checks what it
 * reads, and writes only {@link BridgedEntry} values.
 */
export interface GrammyStorageLike {
  /** The value under `key`, whatever the adapter holds there. */
  read(key: string): unknown;
  /** Stores an entry under `key`. */
  write(key: string, value: BridgedEntry): unknown;
  /** Removes `key`. */
  delete(key: string): unknown;
}

/** What {@link fromGrammyStorage} writes through the adapter for each key. */
export interface BridgedEntry extends Envelope {
  readonly value: JsonValue;
}

/** Options of {@link fromGrammyStorage}. */
export interface FromGrammyStorageOptions {
  /** Time source for expiry; tests pass a `ManualClock`. Default: the system clock. */
  readonly clock?: Clock;
}

class GrammyStorageBridge extends RecordStorage {
  readonly #adapter: GrammyStorageLike;
  readonly #mutex = new KeyedMutex();

  constructor(adapter: GrammyStorageLike, clock: Clock) {
    super(clock);
    this.#adapter = adapter;
  }

  protected async readRecord(key: string): Promise<StoredRecord | undefined> {
    const record = await this.#read(key);
    if (record === undefined || this.isLive(record)) return record;
    // The adapter cannot list its keys, so nothing sweeps it: an expired entry goes when it is read.
    await this.removeIfExpired(key);
    return undefined;
  }

  protected updateRecord<R>(key: string, decide: Decide<R>): Promise<R> {
    return this.#mutex.run(key, async () => {
      const change = decide(await this.#read(key));
      if (change.write === null) await this.#adapter.delete(key);
      else if (change.write !== undefined) {
        const { json, version, expiresAt } = change.write;
        await this.#adapter.write(key, { version, expiresAt, value: JSON.parse(json) });
      }
      return change.result;
    });
  }

  async close(): Promise<void> {
    await this.#mutex.idle();
  }

  async #read(key: string): Promise<StoredRecord | undefined> {
    const raw: unknown = await this.#adapter.read(key);
    if (raw === undefined) return undefined;
    if (!isEnvelope(raw)) {
      throw new Error(
        `The grammY storage holds a value under "${key}" that colloquy did not write ` +
          "(expected { version, expiresAt, value }). Give colloquy its own table, directory or prefix.",
      );
    }
    return { json: JSON.stringify(raw.value), version: raw.version, expiresAt: raw.expiresAt };
  }
}

/**
 * Wraps a grammY `StorageAdapter` (any `@grammyjs/storage-*` package, or your own) as a colloquy
 * {@link Storage}, so a bot keeps the database it already has.
 *
 * The adapter offers only read, write and delete, so the rest is emulated, with these limits:
 * - Each key is stored as `{ version, expiresAt, value }`. Data written by grammY's `session()` is
 *   not readable through the bridge, nor the other way round: give colloquy its own table,
 *   directory or key prefix.
 * - Compare-and-set is atomic only within this process (writes to a key are queued here). Two
 *   processes sharing the adapter can both succeed: for several instances use `RedisStorage` or
 *   `SqliteStorage`, whose compare-and-set is atomic in the database.
 * - Expiry is checked by this process's clock on every read, so an expired value is never
 *   returned; but since an adapter cannot list its keys, an expired entry stays in the database
 *   until it is read, written or deleted (or the adapter's own TTL, if it has one, removes it).
 * - Keys reach the adapter unchanged, so its own rules apply: `@grammyjs/storage-file` uses them
 *   in file paths, so keep `/` out of them.
 *
 * @example
 * ```ts
 * import { FileAdapter } from "@grammyjs/storage-file";
 * const storage = fromGrammyStorage(new FileAdapter({ dirName: "colloquy-state" }));
 * ```
 */
export function fromGrammyStorage(
  adapter: GrammyStorageLike,
  options: FromGrammyStorageOptions = {},
): Storage {
  return new GrammyStorageBridge(adapter, options.clock ?? systemClock);
}

/** Options of {@link toGrammyStorage}. */
export interface ToGrammyStorageOptions {
  /** Expire sessions this long after their last write. Default: never. */
  readonly ttlMs?: number;
}

/**
 * Gives grammY's `session()` a colloquy {@link Storage} as its `StorageAdapter`. Session data must
 * be plain JSON: a Date or a BigInt in it fails the write with `NonJsonValueError` naming the path.
 *
 * @example
 * ```ts
 * bot.use(session({ initial: () => ({ count: 0 }), storage: toGrammyStorage(storage) }));
 * ```
 */
export function toGrammyStorage<T>(
  storage: Storage,
  options: ToGrammyStorageOptions = {},
): GrammyStorageAdapter<T> {
  const writeOptions: WriteOptions =
    options.ttlMs === undefined ? {} : { ttlMs: ttlMsOf("ttlMs", options.ttlMs) };
  return {
    read: async (key) => (await storage.get(key)) as T | undefined,
    write: async (key, value) => {
      await storage.set(key, value, writeOptions);
    },
    delete: (key) => storage.delete(key),
  };
}
