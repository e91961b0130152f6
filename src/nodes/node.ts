/**
 * Node declarations (a stable key and a data schema) and their handlers (`enter`, `event`).
 *
 * A node is declared apart from its handlers on purpose: handlers name other nodes in their
 * transitions (`goto(hungry, ...)` in the menu, `goto(menu, ...)` in the cart), and TypeScript
 * cannot infer the types of two constants whose initializers refer to each other. Declarations
 * refer to nothing, so every transition is typed against the target's schema with no annotation.
 *
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { InvalidArgumentError } from "../errors.js";
import type { Edge, Transition, TransitionTo } from "./transitions.js";

/**
 * What a node does. `D` is the node's data as its schema outputs it, `I` what the schema accepts
 * (what `stay(data)` takes), `C` the context type of the bot.
 */
export interface NodeHandlers<D, I, C> {
  /**
   * Runs when a transition moves the user here (`goto`, the start, a restart), before the move is
   * stored: if it throws, the user stays where they were. Typically sends the node's prompt.
   */
  enter?(ctx: C, data: D): unknown;
  /**
   * Handles an update of a user on this node and says where they go next: `stay(data?)`,
   * `goto(node, data)` or `end()`. Nothing is stored until it returns; if it throws, nothing is.
   */
  event(ctx: C, data: D): Transition<I> | Promise<Transition<I>>;
}

/**
 * {@link NodeHandlers} of a node that declares where it may lead: `to` lists the nodes its `event`
 * may `goto` (itself included, to run its `enter` again), and `back` and `end` when it may go
 * back or end the flow. Its `event` may return nothing else (a type error; a `TypeError`-free
 * {@link InvalidArgumentError} at run time for JavaScript), and `flow.diagram()` draws the edges.
 */
export interface RoutedHandlers<D, I, C, E> {
  /** The nodes (and `back`, `end`) this node may lead to: `to: [cart, back, end]`. */
  readonly to: readonly E[];
  /** Runs when the flow enters the node, as {@link NodeHandlers.enter}. */
  enter?(ctx: C, data: D): unknown;
  /** Handles the user's update in the node and returns one of the `to` transitions. */
  event(ctx: C, data: D): TransitionTo<I, E> | Promise<TransitionTo<I, E>>;
}

/** A node with its handlers, ready for `createFlow({ nodes })`. */
export interface FlowNode<C> {
  // biome-ignore lint/suspicious/noExplicitAny: a flow holds nodes of every data type.
  readonly node: Node<any, any>;
  // biome-ignore lint/suspicious/noExplicitAny: checked against the node's schema at run time.
  readonly handlers: NodeHandlers<any, any, C>;
  /** Where the node may lead, when it declares it. */
  readonly to: readonly Edge[] | undefined;
}

/**
 * A node's durable contract: the key stored in snapshots and the schema its data must pass. Keep
 * both stable across releases (or migrate stored snapshots with `createFlow({ migrate })`).
 */
export interface Node<D = unknown, I = D, K extends string = string> {
  /** The key stored in snapshots; its literal type tells nodes apart in `to` lists. */
  readonly key: K;
  /** Any Standard Schema validator (zod, valibot, arktype...). */
  readonly schema: StandardSchemaV1<I, D>;
  /**
   * Attaches the handlers. `C` is the bot's context type: inferred inside `createFlow<C>({ nodes:
   * [...] })`, or given as `menu.handle<MyContext>({...})` when the handlers live elsewhere.
   */
  handle<C>(handlers: NodeHandlers<D, I, C> & { readonly to?: undefined }): FlowNode<C>;
  /**
   * Attaches handlers that declare where the node may lead (`to: [cart, back]`): a `goto`
   * elsewhere is a type error. TypeScript infers `to` only when it infers `C` too, so type the
   * handlers' `ctx` (`event(ctx: MyContext, data)`) rather than writing `handle<MyContext>`.
   */
  handle<C, const E extends Edge>(handlers: RoutedHandlers<D, I, C, E>): FlowNode<C>;
}

/** The data type of a node, as its schema outputs it. */
export type NodeData<N> = N extends Node<infer D, infer _> ? D : never;

/** Options of {@link defineNode}. */
export interface NodeDefinition<S extends StandardSchemaV1, K extends string = string> {
  /** Stored in snapshots: never rename a node whose users may be on it. */
  readonly key: K;
  /** Validates the node's data on every transition and every load. Its output must be JSON. */
  readonly schema: S;
}

/**
 * Declares a node: a stable key and the schema of its data. Attach the handlers with
 * `.handle(...)`; the data they receive is typed from the schema.
 *
 * @example
 * ```ts
 * const menu = defineNode({ key: "menu", schema: z.object({ firstTime: z.boolean() }) });
 * const cart = defineNode({ key: "cart", schema: z.object({ items: z.array(z.string()) }) });
 *
 * const menuNode = menu.handle<MyContext>({
 *   enter: (ctx, { firstTime }) => ctx.reply(firstTime ? "Hello! Hungry?" : "Hungry?"),
 *   event: (ctx) => (ctx.message?.text === "Yes" ? goto(cart, { items: [] }) : stay()),
 * });
 * ```
 */
export function defineNode<S extends StandardSchemaV1, const K extends string = string>(
  definition: NodeDefinition<S, K>,
): Node<StandardSchemaV1.InferOutput<S>, StandardSchemaV1.InferInput<S>, K> {
  const { key, schema } = definition;
  if (typeof key !== "string" || key === "") {
    throw new InvalidArgumentError("key", "a non-empty string, stable across releases", key);
  }
  if (typeof schema?.["~standard"]?.validate !== "function") {
    throw new InvalidArgumentError(
      "schema",
      "a Standard Schema validator (zod, valibot...)",
      schema,
    );
  }
  const node: Node<StandardSchemaV1.InferOutput<S>, StandardSchemaV1.InferInput<S>, K> = {
    key,
    schema,
    // biome-ignore lint/suspicious/noExplicitAny: one body for both overloads, checked at run time.
    handle(handlers: any) {
      if (typeof handlers?.event !== "function") {
        throw new InvalidArgumentError(
          `handlers of node "${key}"`,
          "an object with event()",
          handlers,
        );
      }
      const { to } = handlers;
      if (to !== undefined && !Array.isArray(to)) {
        throw new InvalidArgumentError(
          `to of node "${key}"`,
          "a list of the nodes it may go to, and back or end",
          to,
        );
      }
      return { node, handlers, to };
    },
  };
  return node;
}
