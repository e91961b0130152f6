/**
 * Cross-instance asks: a reply that reaches another instance of the bot is handed to the
 * instance whose `ask` waits for it.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import createDebug from "debug";
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import type { Redis } from "ioredis";
import { keysOf } from "../adapters/grammy/context-keys.js";
import { type CancelTimer, type Clock, systemClock } from "../clock.js";
import { detachedHook } from "../detached.js";
import type { MatchScope } from "../listeners/match.js";
import { assertDurationMs } from "../validate.js";
import { RemoteWaiters } from "./directory.js";
import { type Announcement, type InboxMessage, parseJson } from "./messages.js";
import { scopeOfWait, scopesOfUpdate } from "./scopes.js";

const debug = createDebug("colloquy:crossinstance");

/** What {@link crossInstanceAsks} needs of the bot: its id and a way to feed it an update. */
export interface UpdateSink {
  /** The bot's own user; its id namespaces the registry's keys. */
  readonly botInfo: { readonly id: number };
  /** Handles an update as if it had arrived here (grammY's `bot.handleUpdate`). */
  handleUpdate(update: Update): Promise<unknown>;
}

/** Options of {@link crossInstanceAsks}. */
export interface CrossInstanceAsksOptions {
  /** Commands, publishing and the registry; not closed by `stop()`. */
  readonly client: Redis;
  /** A connection of its own: it is put in subscriber mode. Not closed by `stop()`. */
  readonly subscriber: Redis;
  /** The bot this instance runs; handed-over updates go to its `handleUpdate`. */
  readonly bot: UpdateSink;
  /** Unique per running instance. Default: random. */
  readonly instanceId?: string;
  /** Put before every key and channel, then the bot id. Default: `"colloquy:asks:"`. */
  readonly prefix?: string;
  /**
   * How long other instances keep routing to this one after it last announced itself; it does
   * so every `leaseMs / 3`. Default: 10 000.
   */
  readonly leaseMs?: number;
  /**
   * How long a hand-over may take before this instance handles the update itself (the
   * coordinator's handled marker keeps that from running it twice). Default: 10 000.
   */
  readonly handoffTimeoutMs?: number;
  /** Drives the heartbeat, hand-over timeouts and lease expiry. Default: `systemClock`. */
  readonly clock?: Clock;
  /**
   * Receives Redis errors of announcements and acknowledgements. Default: `console.error`.
   * Nothing awaits it: what it throws or rejects with is logged.
   */
  readonly onError?: (error: unknown) => void;
}

/** Counters of one instance. */
export interface CrossInstanceStats {
  /** Updates this instance handed to an owner, which acknowledged them. */
  readonly handedOff: number;
  /** Updates other instances handed to this one. */
  readonly handedIn: number;
  /** Hand-overs that failed (owner gone, timeout, its handlers threw): handled here instead. */
  readonly fellBack: number;
  /** Scopes other instances wait on, as this instance knows them. */
  readonly remoteScopes: number;
}

/** The piece {@link crossInstanceAsks} returns. */
export interface CrossInstanceAsks extends MiddlewareObj<Context> {
  readonly instanceId: string;
  /** Pass it as `colloquy({ onWaitsChanged })`. */
  readonly onWaitsChanged: (scope: MatchScope, delta: 1 | -1) => void;
  /** Subscribes, loads where the other instances wait, and announces this one. */
  start(): Promise<void>;
  /** Withdraws this instance's waits from the registry and unsubscribes. */
  stop(): Promise<void>;
  /** Counts of hand-overs so far and of the scopes other instances wait on. */
  stats(): CrossInstanceStats;
}

