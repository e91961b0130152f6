import type { CancelTimer, Clock } from "../clock.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told: `advance(ms)` fires every timer that falls due, in deadline
 * order, including timers that those timers set within the same window.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const registry = new ListenerRegistry({ clock });
 * const answer = registry.wait({ chatId: 1 }, { timeoutMs: 1000 });
 * clock.advance(1000); // the wait rejects with ListenerTimeoutError now, not in a second
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<Timer>();

  /** Starts at `start` milliseconds since the epoch (default: 2026-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): CancelTimer {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#timers.add(timer);
    return () => {
      this.#timers.delete(timer);
    };
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let next = this.#due(target); next !== undefined; next = this.#due(target)) {
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }

  /** Like {@link advance}, then lets promise callbacks that the timers started run. */
  async advanceAsync(ms: number): Promise<void> {
    this.advance(ms);
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }

  #due(target: number): Timer | undefined {
    let first: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > target) continue;
      if (
        first === undefined ||
        timer.at < first.at ||
        (timer.at === first.at && timer.seq < first.seq)
      ) {
        first = timer;
      }
    }
    return first;
  }
}
