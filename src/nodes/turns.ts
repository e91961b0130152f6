/**
 * Turns: one piece of work at a time per scope, across processes, in arrival order within one.
 *
 * A turn first queues behind the earlier turns of its key in this process (so updates that
 * arrived in order are handled in order, whatever the Lock's fairness), then takes the key's
 * lease, which it extends while it runs. A turn can let both go before it is done (`detach`):
 * flows do so when a node starts waiting for the user, whose reply must be able to come in. What
 * it then has left to store, it stores under the lease again (`locked`), in a new turn.
 *
 * @module
 */
import type { Clock } from "../clock.js";
import { KeyedMutex } from "../keyed-mutex.js";
import { type Lock, withLease } from "../lock.js";

/** Lets a running turn's key go early: the queue moves on and the lease is released. */
export type Detach = () => void;

/**
 * Runs `work` under the key's lease: at once while the turn holds it, or, once the turn has let it
 * go, in a new turn (behind the key's later turns), and then `again` is `true`.
 */
export type Locked = <T>(work: (again: boolean) => Promise<T>) => Promise<T>;

/** Runs turns per key. */
export interface Turns {
  /**
   * Runs `work` once the key's earlier turns are done and its lease is held. Resolves with what
   * `work` returns; rejects with `LockTimeoutError` when the lease stayed busy for `waitMs`.
   */
  run<T>(key: string, work: (detach: Detach, locked: Locked) => Promise<T>): Promise<T>;
  /** Whether this process has a turn of `key` queued or running. */
  busy(key: string): boolean;
}

/** How turns take their lease. */
export interface TurnOptions {
  readonly lock: Lock;
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly clock: Clock;
}

/** Creates the turns of one flow. */
export function createTurns(options: TurnOptions): Turns {
  const local = new KeyedMutex();
  const lockOptions = { leaseMs: options.leaseMs, waitMs: options.waitMs, clock: options.clock };
  const turns: Turns = {
    async run<T>(key: string, work: (detach: Detach, locked: Locked) => Promise<T>): Promise<T> {
      let outcome: Promise<T> | undefined;
      let detached = false;
      const locked: Locked = (rest) => (detached ? turns.run(key, () => rest(true)) : rest(false));
      const held = () =>
        withLease(
          options.lock,
          key,
          () => {
            let release: () => void = () => {};
            const letGo = new Promise<void>((resolve) => {
              release = resolve;
            });
            const detach: Detach = () => {
              detached = true;
              release();
            };
            outcome = work(detach, locked);
            // The lease (and the local queue) are held until the work settles or detaches.
            return Promise.race([outcome, letGo]);
          },
          lockOptions,
        );
      await local.run(key, held);
      // Set: `held` resolved, so `work` was called. A detached turn is awaited here, unlocked.
      return await (outcome as Promise<T>);
    },
    busy: (key) => local.busy(key),
  };
  return turns;
}
