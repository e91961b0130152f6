/**
 * Declared edges (`to: [...]` on a node's handlers): their names, and the Mermaid flowchart that
 * `flow.diagram()` draws from them.
 *
 * @module
 */
import type { FlowNode } from "./node.js";
import { type AnyNode, back, type Edge } from "./transitions.js";

/** Whether an edge leads to a node (rather than being `back` or `end`). */
export function isNodeEdge(edge: Edge): edge is AnyNode {
  return typeof edge === "object";
}

/** An edge's name: the node's key, or `back` / `end`. */
export function edgeName(edge: Edge): string {
  if (isNodeEdge(edge)) return edge.key;
  return edge === back ? "back" : "end";
}

/** A label in Mermaid's quoted form, where `"` is written `#quot;`. */
function label(text: string): string {
  return `"${text.replaceAll('"', "#quot;")}"`;
}

/**
 * A Mermaid flowchart of a flow: every node (ids `n0`, `n1`… in the order of `nodes`, so any key
 * is a safe label), the start node when known, the declared edges, an end for nodes that declare
 * `end`, and a dashed `back` edge from each node that declares `back` to every other node with a
 * declared edge to it. A node without a `to` list is drawn alone and marked: it may go anywhere.
 */
export function mermaidOf(
  nodes: readonly FlowNode<unknown>[],
  startKey: string | undefined,
): string {
  const ids = new Map(nodes.map((flowNode, index) => [flowNode.node.key, `n${index}`]));
  const lines = ["flowchart TD"];
  if (startKey !== undefined) lines.push(`  start(( )) --> ${ids.get(startKey)}`);
  for (const { node, to } of nodes) {
    const text = to === undefined ? `${node.key} (edges not declared)` : node.key;
    lines.push(`  ${ids.get(node.key)}[${label(text)}]`);
  }
  for (const { node, to = [] } of nodes) {
    for (const edge of to) {
      if (isNodeEdge(edge)) lines.push(`  ${ids.get(node.key)} --> ${ids.get(edge.key)}`);
      else if (edge !== back) lines.push(`  ${ids.get(node.key)} --> stop(((end)))`);
    }
  }
  for (const { node, to = [] } of nodes) {
    if (!to.includes(back)) continue;
    for (const source of nodes) {
      if (source.node.key === node.key) continue;
      const leadsHere = (source.to ?? []).some((e) => isNodeEdge(e) && e.key === node.key);
      if (leadsHere) lines.push(`  ${ids.get(node.key)} -.->|back| ${ids.get(source.node.key)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
