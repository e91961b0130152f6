/**
 * A flow's nodes by key, and the reading of stored snapshots into validated node data.
 *
 * @module
 */
import { InvalidArgumentError, UnknownNodeError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { isNodeEdge } from "./edges.js";
import type { FlowNode } from "./node.js";
import { validateData } from "./schema.js";
import {
  type AppVersion,
  type MigratedState,
  type PathStep,
  readSnapshot,
  type StoredState,
} from "./snapshot.js";
import { back, end } from "./transitions.js";

/** A user's place in a flow, as stored: a node key and its (JSON) data. */
export interface FlowState {
  readonly node: string;
  readonly data: JsonValue;
}

/** A node found and its data validated: ready for its handlers. */
export interface LoadedState<C> {
  readonly at: FlowNode<C>;
  readonly data: JsonValue;
}

/** The nodes of one flow. */
export interface NodeRegistry<C> {
  readonly flowId: string;
  /** The node with `key`; throws {@link UnknownNodeError}. */
  get(key: string): FlowNode<C>;
  /** Names a node in error messages: `node "cart" of flow "order"`. */
  subject(key: string): string;
}

/** Indexes `nodes`, refusing an empty list and duplicate keys. */
export function createRegistry<C>(flowId: string, nodes: readonly FlowNode<C>[]): NodeRegistry<C> {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new InvalidArgumentError("nodes", "a non-empty array of node.handle({...})", nodes);
  }
  const byKey = new Map<string, FlowNode<C>>();
  for (const flowNode of nodes) {
    const key = flowNode?.node?.key;
    if (typeof key !== "string") {
      throw new InvalidArgumentError(
        "nodes",
        "nodes made with defineNode(...).handle(...)",
        flowNode,
      );
    }
    if (byKey.has(key)) {
      throw new InvalidArgumentError(
        `the node keys of flow "${flowId}"`,
        "unique (list each node once); this one is there twice",
        key,
      );
    }
    byKey.set(key, flowNode);
  }
  for (const { node, to = [] } of nodes) {
    for (const edge of to) {
      if (isNodeEdge(edge) ? byKey.get(edge.key)?.node === edge : edge === back || edge === end) {
        continue;
      }
      throw new InvalidArgumentError(
        `to of node "${node.key}" in flow "${flowId}"`,
        "a list of this flow's nodes, back and end (add the node to the flow's nodes)",
        isNodeEdge(edge) ? edge.key : edge,
      );
    }
  }
  const known = [...byKey.keys()];
  return {
    flowId,
    get(key) {
      const found = byKey.get(key);
      if (found === undefined) throw new UnknownNodeError(flowId, key, known);
      return found;
    },
    subject: (key) => `node "${key}" of flow "${flowId}"`,
  };
}

/** Finds the node of `state` and validates its data against the node's schema. */
export async function loadState<C>(
  registry: NodeRegistry<C>,
  state: { readonly node: string; readonly data: unknown },
): Promise<LoadedState<C>> {
  const at = registry.get(state.node);
  const data = await validateData(at.node.schema, state.data, registry.subject(state.node));
  return { at, data };
}

/** How stored snapshots are read. */
export interface ReadOptions {
  readonly appVersion: AppVersion;
  readonly migrate: ((stored: StoredState) => MigratedState | Promise<MigratedState>) | undefined;
}

/** A loaded snapshot, and whether its node's `enter` has yet to run (after `user(key).to`). */
export interface LoadedSnapshot<C> extends LoadedState<C> {
  readonly pendingEnter: boolean;
  /** The path behind the user kept in the snapshot (unvalidated: `back()` checks each step). */
  readonly behind: readonly PathStep[];
}

/**
 * Reads a stored value: checks its shape, migrates it when it was written under another
 * `appVersion`, finds its node and validates its data. Throws what went wrong, for
 * `onInvalidState`.
 *
 * `ownWrite`: the value is one this flow stored itself, its data validated on the transition that
 * stored it, so the schema is not run again.
 */
export async function loadSnapshot<C>(
  registry: NodeRegistry<C>,
  value: unknown,
  options: ReadOptions,
  ownWrite = false,
): Promise<LoadedSnapshot<C>> {
  const snapshot = readSnapshot(value, `the snapshot of flow "${registry.flowId}"`);
  const behind = snapshot.back ?? [];
  const pendingEnter = snapshot.enter === true;
  if (ownWrite) {
    return { at: registry.get(snapshot.node), data: snapshot.data, pendingEnter, behind };
  }
  const stored: StoredState = {
    node: snapshot.node,
    data: snapshot.data,
    appVersion: snapshot.v[1],
  };
  const current =
    stored.appVersion === options.appVersion || options.migrate === undefined
      ? stored
      : await options.migrate(stored);
  const loaded = await loadState(registry, current);
  return { ...loaded, pendingEnter, behind };
}
