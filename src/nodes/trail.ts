/**
 * The path behind each user of a flow, for `back()`: the nodes they left, each with the data it
 * had when they left it, newest on top of a History. Where the user is now is their snapshot; the
 * history holds only what is behind them, so at the first node it is empty and `back()` stays.
 *
 * The history and the snapshot are two entries, written one after the other under the user's
 * lease. The order is chosen so that a crash between the two writes never loses a step; at worst
 * it leaves one extra record that names the node the user is on:
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

import type { Clock } from "../clock.js";
import { SchemaError, UnknownNodeError } from "../errors.js";
import { StorageHistory } from "../histories/storage.js";
import type { History, HistoryRecord } from "../history.js";
import type { Storage } from "../storage.js";
import { type LoadedState, loadState, type NodeRegistry } from "./registry.js";

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

/** How long the default history keeps a path at least: the History's own default, one day. */
const MIN_TTL_MS = 24 * 60 * 60_000;

/**
 * The history a flow uses when given none: on its own storage, so `back()` survives a restart. Its
 * TTL restarts at each move, the snapshot's at each transition (a `stay()` too), so it lasts at
 * least a day, or the snapshot's `ttlMs` when longer, for the path to outlive a user who lingers.
 */
export function defaultHistory(
  storage: Storage,
  options: { readonly prefix: string; readonly clock: Clock; readonly ttlMs: number | undefined },
): History {
  const { prefix, clock, ttlMs = 0 } = options;
  return new StorageHistory(storage, {
    prefix: `${prefix}history:`,
    clock,
    ttlMs: Math.max(ttlMs, MIN_TTL_MS),
  });
}

/** The record's node with its data validated, or `undefined` when this release cannot use it. */
async function usable<C>(
  registry: NodeRegistry<C>,
  record: HistoryRecord,
): Promise<LoadedState<C> | undefined> {
  try {
    return await loadState(registry, { node: record.step, data: record.data });
  } catch (error) {
    // A node removed or renamed, or a schema changed, since the record was pushed.
    if (error instanceof UnknownNodeError || error instanceof SchemaError) return undefined;
    throw error;
  }
}

/**
 * Finds where `back()` leads a user on node `current`: the newest record that names another node
 * and that this release's nodes can still use. Reads only; the caller pops once it has stored.
 */
export async function findBack<C>(
  registry: NodeRegistry<C>,
  history: History,
  scope: string,
  current: string,
): Promise<BackTarget<C>> {
  const records = await history.list(scope);
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    if (record === undefined || record.step === current) continue;
    const to = await usable(registry, record);
    if (to !== undefined) return { to, drop: records.length - index };
  }
  return { to: undefined, drop: records.length };
}
