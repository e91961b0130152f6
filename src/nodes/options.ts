/**
 * The options and the shape of a flow.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import type { Clock } from "../clock.js";
import type { History } from "../history.js";
import type { Scope } from "../keys.js";
import type { Lock } from "../lock.js";
import type { Storage } from "../storage.js";
import type { FlowNode, Node } from "./node.js";
import type { FlowState } from "./registry.js";
import type { AppVersion, MigratedState, StoredState } from "./snapshot.js";
import type { Back, End, Goto } from "./transitions.js";

/** What a flow needs from a context: the update, to find its scope. grammY's `Context` fits. */
export interface FlowContext {
  readonly update: Update;
}

/** What `onInvalidState` is told besides the error. */
export interface InvalidStateInfo<C> {
  /** The context of the update that found the bad snapshot. */
  readonly ctx: C;
  /** The user's scope key, as in `flow.user(scopeKey)`. */
  readonly scopeKey: string;
  /** The stored value, as read. */
  readonly stored: unknown;
}

/**
 * Installs, for the time a node's code runs with `ctx`, a watch that calls `onWait` when that
 * code starts waiting for the user. Returns a function that removes the watch.
 */
export type WaitWatcher<C> = (ctx: C, onWait: () => void) => () => void;

/** Options of `createFlow`. */
export interface FlowOptions<C extends FlowContext> {
  /** Names the flow in storage keys and errors: keep it stable across releases. */
  readonly id: string;
  /** The flow's nodes: `[menu.handle({...}), cart.handle({...})]`. */
  readonly nodes: readonly FlowNode<C>[];
  /**
   * Where a user starts (`flow.enter`, or a restart): `goto(menu, {...})`, or a function of the
   * update, `(ctx) => goto(menu, {...})`, which may be async. `flow.diagram()` shows the start
   * node when it is given as `goto(...)`.
   */
  readonly start: Goto | ((ctx: C) => Goto | Promise<Goto>);
  /** Where snapshots live. */
  readonly storage: Storage;
  /** Serialises the updates of one scope, across instances when the lock is shared (Redis). */
  readonly lock: Lock;
  /** Whose place in the flow an update moves: a user in a chat by default (`scopes.userInChat`). */
  readonly scope?: Scope;
  /**
   * Put before every storage key and lease: `` `${prefix}${id}:${scopeKey}` ``. Bots sharing a
   * storage must use different prefixes (include the bot id). Default: `"colloquy:flow:"`.
   */
  readonly prefix?: string;
  /** The version of your flows' data, stored in each snapshot. Default: `0`. */
  readonly appVersion?: AppVersion;
  /**
   * Rewrites a snapshot written under another `appVersion` before it is validated. The result is
   * stored with the current `appVersion` at the user's next transition.
   */
  readonly migrate?: (stored: StoredState) => MigratedState | Promise<MigratedState>;
  /**
   * Decides what happens to a user whose snapshot cannot be used: malformed, from an unknown node,
   * data failing its schema, or a `migrate` that threw. Return `goto(...)` or `end()`; returning
   * nothing restarts at the start node. The update that found it is consumed. Default: log with
   * `console.warn` and restart.
   */
  readonly onInvalidState?: (
    error: unknown,
    info: InvalidStateInfo<C>,
  ) => Goto | End | undefined | Promise<Goto | End | undefined>;
  /**
   * How long a turn's lease lasts without an extension. It is extended every third of this while
   * the node runs, so it only bounds how long a crashed instance blocks its users. Default: 30 000.
   */
  readonly leaseMs?: number;
  /** How long an update waits for the lease before failing with `LockTimeoutError`. Default: 10 000. */
  readonly waitMs?: number;
  /** Expire a user's snapshot this long after the last transition. Default: never. */
  readonly ttlMs?: number;
  /** Drives lease extensions. Default: `systemClock`. */
  readonly clock?: Clock;
  /**
   * Where to keep the path behind each user for `back()`: every move to another node pushes the
   * node left, with the data it had. The flow clears the path when the user enters (or is
   * restarted) and when they leave.
   *
   * Default: in the user's snapshot (its last 20 steps), so `back()` survives a restart, works
   * across instances, and costs no storage operation of its own: each move writes the snapshot
   * and the path in one compare-and-set, and the path expires with the snapshot.
   *
   * Given a History, the path lives there under the scope `` `${id}:${scopeKey}` `` (one
   * History may serve several flows: their ids keep them apart; not several bots: give it a
   * prefix of its own per bot). That costs a read and a write per move, written in an order that
   * loses no step if the process dies between the two writes: moving on pushes first and stores
   * the snapshot second, going back stores the snapshot first and pops second. Either crash
   * leaves one extra record naming the node the user is on, which `back()` recognises and skips.
   *
   * Either way, steps this release cannot use (a node renamed, a schema changed) are skipped; at
   * the first node, or with nothing usable behind, `back()` stays.
   */
  readonly history?: History;
  /**
   * How to notice that a node began to wait for the user (see {@link WaitWatcher}), so that its
   * turn lets the lease go. `createFlow` from `colloquy/grammy` sets it for `ctx.ask` and the other
   * waits. Without it the lease is held until the node returns, and other updates of the user
   * wait behind it (up to `waitMs`).
   */
  readonly watchWaits?: WaitWatcher<C>;
  /**
   * Told, after each change stored for a user while an update of theirs is handled (entering, a
   * node's transition, `back`), whether they are still in the flow: `false` once a node ended
   * it. `createFlow` from `colloquy/grammy` sets it to keep each user's dialogs in order.
   */
  readonly onPresence?: (ctx: C, inFlow: boolean) => void;
}

