import { type CancelTimer, type Clock, systemClock } from "../clock.js";
import type { LeaseLostError } from "../errors.js";
import {
  type AcquireOptions,
  checkAcquireOptions,
  type Lease,
  type Lock,
  leaseExpiredError,
} from "../lock.js";
import { assertDurationMs } from "../validate.js";

/** Options of {@link MemoryLock}. */
export interface MemoryLockOptions {
  /** Drives lease expiry and wait deadlines. Default: `systemClock`. */
  readonly clock?: Clock;
}

interface Holder {
  /**
   * Made when the lease's signal is first read: an `AbortSignal` costs several microseconds to
   * make, and most holders release without ever looking at it.
   */
  controller: AbortController | undefined;
  /** Why the lease was lost, once it was: the reason its signal aborts with. */
  lost: LeaseLostError | undefined;
  cancelExpiry: CancelTimer;
}

interface Slot {
  holder: Holder | undefined;
  /** First in, first served; a Set keeps insertion order and drops a leaving waiter in O(1). */
  readonly waiters: Set<() => void>;
}

/**
 * A {@link Lock} for one process. Leases expire through the clock, so a holder that forgets to
 * release blocks the key for `leaseMs` at most. Waiters are served in arrival order: a released or
 * expired key goes straight to the longest waiter, never to a newcomer.
 *
 * Nothing is kept for a key that is neither held nor waited on (no timer, no map entry).
 *
 * @example
 * ```ts
 * const lock = new MemoryLock();
 * const lease = await lock.acquire("chat:42", { leaseMs: 5_000, waitMs: 1_000 });
 * ```
 */
export class MemoryLock implements Lock {
  readonly #clock: Clock;
  readonly #slots = new Map<string, Slot>();

  constructor(options: MemoryLockOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** How many keys are held or waited on now; `0` when the lock is idle. */
  get size(): number {
    return this.#slots.size;
  }

  async acquire(key: string, options: AcquireOptions): Promise<Lease | undefined> {
    const { leaseMs, waitMs, signal } = checkAcquireOptions(options);
    signal?.throwIfAborted();
    const slot = this.#slots.get(key);
    if (slot === undefined) return this.#grant(key, leaseMs);
    if (waitMs === 0) return undefined;
    return new Promise((resolve, reject) => {
      const leave = () => {
        cancelWait();
        signal?.removeEventListener("abort", onAbort);
        slot.waiters.delete(served);
      };
      const served = () => {
        leave();
        resolve(this.#grant(key, leaseMs));
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      const cancelWait = this.#clock.setTimer(waitMs, () => {
        leave();
        resolve(undefined);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      slot.waiters.add(served);
    });
  }

  #grant(key: string, leaseMs: number): Lease {
    const holder: Holder = { controller: undefined, lost: undefined, cancelExpiry: () => {} };
    const slot = this.#slots.get(key) ?? { holder, waiters: new Set() };
    slot.holder = holder;
    this.#slots.set(key, slot);
    const arm = (ms: number) => {
      holder.cancelExpiry();
      // Housekeeping: whoever waits for the lease keeps the process alive by waiting.
      holder.cancelExpiry = this.#clock.setTimer(
        ms,
        () => {
          holder.lost = leaseExpiredError(key, ms);
          holder.controller?.abort(holder.lost);
          this.#vacate(key, slot);
        },
        { keepAlive: false },
      );
    };
    arm(leaseMs);
    const holds = () => slot.holder === holder;
    return {
      key,
      get signal() {
        if (holder.controller === undefined) {
          holder.controller = new AbortController();
          if (holder.lost !== undefined) holder.controller.abort(holder.lost);
        }
        return holder.controller.signal;
      },
      extend: async (ms) => {
        assertDurationMs("extend(ms)", ms);
        if (!holds()) return false;
        arm(ms);
        return true;
      },
      release: async () => {
        if (!holds()) return false;
        holder.cancelExpiry();
        this.#vacate(key, slot);
        return true;
      },
    };
  }

  #vacate(key: string, slot: Slot): void {
    slot.holder = undefined;
    const [next] = slot.waiters;
    if (next === undefined) this.#slots.delete(key);
    else next();
  }
}
