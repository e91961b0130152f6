import type { Redis } from "ioredis";
import { type Clock, systemClock } from "../clock.js";
import {
  type CheckedCoordinatorOptions,
  type Claim,
  type ClaimOptions,
  type Coordinator,
  type CoordinatorOptions,
  checkCoordinatorOptions,
} from "../coordinator.js";
import { LockTimeoutError } from "../errors.js";
import { LuaScript } from "../redis/lua-script.js";
import { backoffMs, pause } from "../redis/retry.js";
import { ScriptBatch } from "../redis/script-batch.js";
import { assertDurationMs } from "../validate.js";
import { HeldClaim, type ScopeHold } from "./claim.js";
import { DueList } from "./due-list.js";
import {
  CLAIM,
  CLAIM_SHAPE,
  CLAIMED,
  EXTEND,
  FINISH,
  FINISH_SHAPE,
  HANDLED,
  LEAVE,
} from "./redis-scripts.js";

/** Options of {@link RedisCoordinator}. */
export interface RedisCoordinatorOptions extends CoordinatorOptions {
  /** The connection to use; the coordinator neither opens nor closes it. */
  readonly client: Redis;
  /**
   * Put before every key. Default: `"colloquy:coord:"`. The keys `coordinate()` claims by carry
   * the bot id, so bots sharing a Redis never collide.
   */
  readonly prefix?: string;
  /** The longest pause between two polls of a busy scope, in milliseconds. Default: 50. */
  readonly maxRetryMs?: number;
}

const extendScript = new LuaScript(EXTEND);
const leaveScript = new LuaScript(LEAVE);
const FIRST_RETRY_MS = 5;

/**
 * A {@link Coordinator} shared by every instance on one Redis. An update costs two round trips
 * when its scope is free: one script checks the handled marker and leases the scope, another
 * leaves the marker and frees the scope. Extensions (every `leaseMs / 3`) are extra round trips,
 * only for handlers that run that long. Under load the round trips are shared: the claims (and the
 * finishes) made in one turn of the event loop go to Redis as one script call, so an instance
 * with a thousand updates in flight sends a handful of commands, not two thousand. As a batch
 * spans many scopes, the coordinator needs a standalone Redis (or a primary), not Redis Cluster.
 *
 * A claim on a busy scope joins the scope's queue in Redis and polls with jittered backoff (never
 * past the holder's lease): the scope goes to the waiter with the lowest `order` (the update id),
 * so the updates of a chat are handled in order whichever instance received them. Each scope also
 * keeps its last handled `order` (one key, kept for `markerTtlMs`), read by the claim script
 * itself: an update that arrives after a later one of its chat was handled is claimed with
 * `late: true`, at no extra round trip.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { coordinate } from "colloquy/grammy";
 * import { RedisCoordinator } from "colloquy/redis";
 *
 * bot.use(coordinate(new RedisCoordinator({ client: new Redis(process.env.REDIS_URL ?? "") })));
 * ```
 */
export class RedisCoordinator implements Coordinator {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #maxRetryMs: number;
  readonly #options: CheckedCoordinatorOptions;
  readonly #claims: ScriptBatch;
  readonly #finishes: ScriptBatch;
  readonly #dues: DueList;
  /** Owner tokens: random per coordinator, then counted, so they are unique and short. */
  readonly #instance = crypto.randomUUID().slice(0, 13);
  #claimCount = 0;