/** One user of a flow, from outside any update (an admin command, a job). */
export interface FlowUser {
  /** The scope key, as the flow's `scope` builds it (`"chat:7/user:7"` for `scopes.userInChat`). */
  readonly scopeKey: string;
  /**
   * Puts the user on `node` with `data` (validated now). No update is at hand, so the node's
   * `enter` runs with the user's next update, which it consumes; the update after reaches `event`.
   * To tell the user at once, send them a message yourself. The node they were on is pushed on
   * the history, so `back()` returns there.
   */
  to<D, I>(node: Node<D, I>, data: NoInfer<I>): Promise<void>;
  /** Takes the user out of the flow; resolves to whether they were in it. */
  leave(): Promise<boolean>;
  /** Where the user is, as stored (not validated), or `undefined` when outside the flow. */
  get(): Promise<FlowState | undefined>;
}

/** A flow of nodes, durable in a Storage, one update per user at a time. */
export interface Flow<C extends FlowContext> {
  readonly id: string;
  /**
   * Handles the update if its user is in the flow, and resolves to `true` once the node's turn is
   * done; resolves to `false`, having run nothing, for users outside (whose updates pass on).
   */
  handle(ctx: C): Promise<boolean>;
  /** Starts the user at `start(ctx)`, or restarts them if they are in the flow already. */
  enter(ctx: C): Promise<void>;
  /** Takes the user out of the flow; resolves to whether they were in it. */
  leave(ctx: C): Promise<boolean>;
  /**
   * Takes the user back to the node they were on before, with the data it had when they left it,
   * and runs that node's `enter` with `ctx` — what `back()` does from an `event`, for a "Back"
   * button handled outside the nodes. At the first node nothing changes and nothing runs. Resolves
   * to whether the user was in the flow (users outside are left alone); a stored state that cannot
   * be used is handled as `handle` does, with `onInvalidState`.
   */
  back(ctx: C): Promise<boolean>;
  /** One user by scope key, from outside any update. */
  user(scopeKey: string): FlowUser;
  /** The scope key of `ctx`'s update, or `undefined` when the update has none (no user). */
  scopeOf(ctx: C): string | undefined;
  /**
   * Runs one update against `state` with no storage and no lock: the node's `event`, then the
   * `enter` its transition calls for. Resolves to the next state, `back()` when the node goes back
   * (where to is the history's business, which `step` has none of), or `undefined` when the flow
   * ends. For tests of nodes.
   */
  step(
    ctx: C,
    state: { readonly node: string; readonly data: unknown },
  ): Promise<FlowState | Back | undefined>;
  /**
   * The flow as a Mermaid flowchart (a `flowchart TD` block): its nodes, the edges they declare
   * with `to`, `back` edges where a node declares `back`, ends, and the start node when `start`
   * is given as `goto(...)`. Paste it into a ```` ```mermaid ```` block of your docs.
   */
  diagram(): string;
}
