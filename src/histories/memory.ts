import { type Clock, systemClock } from "../clock.js";
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

interface Stack {
  readonly records: readonly HistoryRecord[];
  readonly expiresAt: number;
}

/**
 * A History in this process's memory: for development, tests and single-instance bots
 * that may forget their histories on restart.
 *
 * Scopes are kept in the order of their last write, which with one `ttlMs` is also the order in
 * which they expire: every operation first drops the expired scopes at the front, so expiry costs
 * O(1) amortised per write, needs no timer, and scopes nobody comes back to do not pile up.
 *
 * @example
 * ```ts
 * const history = new MemoryHistory({ maxRecords: 10, ttlMs: 60 * 60_000 });
 * await history.push("chat:7/user:7", { step: "email" });
 * ```
 */
export class MemoryHistory extends StackHistory {
  readonly #maxScopes: number;
  readonly #stacks = new Map<string, Stack>();

  constructor(options: MemoryHistoryOptions = {}) {
    super(options, options.clock ?? systemClock);
    if (options.maxScopes !== undefined) assertPositiveInteger("maxScopes", options.maxScopes);
    this.#maxScopes = options.maxScopes ?? Number.POSITIVE_INFINITY;
  }

  /** How many scopes are held, counting expired ones that no operation has dropped yet. */
  get size(): number {
    return this.#stacks.size;
  }

  protected async readRecords(scope: string): Promise<readonly HistoryRecord[]> {
    return this.#live(scope);
  }

  /** Synchronous from read to write, so each change is atomic. */
  protected async changeRecords<R>(
    scope: string,
    change: (records: readonly HistoryRecord[]) => StackChange<R>,
  ): Promise<R> {
    const current = this.#live(scope);
    const [next, result] = change(current);
    if (next === current) return result;
    // Deleted and set again, so the map stays ordered by last write, that is by expiry.
    this.#stacks.delete(scope);
    if (next.length > 0) {
      this.#stacks.set(scope, { records: next, expiresAt: this.clock.now() + this.limits.ttlMs });
      if (this.#stacks.size > this.#maxScopes) this.#dropOldest();
    }
    return result;
  }

  protected async forget(scope: string): Promise<void> {
    this.#live(scope);
    this.#stacks.delete(scope);
  }

  /** The scope's live records, after dropping whatever has expired. */
  #live(scope: string): readonly HistoryRecord[] {
    const now = this.clock.now();
    this.#dropExpired(now);
    const stack = this.#stacks.get(scope);
    if (stack === undefined) return [];
    // A clock stepped back can leave an expired scope behind a live one: check each read too.
    if (stack.expiresAt <= now) {
      this.#stacks.delete(scope);
      return [];
    }
    return stack.records;
  }

  #dropExpired(now: number): void {
    for (const [scope, stack] of this.#stacks) {
      if (stack.expiresAt > now) return;
      this.#stacks.delete(scope);
    }
  }

  #dropOldest(): void {
    const oldest = this.#stacks.keys().next();
    if (oldest.done !== true) this.#stacks.delete(oldest.value);
  }
}
