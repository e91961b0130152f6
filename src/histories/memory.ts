import { type Clock, systemClock } from "../clock.js";
import { ExpiringMap } from "../expiring-map.js";
import type { HistoryLimits, HistoryRecord } from "../history.js";
import { assertPositiveInteger } from "../validate.js";
import type { StackChange } from "./records.js";
import { StackHistory } from "./stack-history.js";

/** Options of {@link MemoryHistory}. */
export interface MemoryHistoryOptions extends HistoryLimits {
  /** Time source for `at` and expiry; tests pass a `ManualClock`. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Keep at most this many scopes, forgetting the least recently written one when a new scope
   * would exceed it. Default: no cap (expired scopes are still dropped).
   */
  readonly maxScopes?: number;
}

/**
 * A History in this process's memory: for development, tests and single-instance bots
 * that may forget their histories on restart.
 *
 * Scopes expire `ttlMs` after their last write, with no timer (an `ExpiringMap`), so scopes
 * nobody comes back to do not pile up.
 *
 * @example
 * ```ts
 * const history = new MemoryHistory({ maxRecords: 10, ttlMs: 60 * 60_000 });
 * await history.push("chat:7/user:7", { step: "email" });
 * ```
 */
export class MemoryHistory extends StackHistory {
  readonly #stacks: ExpiringMap<readonly HistoryRecord[]>;

  constructor(options: MemoryHistoryOptions = {}) {
    const clock = options.clock ?? systemClock;
    super(options, clock);
    if (options.maxScopes !== undefined) assertPositiveInteger("maxScopes", options.maxScopes);
    this.#stacks = new ExpiringMap(clock, this.limits.ttlMs, options.maxScopes);
  }

  /** How many scopes are held, counting expired ones that no operation has dropped yet. */
  get size(): number {
    return this.#stacks.size;
  }

  protected async readRecords(scope: string): Promise<readonly HistoryRecord[]> {
    return this.#stacks.get(scope) ?? [];
  }

  /** Synchronous from read to write, so each change is atomic. */
  protected async changeRecords<R>(
    scope: string,
    change: (records: readonly HistoryRecord[]) => StackChange<R>,
  ): Promise<R> {
    const current = this.#stacks.get(scope) ?? [];
    const [next, result] = change(current);
    if (next === current) return result;
    if (next.length > 0) this.#stacks.set(scope, next);
    else this.#stacks.delete(scope);
    return result;
  }

  protected async forget(scope: string): Promise<void> {
    this.#stacks.delete(scope);
  }
}
