/**
 * Time, injected. The core never reads `Date.now()` or calls `setTimeout` itself, so tests drive
 * every deadline with a manual clock (`ManualClock` in `colloquy/testing`) and run instantly.
 *
 * @module
 */

/** Cancels a timer set with {@link Clock.setTimer}; calling it twice, or after it fired, is harmless. */
export type CancelTimer = () => void;

/** Options of {@link Clock.setTimer}. */
export interface TimerOptions {
  /**
   * Whether the pending timer keeps the process alive (default `true`). `false` for timers that
   * only tidy up, or that only matter while something else keeps the process running (a bot's
   * polling, its webhook server, a terminal reading input): once that has stopped, they must not
   * hold the process for minutes. Clocks without the notion (a manual clock) ignore it.
   */
  readonly keepAlive?: boolean;
}

/** A source of the current time and of one-shot timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now. */
  setTimer(ms: number, fn: () => void, options?: TimerOptions): CancelTimer;
}

/** The real clock: `Date.now()` and `setTimeout` (unreferenced when `keepAlive` is `false`). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn, options) {
    const handle = setTimeout(fn, ms);
    // Node, Bun and Deno timers have unref(); elsewhere a timer never holds a process anyway.
    if (options?.keepAlive === false) (handle as { unref?: () => void }).unref?.();
    return () => clearTimeout(handle);
  },
};

/**
 * `clock`, with timers that never keep the process alive: for the waits and delegates of a bot,
 * which only matter while the bot's transport (polling, a webhook server, a terminal) runs — and
 * that keeps the process alive by itself.
 */
export function unreferenced(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimer: (ms, fn) => clock.setTimer(ms, fn, { keepAlive: false }),
  };
}
