/**
 * Node flows (botnodes): users move between typed nodes; their place is stored as a JSON snapshot
 * and survives restarts, and the path behind them is kept in a History for `back()`. grammY bots use `createFlow` from `colloquy/grammy`, which adds the
 * middleware and lets the lease go while a node waits in `ctx.ask`.
 *
 * @module
 */
export { createFlow } from "./flow.js";
export {
  defineNode,
  type FlowNode,
  type Node,
  type NodeData,
  type NodeDefinition,
  type NodeHandlers,
  type RoutedHandlers,
} from "./node.js";
export type {
  Flow,
  FlowContext,
  FlowOptions,
  FlowUser,
  InvalidStateInfo,
  WaitWatcher,
} from "./options.js";
export type { FlowState } from "./registry.js";
export {
  type AppVersion,
  type MigratedState,
  SNAPSHOT_FORMAT,
  type Snapshot,
  type StoredState,
} from "./snapshot.js";
export {
  type AnyNode,
  type Back,
  back,
  type Edge,
  type End,
  end,
  type Goto,
  goto,
  type Stay,
  stay,
  type Transition,
  type TransitionTo,
} from "./transitions.js";
