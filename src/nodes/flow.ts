/**
 * The flow runtime: per user, one update at a time — lease, load, validate, handle, store with a
 * compare-and-set on the version loaded (with the path behind the user), release.
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import { systemClock } from "../clock.js";
import { InvalidArgumentError } from "../errors.js";
import { scopes, updateKeys } from "../keys.js";
import { checkAcquireOptions } from "../lock.js";
import type { StorageEntry } from "../storage.js";
import { assertDurationMs } from "../validate.js";
import { mermaidOf } from "./edges.js";
import type { Flow, FlowContext, FlowOptions, FlowUser, InvalidStateInfo } from "./options.js";
import {
  createRegistry,
  type FlowState,
  type LoadedSnapshot,
  loadSnapshot,
  loadState,
} from "./registry.js";
import { type PathStep, readSnapshot, stateOf } from "./snapshot.js";
import { apply, step } from "./step.js";
import { type Change, createStore, type StoreKeys } from "./store.js";
import { findBack, MAX_PATH, pathOf } from "./trail.js";
import { assertGotoOrEnd, type Back, back, type End, type Goto } from "./transitions.js";
import { createTurns } from "./turns.js";

/** Stores a turn's change over the snapshot at `version`, whose path was `behind`. */
type Save = (version: number, change: Change, behind?: readonly PathStep[]) => Promise<void>;

/** How many users' own writes a flow remembers (about 100 bytes each). */
const OWN_WRITES = 10_000;

function warnAndRestart(flowId: string) {
  return (error: unknown, { scopeKey }: InvalidStateInfo<unknown>): undefined => {
    console.warn(
      `colloquy: the stored state of ${scopeKey} in flow "${flowId}" is unusable; ` +
        "restarting it at the start node. Pass onInvalidState to decide otherwise.",
      error,
    );
  };
}

