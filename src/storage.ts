/**
 * The Storage contract: a versioned key–value store of JSON values with optional expiry. Every
 * durable part of colloquy (state, node snapshots, journals, histories) sits on it.
 *
 * Implementations: `MemoryStorage` and `fromGrammyStorage` in `colloquy`, `FileStorage` in
 * `colloquy/file`, `SqliteStorage` in `colloquy/sqlite`, `RedisStorage` in `colloquy/redis`. All of
 * them pass the one contract suite, `testStorage` in `colloquy/testing`.
 *
 * @module
 */
import type { JsonValue } from "./json.js";

/** A stored value with the version of the write that stored it. */
export interface StorageEntry<T extends JsonValue = JsonValue> {
  /** A copy of the stored value: changing it changes nothing in storage. */
  readonly value: T;
  /**
   * The version of the entry: a positive integer that grows with every write to the key and is not
   * handed out again after the key is deleted or expires. `0` always means "absent".
   */
  readonly version: number;
}

/** How long a written entry lives. Without either option the entry never expires. */
export interface WriteOptions {
  /** Expire the entry this many milliseconds after the write: a positive finite number. */
  readonly ttlMs?: number;
  /**
   * Keep the expiry the entry already has (none if it had none or was absent), like Redis
   * `SET ... KEEPTTL`. Merges use it so that updating a value never drops or extends its TTL.
   * Cannot be combined with `ttlMs`.
   */
  readonly keepTtl?: boolean;
}

/** Options of {@link Storage.touch}. */
export interface TouchOptions {
  /** The new time to live, from now: a positive finite number of milliseconds. */
  readonly ttlMs: number;
}

/**
 * The outcome of {@link Storage.compareAndSet}: `ok` with the new version, or not `ok` with the
 * version found (`0` when the key is absent), which the caller reloads and retries against.
 */
export type CompareAndSetResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly version: number };

/**
 * A versioned key–value store of JSON values.
 *
 * - Values are plain JSON. `set` and `compareAndSet` refuse anything else (a Date, a BigInt, a
 *   function, a cycle...) with `NonJsonValueError` naming the path, before anything is written.
 * - Reads return copies, and never an expired entry, whether or not it has been swept yet.
 * - A write without `ttlMs` or `keepTtl` stores without expiry: a plain overwrite, like Redis SET.
 *   `ttlMs` must be a positive finite number (`0` is refused rather than read as "none").
 * - `compareAndSet` with a version taken from `getEntry` is the fence against lost updates and,
 *   done while holding a scope's lease, against stale owners. Expected version `0` means "only if
 *   absent".
 * - Keys are opaque strings. Keys that colloquy builds carry a namespace (the bot id), so bots that
 *   share a Redis database or a directory never collide.
 *
 * @example
 * ```ts
 * const storage: Storage = new MemoryStorage();
 * await storage.set("bot1:greeting", { text: "hi" }, { ttlMs: 60_000 });
 * const entry = await storage.getEntry("bot1:greeting");
 * if (entry) await storage.compareAndSet("bot1:greeting", entry.version, { text: "hello" }, { keepTtl: true });
 * ```
 */
export interface Storage {
  /** The value under `key`, or `undefined`. The type parameter is an unchecked assertion. */
  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  /** The value and version under `key`, or `undefined` when absent or expired. */
  getEntry<T extends JsonValue = JsonValue>(key: string): Promise<StorageEntry<T> | undefined>;
  /** Stores `value` unconditionally and returns its new version. */
  set(key: string, value: unknown, options?: WriteOptions): Promise<number>;
  /** Removes `key`; removing an absent key does nothing. */
  delete(key: string): Promise<void>;
  /**
   * Removes every key of `keys` (absent ones are skipped), in one round trip or transaction where
   * the backend has one. Optional: a caller falls back to {@link delete} per key without it.
   */
  deleteMany?(keys: readonly string[]): Promise<void>;
  /** Stores `value` only if the key's current version is `expectedVersion` (`0`: absent). */
  compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    options?: WriteOptions,
  ): Promise<CompareAndSetResult>;
  /** Removes `key` only if its current version is `expectedVersion`; says whether it did. */
  compareAndDelete(key: string, expectedVersion: number): Promise<boolean>;
  /**
   * Restarts the time to live of a present entry without changing its value or version (so it
   * does not disturb a concurrent compare-and-set). Returns whether the entry was present.
   */
  touch(key: string, options: TouchOptions): Promise<boolean>;
  /** Releases what the storage holds (timers, handles). Clients passed in stay open. */
  close(): Promise<void>;
}
