/**
 * Transitions: what a node's `event` returns to say where the user goes next.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import type { Node } from "./node.js";

/** Stay on the node without running its `enter`, with new data or the data it had. */
export interface Stay<I = unknown> {
  readonly kind: "stay";
  readonly data?: I;
}

/** Any node, whatever its data and key. */
// biome-ignore lint/suspicious/noExplicitAny: a flow holds nodes of every data type.
export type AnyNode = Node<any, any, string>;

/** Move to a node (possibly the same one) and run its `enter`. `N` is the node, key included. */
export interface Goto<N extends AnyNode = AnyNode> {
  readonly kind: "goto";
  readonly node: N;
  readonly data: unknown;
}

/**
 * Go back to the node the user was on before this one, with the data it had when they left it,
 * and run its `enter`. At the first node of their path, nothing changes (see {@link back}).
 */
export interface Back {
  readonly kind: "back";
}

/** Leave the flow: the user's snapshot is deleted and their updates pass on to other handlers. */
export interface End {
  readonly kind: "end";
}

/** What a node's `event` returns; `I` is the node's own data input, for `stay(data)`. */
export type Transition<I = unknown> = Stay<I> | Goto | Back | End;

/**
 * Where a node may lead, as declared in its `to` list: other nodes, and the functions {@link back}
 * and {@link end} for the ways out of it.
 */
export type Edge = AnyNode | typeof back | typeof end;

/**
 * What the `event` of a node that declares `to: edges` may return, `E` being the union of
 * `edges`: `stay`, a `goto` to a listed node, and `back()` or `end()` when listed.
 */
export type TransitionTo<I, E> =
  | Stay<I>
  | Goto<Extract<E, AnyNode>>
  | (Extract<E, typeof back> extends never ? never : Back)
  | (Extract<E, typeof end> extends never ? never : End);

/**
 * Stays on the node: `enter` does not run again. Without `data` the node keeps the data it had.
 *
 * @example
 * ```ts
 * event: (ctx, { items }) => stay({ items: [...items, ctx.message?.text ?? "?"] })
 * ```
 */
export function stay<I>(data?: I): Stay<I> {
  return data === undefined ? { kind: "stay" } : { kind: "stay", data };
}

/**
 * Moves to `node` with `data` (typed from the node's schema, validated before anything runs) and
 * runs the node's `enter`. Going to the node the user is on runs its `enter` again.
 *
 * @example
 * ```ts
 * event: (ctx) => (ctx.message?.text === "Yes" ? goto(cart, { items: [] }) : stay())
 * ```
 */
export function goto<D, I, K extends string>(
  node: Node<D, I, K>,
  data: NoInfer<I>,
): Goto<Node<D, I, K>> {
  return { kind: "goto", node, data };
}

/**
 * Goes back to the node the user was on before this one, with the data it had when they left it,
 * and runs that node's `enter`: the flow keeps the path behind each user in its `history`. At the
 * first node of the path (nothing behind) nothing changes: the user stays, and `enter` does not
 * run again, so they are not shown the same prompt twice.
 *
 * @example
 * ```ts
 * event: (ctx, data) => (ctx.message?.text === "Back" ? back() : goto(city, { ...data, age: 30 }))
 * ```
 */
export function back(): Back {
  return { kind: "back" };
}

/**
 * Ends the flow for this user.
 *
 * @example
 * ```ts
 * event: async (ctx) => { await ctx.reply("Bye!"); return end(); }
 * ```
 */
export function end(): End {
  return { kind: "end" };
}

const KINDS = new Set(["stay", "goto", "back", "end"]);

/** Checks what user code returned (JavaScript callers, a forgotten `return`). */
export function assertTransition(value: unknown, what: string): asserts value is Transition {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    throw new InvalidArgumentError(what, "stay(data?), goto(node, data), back() or end()", value);
  }
}

/** Checks what `start` or `onInvalidState` returned: only `goto` or `end` make sense there. */
export function assertGotoOrEnd(value: unknown, what: string): asserts value is Goto | End {
  assertTransition(value, what);
  if (value.kind === "stay" || value.kind === "back") {
    throw new InvalidArgumentError(what, "goto(node, data) or end()", `${value.kind}()`);
  }
}
