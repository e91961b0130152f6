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
import type { Transition } from "./transitions.js";

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

/** A node with its handlers, ready for `createFlow({ nodes })`. */
export interface FlowNode<C> {
  // biome-ignore lint/suspicious/noExplicitAny: a flow holds nodes of every data type.
  readonly node: Node<any, any>;
  // biome-ignore lint/suspicious/noExplicitAny: checked against the node's schema at run time.
  readonly handlers: NodeHandlers<any, any, C>;
}

/**
 * A node's durable contract: the key stored in snapshots and the schema its data must pass. Keep
 * both stable across releases (or migrate stored snapshots with `createFlow({ migrate })`).
 */
export interface Node<D = unknown, I = D> {
  /** The key stored in snapshots. */
  readonly key: string;
  /** Any Standard Schema validator (zod, valibot, arktype...). */
  readonly schema: StandardSchemaV1<I, D>;
  /**
   * Attaches the handlers. `C` is the bot's context type: inferred inside `createFlow<C>({ nodes:
   * [...] })`, or given as `menu.handle<MyContext>({...})` when the handlers live elsewhere.
   */
  handle<C>(handlers: NodeHandlers<D, I, C>): FlowNode<C>;
}

/** The data type of a node, as its schema outputs it. */
export type NodeData<N> = N extends Node<infer D, infer _> ? D : never;

/** Options of {@link defineNode}. */
export interface NodeDefinition<S extends StandardSchemaV1> {
  /** Stored in snapshots: never rename a node whose users may be on it. */
  readonly key: string;
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
export function defineNode<S extends StandardSchemaV1>(
  definition: NodeDefinition<S>,
): Node<StandardSchemaV1.InferOutput<S>, StandardSchemaV1.InferInput<S>> {
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
  const node: Node<StandardSchemaV1.InferOutput<S>, StandardSchemaV1.InferInput<S>> = {
    key,
    schema,
    handle(handlers) {
      if (typeof handlers?.event !== "function") {
        throw new InvalidArgumentError(
          `handlers of node "${key}"`,
          "an object with event()",
          handlers,
        );
      }
      return { node, handlers };
    },
  };
  return node;
}
