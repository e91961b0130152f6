/**
 * Polling a busy Redis key: how long to pause before the next try, and the pause itself.
 *
 * @module
 */
import type { Clock } from "../clock.js";

/**
 * The pause before try `attempt + 1`: doubling from `firstMs` up to `maxMs`, jittered over its
 * upper half so that waiters who started together do not poll in lockstep.
 */
export function backoffMs(attempt: number, firstMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Resolves after `ms` on `clock`; rejects with the signal's reason as soon as it aborts. */
export function pause(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
