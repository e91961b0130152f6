/**
 * Puts items back in sequence order (telepot's OrderedWebhook, improved): an item waits for its
 * predecessor at most `maxHoldMs`; one that arrives after its successors were released is still
 * released — marked late — and never dropped.
 *
 * @module
 */
import { type CancelTimer, type Clock, systemClock } from "../clock.js";
import { assertDurationMs } from "../validate.js";

/** Options of {@link OrderedQueue}. */
export interface OrderedQueueOptions {
  /** The longest an item waits for a missing predecessor before the gap is skipped. */
  readonly maxHoldMs: number;
  readonly clock?: Clock;
}

interface Held {
  readonly release: (late: boolean) => void;
}

/**
 * Releases items in the order of their sequence numbers, holding a gap at most `maxHoldMs`.
 *
 * @example
 * ```ts
 * const queue = new OrderedQueue({ maxHoldMs: 1_000 });
 * queue.admit(update.update_id, (late) => handle(update, late));
 * ```
 */
export class OrderedQueue {
  readonly #maxHoldMs: number;
  readonly #clock: Clock;
  readonly #held = new Map<number, Held>();
  /** The next sequence number expected; undefined until the first item. */
  #next: number | undefined;
  #stopTimer: CancelTimer | undefined;

  constructor(options: OrderedQueueOptions) {
    assertDurationMs("maxHoldMs", options.maxHoldMs);
    this.#maxHoldMs = options.maxHoldMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** Items waiting for a predecessor. */
  get held(): number {
    return this.#held.size;
  }

  /**
   * Calls `release(late)` when item `sequence` may go: at once when it is the next expected,
   * after its predecessors otherwise, or when the oldest gap has been open for `maxHoldMs`.
   * Releases happen synchronously in sequence order, so callers can chain on them. `late` is true
   * when a successor was released first (a duplicate of a held item counts as late too).
   */
  admit(sequence: number, release: (late: boolean) => void): void {
    if (this.#next === undefined || sequence === this.#next) {
      this.#next = sequence + 1;
      release(false);
      this.#drain();
      return;
    }
    if (sequence < this.#next || this.#held.has(sequence)) {
      release(true);
      return;
    }
    this.#held.set(sequence, { release });
    this.#stopTimer ??= this.#clock.setTimer(this.#maxHoldMs, () => this.#skipGap());
  }

  /** Releases held items that now follow on without a gap. */
  #drain(): void {
    for (let held = this.#held.get(this.#next ?? 0); held !== undefined; ) {
      this.#held.delete(this.#next ?? 0);
      held.release(false);
      this.#next = (this.#next ?? 0) + 1;
      held = this.#held.get(this.#next);
    }
    if (this.#held.size === 0) {
      this.#stopTimer?.();
      this.#stopTimer = undefined;
    }
  }

  /** The oldest gap waited long enough: go on from the smallest held item. */
  #skipGap(): void {
    this.#stopTimer = undefined;
    if (this.#held.size === 0) return;
    this.#next = Math.min(...this.#held.keys());
    this.#drain();
    if (this.#held.size > 0) {
      this.#stopTimer = this.#clock.setTimer(this.#maxHoldMs, () => this.#skipGap());
    }
  }
}
