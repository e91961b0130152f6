import type { Redis } from "ioredis";
import { type CancelTimer, type Clock, systemClock } from "../clock.js";
import { LeaseLostError } from "../errors.js";
import {
  type AcquireOptions,
  checkAcquireOptions,
  type Lease,
  type Lock,
  leaseExpiredError,
} from "../lock.js";
import { LuaScript } from "../redis/lua-script.js";
import { backoffMs, pause } from "../redis/retry.js";
import { assertDurationMs } from "../validate.js";

/** Options of {@link RedisLock}. */
export interface RedisLockOptions {
  /** The connection to use; the lock neither opens nor closes it. */
  readonly client: Redis;
  /** Put before every key. Default: `"colloquy:lock:"`. */
  readonly prefix?: string;
  /** Drives local lease deadlines and retry pauses. Default: `systemClock`. */
  readonly clock?: Clock;
  /** The longest pause between two attempts on a busy key, in milliseconds. Default: 100. */
  readonly maxRetryMs?: number;
}

// Owner-checked, so a holder whose lease ran out never touches the key's next owner.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0`;
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end
return 0`;
const releaseScript = new LuaScript(RELEASE);
const extendScript = new LuaScript(EXTEND);
const FIRST_RETRY_MS = 10;

/**
 * A {@link Lock} shared by every process on one Redis: `SET key owner NX PX leaseMs` to acquire,
 * owner-checked Lua scripts to extend and release — one round trip each. A busy key is retried
 * with jittered exponential backoff until `waitMs` runs out (waiters are not queued, so there is no
 * fairness between processes).
 *
 * Each lease also keeps a local deadline, counted from when its last acquire or extend was sent
 * (never later than Redis's own expiry): its signal aborts there, or earlier when an extend finds
 * the key expired or owned by someone else.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisLock } from "colloquy/redis";
 *
 * const lock = new RedisLock({ client: new Redis(process.env.REDIS_URL ?? "") });
 * const lease = await lock.acquire("chat:42", { leaseMs: 10_000, waitMs: 2_000 });
 * ```
 */
export class RedisLock implements Lock {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #maxRetryMs: number;

  constructor(options: RedisLockOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "colloquy:lock:";
    this.#clock = options.clock ?? systemClock;
    this.#maxRetryMs = options.maxRetryMs ?? 100;
    assertDurationMs("maxRetryMs", this.#maxRetryMs);
  }

  async acquire(key: string, options: AcquireOptions): Promise<Lease | undefined> {
    const { leaseMs, waitMs, signal } = checkAcquireOptions(options);
    signal?.throwIfAborted();
    const redisKey = this.#prefix + key;
    const owner = crypto.randomUUID();
    const waitUntil = this.#clock.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const sentAt = this.#clock.now();
      const set = await this.#client.set(redisKey, owner, "PX", Math.ceil(leaseMs), "NX");
      if (set === "OK") {
        const context = { client: this.#client, clock: this.#clock, redisKey, owner };
        const lease = new RedisLease(key, context, sentAt, leaseMs);
        if (signal?.aborted) {
          // Aborted while the SET was on its way: give back what the caller no longer wants.
          await lease.release().catch(() => false);
          throw signal.reason;
        }
        return lease;
      }
      signal?.throwIfAborted();
      const leftMs = waitUntil - this.#clock.now();
      if (leftMs <= 0) return undefined;
      await pause(
        this.#clock,
        Math.min(leftMs, backoffMs(attempt, FIRST_RETRY_MS, this.#maxRetryMs)),
        signal,
      );
    }
  }
}

interface LeaseContext {
  readonly client: Redis;
  readonly clock: Clock;
  readonly redisKey: string;
  readonly owner: string;
}

class RedisLease implements Lease {
  readonly key: string;
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #context: LeaseContext;
  #released = false;
  #cancelDeadline: CancelTimer = () => {};

  constructor(key: string, context: LeaseContext, sentAt: number, leaseMs: number) {
    this.key = key;
    this.signal = this.#controller.signal;
    this.#context = context;
    this.#arm(sentAt, leaseMs);
  }

  async extend(ms: number): Promise<boolean> {
    assertDurationMs("extend(ms)", ms);
    if (this.#released || this.signal.aborted) return false;
    const { client, clock, redisKey, owner } = this.#context;
    const sentAt = clock.now();
    const kept = await extendScript.run(client, [redisKey], [owner, Math.ceil(ms)]);
    if (this.#released) return false;
    if (kept !== 1) {
      this.#abort(new LeaseLostError(this.key, "an extend found it expired or held by another"));
      return false;
    }
    if (this.signal.aborted) {
      // The local deadline passed while the extend was on its way: the holder has been told the
      // lease is gone, so free the key for others instead of keeping it for nobody.
      await this.#delete().catch(() => false);
      return false;
    }
    this.#arm(sentAt, ms);
    return true;
  }

  async release(): Promise<boolean> {
    if (this.#released) return false;
    this.#released = true;
    this.#cancelDeadline();
    if (!this.signal.aborted) return this.#delete();
    // Lost already, but Redis may keep the key a little longer than the local deadline: free it.
    await this.#delete().catch(() => false);
    return false;
  }

  async #delete(): Promise<boolean> {
    const { client, redisKey, owner } = this.#context;
    return (await releaseScript.run(client, [redisKey], [owner])) === 1;
  }

  /** Local deadline: counted from when the command was sent, so it never outlasts Redis's. */
  #arm(sentAt: number, leaseMs: number): void {
    this.#cancelDeadline();
    const { clock } = this.#context;
    this.#cancelDeadline = clock.setTimer(sentAt + leaseMs - clock.now(), () =>
      this.#abort(leaseExpiredError(this.key, leaseMs)),
    );
  }

  #abort(reason: LeaseLostError): void {
    this.#cancelDeadline();
    this.#controller.abort(reason);
  }
}
