/**
 * The flow runtime: per user, one update at a time — lease, load, validate, handle, store with a
 * compare-and-set on the version loaded, release.
 *
 * @module
 */
import { systemClock } from "../clock.js";
import { InvalidArgumentError, VersionConflictError } from "../errors.js";
import { scopes, updateKeys } from "../keys.js";
import { checkAcquireOptions } from "../lock.js";
import { assertDurationMs } from "../validate.js";
import type { Flow, FlowContext, FlowOptions, FlowUser, InvalidStateInfo } from "./options.js";
import {
  createRegistry,
  type FlowState,
  type LoadedSnapshot,
  loadSnapshot,
  loadState,
} from "./registry.js";
import { readSnapshot, toSnapshot } from "./snapshot.js";
import { apply, step } from "./step.js";
import { assertTransition, type End, type Goto } from "./transitions.js";
import { createTurns } from "./turns.js";

function warnAndRestart(flowId: string) {
  return (error: unknown, { scopeKey }: InvalidStateInfo<unknown>): undefined => {
    console.warn(
      `colloquy: the stored state of ${scopeKey} in flow "${flowId}" is unusable; ` +
        "restarting it at the start node. Pass onInvalidState to decide otherwise.",
      error,
    );
  };
}

function assertGotoOrEnd(value: unknown, what: string): asserts value is Goto | End {
  assertTransition(value, what);
  if (value.kind === "stay")
    throw new InvalidArgumentError(what, "goto(node, data) or end()", "stay()");
}

/**
 * Creates a flow of nodes whose users' places survive restarts and are shared by every instance
 * that uses the same storage and lock.
 *
 * **Concurrency.** An update of a user in the flow takes the user's lease (after the earlier
 * updates of that user in this process), loads the snapshot, runs the node, and stores the result
 * with a compare-and-set on the version it loaded. A throw in `event` or `enter` stores nothing.
 *
 * **Waiting inside a node.** A node may wait for the user (`await ctx.ask(...)` in grammY). While
 * it waits it holds no lease: the reply, or a `/cancel`, must be able to come in, possibly on
 * another instance. So the turn lets its lease go when the wait starts (see `watchWaits`), and
 * when the node returns, its transition is stored with a compare-and-set against the version it
 * loaded: if the user was moved meanwhile, it is discarded with `VersionConflictError`. The wait
 * itself lives in memory: after a restart it is gone, and the user's next update reaches the
 * `event` of the node they were stored on.
 *
 * Why the lease is held while a node computes, rather than never (loading, then storing with a
 * compare-and-set only): two updates of one user would then run the same node side by side, and
 * the one that lost the compare-and-set would have sent its messages already — they cannot be
 * taken back, and retrying would send them twice. Holding the lease runs each update once, in
 * order; the compare-and-set is left to fence what the lease cannot: a node that waited, and a
 * holder that stalled past its lease.
 *
 * @example
 * ```ts
 * const order = createFlow<MyContext>({
 *   id: "order",
 *   nodes: [menuNode, cartNode],
 *   start: (ctx) => goto(menu, { firstTime: true }),
 *   storage: new MemoryStorage(),
 *   lock: new MemoryLock(),
 * });
 * ```
 */
