/**
 * The path behind each user of a flow, for `back()`: the nodes they left, each with the data it
 * had when they left it, newest last. Where the user is now is their snapshot; the path holds only
 * what is behind them, so at the first node it is empty and `back()` stays.
 *
 * By default the path is part of the snapshot (`back` in it), bounded to the last
 * {@link MAX_PATH} steps: a move writes both in one compare-and-set, so no crash can split them.
 *
 * A flow given a `history` keeps the path there instead: two entries, written one after the other
 * under the user's lease, in an order chosen so that a crash between the two writes never loses a
 * step; at worst it leaves one extra record that names the node the user is on:
 *
 * - moving on from X: push X, then store the snapshot. A crash between: X on top, user still on X.
 * - going back to X: store the snapshot on X, then pop X. A crash between: the same.
 * - starting anew (`enter`, an unusable snapshot): clear the history, then store. A crash between:
 *   the user is where they were, with nothing behind them.
 * - ending: delete the snapshot, then clear. A crash between: a path nobody reads, which every way
 *   back into the flow clears first, and which expires with the history's TTL.
 *
 * Otherwise the record on top never names the node the user is on (a node is pushed when the user
 * leaves it for another), so `back()` skips such records as leftovers of an interrupted write.
 *
 * @module
 */

import { SchemaError, UnknownNodeError } from "../errors.js";
import type { History } from "../history.js";
import { type LoadedState, loadState, type NodeRegistry } from "./registry.js";
import type { PathStep } from "./snapshot.js";

/** How many steps a snapshot keeps behind the user, as a History does by default. */
export const MAX_PATH = 20;

/** Where `back()` leads from a node. */
export interface BackTarget<C> {
  /** The node to go back to, with its data validated; `undefined` when nothing is behind. */
  readonly to: LoadedState<C> | undefined;
  /**
   * How many records to pop once the move is stored: the target and the records skipped above it
   * (or, with no target, the skipped ones), so that none of them is met again.
   */
  readonly drop: number;
}

/** The path behind a user, oldest first: from `history` when the flow has one, else `inSnapshot`. */
export async function pathOf(
  history: History | undefined,
  scope: string,
  inSnapshot: readonly PathStep[],
): Promise<readonly PathStep[]> {
  if (history === undefined) return inSnapshot;
  return (await history.list(scope)).map((record) => ({ node: record.step, data: record.data }));
}

/** The record's node with its data validated, or `undefined` when this release cannot use it. */
async function usable<C>(
  registry: NodeRegistry<C>,
  record: PathStep,
): Promise<LoadedState<C> | undefined> {
  try {
    return await loadState(registry, record);
  } catch (error) {
    // A node removed or renamed, or a schema changed, since the record was pushed.
    if (error instanceof UnknownNodeError || error instanceof SchemaError) return undefined;
    throw error;
  }
}

/**
 * Finds where `back()` leads a user on node `current` along `records` (oldest first): the newest
 * record that names another node and that this release's nodes can still use.
 */
export async function findBack<C>(
  registry: NodeRegistry<C>,
  records: readonly PathStep[],
  current: string,
): Promise<BackTarget<C>> {
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    if (record === undefined || record.node === current) continue;
    const to = await usable(registry, record);
    if (to !== undefined) return { to, drop: records.length - index };
  }
  return { to: undefined, drop: records.length };
}