/** Whether the user is still in the flow once `change` is stored. */
function staysIn(change: Change): boolean {
  if (change.kind === "end") return false;
  // A restart that `onInvalidState` ended stores nothing.
  return change.kind !== "restart" || change.next !== undefined;
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
 * another instance. So the turn lets its lease go when the wait starts (see `watchWaits`); when the
 * node returns, the turn takes the lease again and stores the transition only if the snapshot is
 * still at the version it loaded: if the user was moved meanwhile, it is discarded with
 * `VersionConflictError`. The wait itself lives in memory: after a restart it is gone, and the
 * user's next update reaches the `event` of the node they were stored on.
 *
 * **Back.** Each move to another node pushes the node left, with its data, on the user's path
 * (in the snapshot, or in the flow's `history`); `back()` from an `event`, or `flow.back(ctx)`,
 * returns there and runs its `enter` (see `history` in {@link FlowOptions}).
 *
 * Why the lease is held while a node computes, rather than never (loading, then storing with a
 * compare-and-set only): two updates of one user would then run the same node side by side, and
 * the one that lost the compare-and-set would have sent its messages already — they cannot be
 * taken back, and retrying would send them twice. Holding the lease runs each update once, in
 * order; the compare-and-set is left to fence what the lease cannot: a holder that stalled past
 * its lease.
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
  const { id, storage, start, watchWaits, onPresence } = options;
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError("id", "a non-empty string, stable across releases", id);
  }
  if (typeof start !== "function" && (start as Partial<Goto> | null)?.kind !== "goto") {
    throw new InvalidArgumentError(
      "start",
      "goto(node, data) or a function (ctx) => goto(node, data)",
      start,
    );
  }
  const registry = createRegistry(id, options.nodes);
  const { leaseMs, waitMs } = checkAcquireOptions({
    leaseMs: options.leaseMs ?? 30_000,
    waitMs: options.waitMs ?? 10_000,
  });
  const { ttlMs } = options;
  if (ttlMs !== undefined) assertDurationMs("ttlMs", ttlMs);
  const scope = options.scope ?? scopes.userInChat;
  const prefix = options.prefix ?? "colloquy:flow:";
  const appVersion = options.appVersion ?? 0;
  const read = { appVersion, migrate: options.migrate };
  const onInvalidState = options.onInvalidState ?? warnAndRestart(id);
  const clock = options.clock ?? systemClock;
  const turns = createTurns({ lock: options.lock, leaseMs, waitMs, clock });
  // The version of each snapshot this flow stored last, for the users it served lately: loading
  // one of those needs no validation (its data passed the schema on the way in). Anything else —
  // written by another process, another release, or by hand — is validated.
  const ownWrites = new LRUCache<string, number>({ max: OWN_WRITES });
  const { history } = options;
  const write = ttlMs === undefined ? {} : { ttlMs };
  const store = createStore({ storage, history, appVersion, write, maxPath: MAX_PATH });
  const keysOf = (scopeKey: string): StoreKeys => ({
    key: `${prefix}${id}:${scopeKey}`,
    scope: `${id}:${scopeKey}`,
  });

  /**
   * Runs `work` as a turn of `scopeKey`. A wait started by the node with `ctx` ends the turn's
   * hold; `save` then stores in a new turn, and only if the snapshot is still at the version the
   * turn loaded: else the user was moved meanwhile, and the change is discarded.
   */
  function turn<T>(
    scopeKey: string,
    ctx: C | undefined,
    work: (keys: StoreKeys, save: Save) => Promise<T>,
  ) {
    const keys = keysOf(scopeKey);
    return turns.run(keys.key, async (detach, locked) => {
      const unwatch = ctx === undefined ? undefined : watchWaits?.(ctx, detach);
      const save: Save = async (version, change, behind = []) => {
        await locked(async (again) => {
          if (again) await store.expect(keys.key, version);
          const stored = await store.commit(keys, version, change, behind);
          if (stored === 0) ownWrites.delete(keys.key);
          else ownWrites.set(keys.key, stored);
        });
        if (ctx !== undefined) onPresence?.(ctx, staysIn(change));
      };
      try {
        return await work(keys, save);
      } finally {
        unwatch?.();
      }
    });
  }

  async function startOver(ctx: C, decided: Goto | End | undefined): Promise<Change> {
    const to = decided ?? (typeof start === "function" ? await start(ctx) : start);
    assertGotoOrEnd(to, `what start or onInvalidState of flow "${id}" returned`);
    return { kind: "restart", next: await apply(registry, ctx, to) };
  }

  /** Where `back()` takes a user on `from`: the target's `enter` runs here, before storing. */
  async function goBack(
    ctx: C,
    keys: StoreKeys,
    from: string,
    behind: readonly PathStep[],
  ): Promise<Change> {
    const path = await pathOf(history, keys.scope, behind);
    const { to, drop } = await findBack(registry, path, from);
    if (to === undefined) return { kind: "back", to: undefined, drop };
    await to.at.handlers.enter?.(ctx, to.data);
    return { kind: "back", to: { node: to.at.node.key, data: to.data }, drop };
  }

  /** What an update decides: `act` on the user's state, or a restart when it is unusable. */
  async function decide(
    ctx: C,
    scopeKey: string,
    keys: StoreKeys,
    { value: stored, version }: StorageEntry,
    act: (loaded: LoadedSnapshot<C>) => Promise<FlowState | Back | undefined>,
  ): Promise<{ change: Change; behind: readonly PathStep[] }> {
    let loaded: LoadedSnapshot<C>;
    try {
      // Versions are never handed out twice for a key: the same one means the same value.
      const ownWrite = ownWrites.get(keys.key) === version;
      loaded = await loadSnapshot(registry, stored, read, ownWrite);
    } catch (error) {
      const change = await startOver(ctx, await onInvalidState(error, { ctx, scopeKey, stored }));
      return { change, behind: [] };
    }
    const from = { node: loaded.at.node.key, data: loaded.data };
    const next = await act(loaded);
    const { behind } = loaded;
    if (next === undefined) return { change: { kind: "end" }, behind };
    const change: Change =
      "kind" in next ? await goBack(ctx, keys, from.node, behind) : { kind: "move", from, next };
    return { change, behind };
  }

  /** The node's `event`, or, right after `user(key).to(...)`, its `enter`. */
  async function onUpdate(ctx: C, loaded: LoadedSnapshot<C>) {
    if (!loaded.pendingEnter) return step(registry, ctx, loaded);
    await loaded.at.handlers.enter?.(ctx, loaded.data);
    return { node: loaded.at.node.key, data: loaded.data };
  }

  /** Runs `act` on the user of `ctx` if they are in the flow; resolves to whether they were. */
  async function run(
    ctx: C,
    act: (loaded: LoadedSnapshot<C>) => Promise<FlowState | Back | undefined>,
  ) {
    const scopeKey = scopeOf(ctx);
    if (scopeKey === undefined) return false;
    // Most updates come from users outside the flow: a read, without the lease, tells them apart.
    // Only presence is read here; what a turn acts on is loaded again under the lease. A turn of
    // this user queued here (entering the flow, say) is waited for rather than raced.
    const key = keysOf(scopeKey).key;
    if (!turns.busy(key) && (await storage.getEntry(key)) === undefined) return false;
    return turn(scopeKey, ctx, async (keys, save) => {
      const entry = await storage.getEntry(keys.key);
      if (entry === undefined) return false;
      const { change, behind } = await decide(ctx, scopeKey, keys, entry, act);
      await save(entry.version, change, behind);
      return true;
    });
  }

  function scopeOf(ctx: C): string | undefined {
    return scope(updateKeys(ctx.update));
  }

  function user(scopeKey: string): FlowUser {
    return {
      scopeKey,
      to: (node, data) =>
        turn(scopeKey, undefined, async (keys, save) => {
          const entry = await storage.getEntry(keys.key);
          const target = await loadState(registry, { node: node.key, data });
          const next = { node: node.key, data: target.data };
          const stored = entry === undefined ? undefined : stateOf(entry.value);
          const change: Change =
            stored === undefined
              ? { kind: "restart", next, pendingEnter: true }
              : { kind: "move", from: stored.at, next, pendingEnter: true };
          await save(entry?.version ?? 0, change, stored?.behind);
        }),
      leave: () =>
        turn(scopeKey, undefined, async (keys, save) => {
          const entry = await storage.getEntry(keys.key);
          if (entry === undefined) return false;
          await save(entry.version, { kind: "end" });
          return true;
        }),
      async get() {
        const value = await storage.get(keysOf(scopeKey).key);
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
    handle: (ctx) => run(ctx, (loaded) => onUpdate(ctx, loaded)),
    back: (ctx) => run(ctx, async () => back()),
    async enter(ctx) {
      const scopeKey = scopeOf(ctx);
      if (scopeKey === undefined) {
        throw new InvalidArgumentError("ctx", `an update with a scope to enter flow "${id}"`, ctx);
      }
      await turn(scopeKey, ctx, async (keys, save) => {
        const entry = await storage.getEntry(keys.key);
        await save(entry?.version ?? 0, await startOver(ctx, undefined));
      });
    },
    async leave(ctx) {
      const scopeKey = scopeOf(ctx);
      return scopeKey === undefined ? false : user(scopeKey).leave();
    },
    async step(ctx, state) {
      return step(registry, ctx, await loadState(registry, state));
    },
    diagram: () =>
      mermaidOf(options.nodes, typeof start === "function" ? undefined : start.node.key),
  };
}