export function createFlow<C extends FlowContext>(options: FlowOptions<C>): Flow<C> {
  const { id, storage, start, watchWaits } = options;
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError("id", "a non-empty string, stable across releases", id);
  }
  if (typeof start !== "function") {
    throw new InvalidArgumentError("start", "a function (ctx) => goto(node, data)", start);
  }
  const registry = createRegistry(id, options.nodes);
  const { leaseMs, waitMs } = checkAcquireOptions({
    leaseMs: options.leaseMs ?? 30_000,
    waitMs: options.waitMs ?? 10_000,
  });
  if (options.ttlMs !== undefined) assertDurationMs("ttlMs", options.ttlMs);
  const write = options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs };
  const scope = options.scope ?? scopes.userInChat;
  const prefix = options.prefix ?? "colloquy:flow:";
  const appVersion = options.appVersion ?? 0;
  const read = { appVersion, migrate: options.migrate };
  const onInvalidState = options.onInvalidState ?? warnAndRestart(id);
  const turns = createTurns({
    lock: options.lock,
    leaseMs,
    waitMs,
    clock: options.clock ?? systemClock,
  });
  const keyOf = (scopeKey: string) => `${prefix}${id}:${scopeKey}`;

  /** Runs `work` as a turn of `scopeKey`; a wait started by the node with `ctx` ends the turn's hold. */
  function turn<T>(scopeKey: string, ctx: C | undefined, work: (key: string) => Promise<T>) {
    const key = keyOf(scopeKey);
    return turns.run(key, async (detach) => {
      const unwatch = ctx === undefined ? undefined : watchWaits?.(ctx, detach);
      try {
        return await work(key);
      } finally {
        unwatch?.();
      }
    });
  }

  async function persist(
    key: string,
    version: number,
    next: FlowState | undefined,
    pendingEnter = false,
  ) {
    if (next === undefined) {
      if (version === 0 || (await storage.compareAndDelete(key, version))) return;
      throw new VersionConflictError(key, version, (await storage.getEntry(key))?.version ?? 0);
    }
    const snapshot = toSnapshot(appVersion, next.node, next.data, pendingEnter);
    const result = await storage.compareAndSet(key, version, snapshot, write);
    if (!result.ok) throw new VersionConflictError(key, version, result.version);
  }

  async function startOver(
    ctx: C,
    decided: Goto | End | undefined,
  ): Promise<FlowState | undefined> {
    const to = decided ?? (await start(ctx));
    assertGotoOrEnd(to, `what start or onInvalidState of flow "${id}" returned`);
    return apply(registry, ctx, to);
  }

  async function handleStored(ctx: C, scopeKey: string, stored: unknown) {
    let loaded: LoadedSnapshot<C>;
    try {
      loaded = await loadSnapshot(registry, stored, read);
    } catch (error) {
      return startOver(ctx, await onInvalidState(error, { ctx, scopeKey, stored }));
    }
    if (!loaded.pendingEnter) return step(registry, ctx, loaded);
    await loaded.at.handlers.enter?.(ctx, loaded.data);
    return { node: loaded.at.node.key, data: loaded.data };
  }

  function scopeOf(ctx: C): string | undefined {
    return scope(updateKeys(ctx.update));
  }

  function user(scopeKey: string): FlowUser {
    return {
      scopeKey,
      to: (node, data) =>
        turn(scopeKey, undefined, async (key) => {
          const entry = await storage.getEntry(key);
          const target = await loadState(registry, { node: node.key, data });
          await persist(key, entry?.version ?? 0, { node: node.key, data: target.data }, true);
        }),
      leave: () =>
        turn(scopeKey, undefined, async (key) => {
          const entry = await storage.getEntry(key);
          if (entry === undefined) return false;
          await persist(key, entry.version, undefined);
          return true;
        }),
      async get() {
        const value = await storage.get(keyOf(scopeKey));
        if (value === undefined) return undefined;
        const { node, data } = readSnapshot(value, `the snapshot of ${scopeKey} in flow "${id}"`);
        return { node, data };
      },
    };
  }

  return {
    id,
    scopeOf,
    user,
    async handle(ctx) {
      const scopeKey = scopeOf(ctx);
      if (scopeKey === undefined) return false;
      return turn(scopeKey, ctx, async (key) => {
        const entry = await storage.getEntry(key);
        if (entry === undefined) return false;
        await persist(key, entry.version, await handleStored(ctx, scopeKey, entry.value));
        return true;
      });
    },
    async enter(ctx) {
      const scopeKey = scopeOf(ctx);
      if (scopeKey === undefined) {
        throw new InvalidArgumentError("ctx", `an update with a scope to enter flow "${id}"`, ctx);
      }
      await turn(scopeKey, ctx, async (key) => {
        const entry = await storage.getEntry(key);
        await persist(key, entry?.version ?? 0, await startOver(ctx, undefined));
      });
    },
    async leave(ctx) {
      const scopeKey = scopeOf(ctx);
      return scopeKey === undefined ? false : user(scopeKey).leave();
    },
    async step(ctx, state) {
      return step(registry, ctx, await loadState(registry, state));
    },
  };
}
