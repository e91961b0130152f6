/**
 * Time, injected. The core never reads `Date.now()` or calls `setTimeout` itself, so tests drive
 * every deadline with a manual clock (`ManualClock` in `colloquy/testing`) and run instantly.
 *
 * @module
 */

/** Cancels a timer set with {@link Clock.setTimer}; calling it twice, or after it fired, is harmless. */
export type CancelTimer = () => void;

/** A source of the current time and of one-shot timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now. */
  setTimer(ms: number, fn: () => void): CancelTimer;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};
