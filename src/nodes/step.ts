/**
 * One step of a flow, without storage or locks: run a node's `event` on an update, then the
 * `enter` of the node it goes to, and say what to store. The runtime wraps it in a lease and a
 * compare-and-set; tests can call it directly through `flow.step`.
 *
 * @module
 */

import { InvalidArgumentError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { edgeName } from "./edges.js";
import type { FlowNode } from "./node.js";
import type { FlowState, LoadedState, NodeRegistry } from "./registry.js";
import { validateData } from "./schema.js";
import {
  assertTransition,
  type Back,
  type End,
  type Goto,
  type Transition,
} from "./transitions.js";

/**
 * Validates the data of `to`'s target, runs the target's `enter` with it, and returns the state
 * to store. Nothing is stored here, so a throw in `enter` leaves the user where they were.
 */
async function enterNode<C>(registry: NodeRegistry<C>, ctx: C, to: Goto): Promise<FlowState> {
  const target = registry.get(to.node.key);
  const data = await validateData(target.node.schema, to.data, registry.subject(to.node.key));
  await target.handlers.enter?.(ctx, data);
  return { node: to.node.key, data };
}

/** Applies `goto` or `end` (from `start`, `onInvalidState` or an `event`): the state to store. */
export async function apply<C>(
  registry: NodeRegistry<C>,
  ctx: C,
  to: Goto | End,
): Promise<FlowState | undefined> {
  return to.kind === "end" ? undefined : enterNode(registry, ctx, to);
}

/** Checks a transition against the node's `to` list, when it declares one (for JavaScript). */
function assertDeclared(to: FlowNode<unknown>["to"], transition: Transition, what: string): void {
  if (to === undefined || transition.kind === "stay") return;
  const name = transition.kind === "goto" ? transition.node.key : transition.kind;
  if (to.some((edge) => edgeName(edge) === name)) return;
  const declared = to.map(edgeName).join(", ");
  throw new InvalidArgumentError(
    what,
    `a transition its to list declares (to: ${declared})`,
    `${transition.kind === "goto" ? `goto(${name})` : `${name}()`}`,
  );
}

/**
 * Runs `current`'s `event` on `ctx` and the transition it returns. Resolves to the state to store,
 * `back()` for the runtime to look up in the history, or `undefined` when the flow ended; rejects,
 * having stored nothing, when a handler throws or the new data fails its schema.
 */
export async function step<C>(
  registry: NodeRegistry<C>,
  ctx: C,
  current: LoadedState<C>,
): Promise<FlowState | Back | undefined> {
  const key = current.at.node.key;
  const transition: unknown = await current.at.handlers.event(ctx, current.data);
  const what = `the return value of the event of ${registry.subject(key)}`;
  assertTransition(transition, what);
  assertDeclared(current.at.to, transition, what);
  if (transition.kind === "back") return transition;
  if (transition.kind !== "stay") return apply(registry, ctx, transition);
  if (!("data" in transition)) return { node: key, data: current.data };
  const data: JsonValue = await validateData(
    current.at.node.schema,
    transition.data,
    registry.subject(key),
  );
  return { node: key, data };
}
