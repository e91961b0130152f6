import { type Clock, systemClock } from "../clock.js";
import { VersionConflictError } from "../errors.js";
import type { HistoryLimits, HistoryRecord } from "../history.js";
import { KeyedMutex } from "../keyed-mutex.js";
import type { Storage } from "../storage.js";
import { assertPositiveInteger } from "../validate.js";
import { parseRecords, type StackChange } from "./records.js";
import { StackHistory } from "./stack-history.js";

/** Options of {@link StorageHistory}. */
export interface StorageHistoryOptions extends HistoryLimits {
  /**
   * Put before every scope key. Bots that share a storage must use different prefixes (include
   * the bot id: `` `bot${bot.botInfo.id}:history:` ``), or they read each other's histories.
   * Default: `"colloquy:history:"`.
   */
  readonly prefix?: string;
  /** Time source for the records' `at`; expiry is the storage's. Default: the system clock. */
  readonly clock?: Clock;
  /** How many times a write retries after a concurrent change before it fails. Default: 10. */
  readonly maxAttempts?: number;
}

/**
 * A History on any `Storage` (memory, file, SQLite, Redis, a grammY adapter), so histories
 * survive restarts and are shared by every instance of a bot.
 *
 * Each scope is one entry, `prefix + scope`, holding its records as a JSON array. Every write is a
 * compare-and-set of that entry, retried on a concurrent change (so pushes from several instances
 * are never lost), and sets the entry's TTL to `ttlMs` again, so the storage itself forgets scopes
 * nobody writes to. An entry that does not parse reads as empty and is replaced by the next push.
 *
 * @example
 * ```ts
 * const history = new StorageHistory(new SqliteStorage({ path: "bot.db" }), {
 *   prefix: `bot${bot.botInfo.id}:history:`,
 *   ttlMs: 7 * 24 * 60 * 60_000,
 * });
 * ```
 */
export class StorageHistory extends StackHistory {
  readonly #storage: Storage;
  readonly #prefix: string;
  readonly #maxAttempts: number;
  // Writes from this process queue per scope, so only other processes can make a CAS retry.
  readonly #queue = new KeyedMutex();

  constructor(storage: Storage, options: StorageHistoryOptions = {}) {
    super(options, options.clock ?? systemClock);
    const { maxAttempts = 10 } = options;
    assertPositiveInteger("maxAttempts", maxAttempts);
    this.#maxAttempts = maxAttempts;
    this.#storage = storage;
    this.#prefix = options.prefix ?? "colloquy:history:";
  }

  protected async readRecords(scope: string): Promise<readonly HistoryRecord[]> {
    return parseRecords(await this.#storage.get(this.#prefix + scope), this.limits);
  }

  protected changeRecords<R>(
    scope: string,
    change: (records: readonly HistoryRecord[]) => StackChange<R>,
  ): Promise<R> {
    const key = this.#prefix + scope;
    return this.#queue.run(key, () => this.#compareAndSet(key, change));
  }

  protected async forget(scope: string): Promise<void> {
    const key = this.#prefix + scope;
    await this.#queue.run(key, () => this.#storage.delete(key));
  }

  async #compareAndSet<R>(
    key: string,
    change: (records: readonly HistoryRecord[]) => StackChange<R>,
  ): Promise<R> {
    let expected = 0;
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const entry = await this.#storage.getEntry(key);
      expected = entry?.version ?? 0;
      const current = parseRecords(entry?.value, this.limits);
      const [next, result] = change(current);
      if (next === current) return result;
      if (next.length === 0) {
        if (await this.#storage.compareAndDelete(key, expected)) return result;
      } else {
        const write = { ttlMs: this.limits.ttlMs };
        if ((await this.#storage.compareAndSet(key, expected, next, write)).ok) return result;
      }
    }
    const actual = (await this.#storage.getEntry(key))?.version ?? 0;
    throw new VersionConflictError(key, expected, actual);
  }
}
