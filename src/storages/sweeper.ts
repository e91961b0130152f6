import type { CancelTimer, Clock } from "../clock.js";
import { assertDurationMs } from "../validate.js";

/**
 * Runs `sweep` every `intervalMs` through the clock until the returned function is called, which
 * also waits for a sweep in progress. A failed sweep is retried at the next interval: sweeping only
 * reclaims space, since reads already hide expired entries.
 */
export function startSweeper(
  clock: Clock,
  intervalMs: number,
  sweep: () => Promise<unknown> | unknown,
): () => Promise<void> {
  assertDurationMs("sweepIntervalMs", intervalMs);
  let stopped = false;
  let cancel: CancelTimer = () => {};
  let running: Promise<void> = Promise.resolve();
  const arm = (): void => {
    // Sweeping is housekeeping: a storage left open must not keep the process alive for it.
    cancel = clock.setTimer(
      intervalMs,
      () => {
        running = (async () => {
          try {
            await sweep();
          } catch {
            // Retried at the next interval (see above).
          }
          if (!stopped) arm();
        })();
      },
      { keepAlive: false },
    );
  };
  arm();
  return async () => {
    stopped = true;
    cancel();
    await running;
  };
}
