/**
 * The Lock contract: leases on string keys, so that one holder at a time works on a scope (a
 * chat, a user, an update) even across processes. Every lease expires on its own and every wait
 * for one is bounded, so a crashed or forgetful holder never blocks a key for ever.
 *
 * A lease is not a fence: the holder may stall past its lease without knowing. The fence against a
 * stale holder is the storage's version compare-and-set, done while holding the lease.
 *
 * @module
 */

import { type CancelTimer, type Clock, systemClock } from "./clock.js";
import { InvalidArgumentError, LeaseLostError, LockTimeoutError } from "./errors.js";
import { assertDurationMs } from "./validate.js";

/** Options of {@link Lock.acquire}. */
export interface AcquireOptions {
  /** How long the lease lasts unless extended, in milliseconds. */
  readonly leaseMs: number;
  /**
   * How long to wait for a busy key, in milliseconds; `0` (the default) tries once. When the wait
   * runs out, `acquire` resolves to `undefined`.
   */
  readonly waitMs?: number;
  /** Stops waiting: `acquire` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/**
 * One holder's claim on a key, valid until it is released or its lease runs out.
 *
 * Pass `signal` to the work done under the lease: it aborts with a {@link LeaseLostError} as soon
 * as the holder learns that the lease is gone (it expired, or another holder took the key over).
 * A release by the holder itself does not abort it.
 */
export interface Lease {
  /** The locked key, as given to `acquire`. */
  readonly key: string;
  /** Aborts with a {@link LeaseLostError} when the lease is lost. */
  readonly signal: AbortSignal;
  /**
   * Sets the lease to end `ms` milliseconds from now. Resolves to `false`, and aborts `signal`,
   * when the lease was already lost; resolves to `false` after a release.
   */
  extend(ms: number): Promise<boolean>;
  /**
   * Gives the key up. Only the holder's own lease is removed: releasing a lease that was lost (and
   * may now belong to someone else) changes nothing and resolves to `false`, as does a second call.
   */
  release(): Promise<boolean>;
}

/**
 * Leases on string keys. Implementations: `MemoryLock` (one process) and `RedisLock` from
 * `colloquy/redis` (several processes sharing a Redis). `testLock` in `colloquy/testing` checks a
 * backend against this contract.
 *
 * @example
 * ```ts
 * const lease = await lock.acquire(`chat:${chatId}`, { leaseMs: 10_000, waitMs: 5_000 });
 * if (lease === undefined) return; // still busy after 5 s
 * try {
 *   await handle(update, lease.signal);
 * } finally {
 *   await lease.release();
 * }
 * ```
 */
export interface Lock {
  /**
   * Takes the key for `leaseMs`, waiting at most `waitMs` while another holder has it. Resolves to
   * `undefined` when the wait runs out; rejects with the signal's reason when `signal` aborts.
   */
  acquire(key: string, options: AcquireOptions): Promise<Lease | undefined>;
}

/** {@link AcquireOptions} checked, with defaults filled in. */
export interface CheckedAcquireOptions {
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Validates acquire options for a Lock backend; throws {@link InvalidArgumentError}. */
export function checkAcquireOptions(options: AcquireOptions): CheckedAcquireOptions {
  assertDurationMs("leaseMs", options.leaseMs);
  const waitMs = options.waitMs ?? 0;
  if (typeof waitMs !== "number" || !Number.isFinite(waitMs) || waitMs < 0) {
    throw new InvalidArgumentError(
      "waitMs",
      "a finite number of milliseconds, 0 or more (0 tries once)",
      waitMs,
    );
  }
  return { leaseMs: options.leaseMs, waitMs, signal: options.signal };
}

/** The error a backend aborts a lease's signal with when `leaseMs` passed without an extend. */
export function leaseExpiredError(key: string, leaseMs: number): LeaseLostError {
  return new LeaseLostError(key, `it expired: it was not extended within ${leaseMs} ms`);
}

/** Options of {@link withLock}. */
export interface WithLockOptions extends AcquireOptions {
  /** Drives the periodic extension; pass the clock the lock uses. Default: `systemClock`. */
  readonly clock?: Clock;
}

/**
 * Runs `fn` while holding `key`: acquires it (waiting at most `waitMs`), extends the lease every
 * `leaseMs / 3` while `fn` runs, and releases it when `fn` settles, whether it returns or throws.
 * `fn` receives the lease's signal, which aborts if the lease is lost anyway (for instance when
 * the process stalled longer than the lease).
 *
 * Rejects with a {@link LockTimeoutError} when the key could not be acquired within `waitMs`, and
 * with the signal's reason when `signal` aborts the wait.
 *
 * @example
 * ```ts
 * const total = await withLock(lock, `user:${userId}`, async (signal) => {
 *   const cart = await storage.getEntry(key);
 *   return checkout(cart, { signal });
 * }, { leaseMs: 30_000, waitMs: 2_000 });
 * ```
 */
export function withLock<T>(
  lock: Lock,
  key: string,
  fn: (signal: AbortSignal) => T | Promise<T>,
  options: WithLockOptions,
): Promise<T> {
  return withLease(lock, key, (lease) => fn(lease.signal), options);
}

/**
 * {@link withLock}, handing `fn` the lease itself rather than its signal: for callers that may
 * never look at the signal, which some backends make only when it is read.
 */
export async function withLease<T>(
  lock: Lock,
  key: string,
  fn: (lease: Lease) => T | Promise<T>,
  options: WithLockOptions,
): Promise<T> {
  const lease = await lock.acquire(key, options);
  if (lease === undefined) {
    throw new LockTimeoutError(key, options.waitMs ?? 0);
  }
  const stop = keepExtended(lease, options.leaseMs, options.clock ?? systemClock);
  try {
    return await fn(lease);
  } finally {
    stop();
    await lease.release();
  }
}

// Extending is housekeeping: the work the lease guards keeps the process alive while it runs.
const extension = { keepAlive: false } as const;

function keepExtended(lease: Lease, leaseMs: number, clock: Clock): CancelTimer {
  const everyMs = leaseMs / 3;
  const tick = () => {
    if (lease.signal.aborted) return;
    // Scheduled before extending, so one slow round trip does not delay the next extension.
    cancel = clock.setTimer(everyMs, tick, extension);
    // A failed extend (say, a dropped connection) is retried at the next tick; if none succeeds,
    // the lease's own deadline aborts its signal.
    lease.extend(leaseMs).catch(() => {});
  };
  let cancel = clock.setTimer(everyMs, tick, extension);
  return () => cancel();
}