  constructor(options: RedisCoordinatorOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "colloquy:coord:";
    this.#clock = options.clock ?? systemClock;
    this.#maxRetryMs = options.maxRetryMs ?? 50;
    assertDurationMs("maxRetryMs", this.#maxRetryMs);
    this.#options = checkCoordinatorOptions(options);
    this.#claims = new ScriptBatch(this.#client, CLAIM, CLAIM_SHAPE);
    this.#finishes = new ScriptBatch(this.#client, FINISH, FINISH_SHAPE);
    this.#dues = new DueList(this.#clock);
  }

  async claim(
    identity: string,
    scope: string,
    options: ClaimOptions = {},
  ): Promise<Claim | undefined> {
    const { leaseMs, waitMs } = this.#options;
    const base = `${this.#prefix}{${scope}}:`;
    const marker = `${base}done:${identity}`;
    const lease = `${base}lease`;
    const last = `${base}last`;
    const waiting = [`${base}queue`, `${base}alive`];
    const keys = [marker, lease, ...waiting, last];
    const owner = `${this.#instance}:${(this.#claimCount++).toString(36)}`;
    // A waiter counts as gone once it has not polled for this long.
    const staleMs = Math.max(2_000, 20 * this.#maxRetryMs);
    const order = options.order ?? "";
    const args = [owner, Math.ceil(leaseMs), staleMs, order];
    const waitUntil = this.#clock.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      const grantedAt = this.#clock.now();
      // With CLAIMED, the second element says whether the claim is late; when busy, the pttl.
      const [status, detail = -1] = (await this.#claims.call(keys, args)) as number[];
      if (status === HANDLED) return undefined;
      if (status === CLAIMED) {
        const ttl = this.#options.markerTtlMs;
        const hold = new RedisHold(
          this.#client,
          this.#finishes,
          [marker, lease, last],
          owner,
          order,
          ttl,
        );
        if (this.#clock.now() - grantedAt >= leaseMs) {
          // Granted, but the answer took a whole lease to come back (Redis was away, and the
          // command waited in the client's queue): the lease may be gone already. Hand it back
          // and ask again rather than trust it.
          await hold.finish(false);
          if (this.#clock.now() >= waitUntil) throw new LockTimeoutError(scope, waitMs);
          continue;
        }
        const late = detail === 1;
        return new HeldClaim(hold, {
          identity,
          scope,
          leaseMs,
          dues: this.#dues,
          grantedAt,
          late,
        });
      }
      const pttl = detail;
      const leftMs = waitUntil - this.#clock.now();
      if (leftMs <= 0) {
        // Leaving is a courtesy: a waiter that stops polling is dropped after staleMs anyway.
        await leaveScript.run(this.#client, waiting, [owner]).catch(() => {});
        throw new LockTimeoutError(scope, waitMs);
      }
      // Never sleep past the holder's lease: a stopped holder is taken over as soon as it expires.
      const untilExpiry = pttl > 0 ? pttl : Number.POSITIVE_INFINITY;
      await pause(
        this.#clock,
        Math.min(leftMs, untilExpiry, backoffMs(attempt, FIRST_RETRY_MS, this.#maxRetryMs)),
      );
    }
  }
}

/** One claim's lease in Redis, owner-checked. */
class RedisHold implements ScopeHold {
  readonly #client: Redis;
  readonly #finishes: ScriptBatch;
  /** The marker, the lease and the scope's last handled order: FINISH's keys. */
  readonly #keys: readonly [string, string, string];
  readonly #owner: string;
  readonly #order: number | "";
  readonly #markerTtlMs: number;

  constructor(
    client: Redis,
    finishes: ScriptBatch,
    keys: readonly [string, string, string],
    owner: string,
    order: number | "",
    markerTtlMs: number,
  ) {
    this.#client = client;
    this.#finishes = finishes;
    this.#keys = keys;
    this.#owner = owner;
    this.#order = order;
    this.#markerTtlMs = markerTtlMs;
  }

  async extend(ms: number): Promise<boolean> {
    const args = [this.#owner, Math.ceil(ms)];
    return (await extendScript.run(this.#client, [this.#keys[1]], args)) === 1;
  }

  async finish(handled: boolean): Promise<void> {
    const args = [this.#owner, handled ? "1" : "0", this.#markerTtlMs, this.#order];
    await this.#finishes.call(this.#keys, args);
  }
}