/**
 * Makes `ask` work across the instances of a bot behind one webhook balancer. Each instance
 * announces the scopes (chat + user) it waits on in Redis, with a lease it keeps alive; every
 * instance keeps a picture of the others' scopes from those announcements, so an update in no
 * remote scope costs nothing extra. An update in a remote scope is handed to its owner over
 * pub/sub, which runs it through its bot as if it had received it — its wait answers, or its
 * normal handlers run — and acknowledges; the receiving instance answers its webhook request only
 * then, so each chat stays in order. When the owner is gone (unsubscribed, or its lease ran out)
 * the receiving instance handles the update normally: that ask died with its process.
 *
 * Install the middleware before `coordinate()`, and call `start()` after `bot.init()`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { colloquy, coordinate } from "colloquy/grammy";
 * import { crossInstanceAsks, RedisCoordinator } from "colloquy/redis";
 *
 * await bot.init();
 * const asks = crossInstanceAsks({ client: redis, subscriber: new Redis(url), bot });
 * bot.use(asks);
 * bot.use(coordinate(new RedisCoordinator({ client: redis })));
 * bot.use(colloquy({ onWaitsChanged: asks.onWaitsChanged }));
 * await asks.start();
 * ```
 */
export function crossInstanceAsks(options: CrossInstanceAsksOptions): CrossInstanceAsks {
  const { client, subscriber, bot } = options;
  const self = options.instanceId ?? crypto.randomUUID().slice(0, 13);
  const leaseMs = options.leaseMs ?? 10_000;
  const handoffTimeoutMs = options.handoffTimeoutMs ?? 10_000;
  assertDurationMs("leaseMs", leaseMs);
  assertDurationMs("handoffTimeoutMs", handoffTimeoutMs);
  // Called where nothing awaits: a throwing hook would be an unhandled rejection.
  const onError = detachedHook(
    "crossInstanceAsks' onError",
    options.onError ?? ((error) => console.error("colloquy:", error)),
  );
  const prefix = options.prefix ?? "colloquy:asks:";
  const clock = options.clock ?? systemClock;
  const remote = new RemoteWaiters(self);
  /** Waits per scope here; only the first and the last of a scope are announced. */
  const local = new Map<string, number>();
  /** Updates handed in and being handled: they must not be routed again. */
  const handedIn = new Set<number>();
  const acks = new Map<string, (ok: boolean) => void>();
  let ns = "";
  /** Stops the heartbeat; set while started. */
  let beat: CancelTimer | undefined;
  let handoffs = 0;
  const counts = { handedOff: 0, handedIn: 0, fellBack: 0 };

  const ownerKey = (owner: string) => `${ns}owner:${owner}`;
  const inbox = (owner: string) => `${ns}to:${owner}`;
  const announce = (event: Announcement) => JSON.stringify(event);

  function changed(scope: string, event: "+" | "-"): void {
    if (beat === undefined) return; // start() announces what is pending then
    const batch = client.pipeline();
    if (event === "+") {
      batch.hset(ownerKey(self), scope, "1").pexpire(ownerKey(self), leaseMs);
      batch.sadd(`${ns}owners`, self);
    } else batch.hdel(ownerKey(self), scope);
    batch.publish(`${ns}events`, announce({ e: event, o: self, s: scope, l: leaseMs }));
    batch.exec().catch(onError);
  }

  const onWaitsChanged = (scope: MatchScope, delta: 1 | -1): void => {
    const key = scopeOfWait(scope);
    const count = (local.get(key) ?? 0) + delta;
    if (count > 0) local.set(key, count);
    else local.delete(key);
    if (count === 1 && delta === 1) changed(key, "+");
    else if (count === 0) changed(key, "-");
  };

  function heartbeat(): Promise<unknown> {
    const batch = client.pipeline();
    if (local.size > 0) batch.sadd(`${ns}owners`, self).pexpire(ownerKey(self), leaseMs);
    batch.publish(`${ns}events`, announce({ e: "alive", o: self, l: leaseMs }));
    return batch.exec();
  }

  function onAnnouncement(event: Announcement): void {
    if (event.e === "gone") {
      remote.forget(event.o);
      return;
    }
    remote.seen(event.o, clock.now() + event.l);
    if (event.e === "+" && event.s !== undefined) remote.add(event.o, event.s);
    else if (event.e === "-" && event.s !== undefined) remote.remove(event.o, event.s);
  }

  async function receive(message: InboxMessage): Promise<void> {
    if (message.k === "ack") return acks.get(message.h)?.(message.ok);
    const update = message.u;
    counts.handedIn++;
    handedIn.add(update.update_id);
    let ok = true;
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      // The sender handles the update itself; the coordinator's marker says whether it ran here.
      debug("handed-in update %d failed here: %O", update.update_id, error);
      ok = false;
    } finally {
      handedIn.delete(update.update_id);
    }
    const ack: InboxMessage = { k: "ack", h: message.h, ok };
    await client.publish(inbox(message.from), JSON.stringify(ack));
  }

  function onMessage(channel: string, text: string): void {
    const message = parseJson(text);
    if (message === undefined) debug("unreadable message on %s", channel);
    else if (channel === inbox(self)) receive(message as InboxMessage).catch(onError);
    else onAnnouncement(message as Announcement);
  }

  /** Hands `update` to `owner`; true once the owner acknowledged handling it. */
  async function handOff(owner: string, update: Update): Promise<boolean> {
    const h = `${self}:${(handoffs++).toString(36)}`;
    const acked = new Promise<boolean>((resolve) => {
      const cancel = clock.setTimer(handoffTimeoutMs, () => settle(false));
      const settle = (ok: boolean) => {
        cancel();
        acks.delete(h);
        resolve(ok);
      };
      acks.set(h, settle);
    });
    const message: InboxMessage = { k: "update", h, from: self, u: update };
    const receivers = await client.publish(inbox(owner), JSON.stringify(message));
    if (receivers === 0) {
      // Its subscription is gone, so the process is: no need to wait out its lease.
      remote.forget(owner);
      acks.get(h)?.(false);
    }
    return acked;
  }

  const middleware: MiddlewareFn<Context> = async (ctx, next) => {
    const update = ctx.update;
    if (remote.size === 0 || handedIn.has(update.update_id)) return next();
    const owner = remote.ownerOf(scopesOfUpdate(keysOf(ctx)), clock.now());
    if (owner === undefined) return next();
    debug("update %d handed to %s", update.update_id, owner);
    if (await handOff(owner, update)) {
      counts.handedOff++;
      return;
    }
    counts.fellBack++;
    return next();
  };

  async function load(): Promise<void> {
    const owners = (await client.smembers(`${ns}owners`)).filter((owner) => owner !== self);
    if (owners.length === 0) return;
    const batch = client.pipeline();
    for (const owner of owners) batch.hkeys(ownerKey(owner)).pttl(ownerKey(owner));
    const replies = (await batch.exec()) ?? [];
    const now = clock.now();
    for (const [index, owner] of owners.entries()) {
      const scopes = replies[2 * index]?.[1] as string[] | undefined;
      const pttl = replies[2 * index + 1]?.[1] as number | undefined;
      if (pttl === undefined || pttl <= 0 || scopes === undefined) continue;
      remote.seen(owner, now + pttl);
      for (const scope of scopes) remote.add(owner, scope);
    }
  }

  return {
    instanceId: self,
    onWaitsChanged,
    middleware: () => middleware,
    async start() {
      ns = `${prefix}${bot.botInfo.id}:`;
      subscriber.on("message", onMessage);
      await subscriber.subscribe(`${ns}events`, inbox(self));
      await load();
      beat = every(clock, leaseMs / 3, () => heartbeat().catch(onError));
      for (const scope of local.keys()) changed(scope, "+");
      await heartbeat();
    },
    async stop() {
      if (beat === undefined) return;
      beat();
      beat = undefined;
      for (const settle of acks.values()) settle(false);
      await client
        .pipeline()
        .del(ownerKey(self))
        .srem(`${ns}owners`, self)
        .publish(`${ns}events`, announce({ e: "gone", o: self, l: leaseMs }))
        .exec();
      subscriber.off("message", onMessage);
      await subscriber.unsubscribe(`${ns}events`, inbox(self));
    },
    stats: () => ({ ...counts, remoteScopes: remote.size }),
  };
}

/** Runs `fn` every `ms` until the returned function is called. */
function every(clock: Clock, ms: number, fn: () => void): CancelTimer {
  let cancel: CancelTimer = () => {};
  let stopped = false;
  const arm = () => {
    cancel = clock.setTimer(ms, () => {
      if (stopped) return;
      fn();
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}
