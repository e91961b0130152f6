/**
 * Storing what a turn decided: the user's snapshot, with a compare-and-set on the version the turn
 * loaded, and the path behind them — in the snapshot itself (one write per transition), or in a
 * History passed to the flow, in the order `trail.ts` explains.
 *
 * @module
 */
import { VersionConflictError } from "../errors.js";
import type { History } from "../history.js";
import type { Storage, WriteOptions } from "../storage.js";
import type { FlowState } from "./registry.js";
import { type AppVersion, type PathStep, toSnapshot } from "./snapshot.js";

/** What a turn decided for a user, to be stored under their lease. */
export type Change =
  /** Starts anew (`enter`, an unusable snapshot, `to` from outside): nothing is behind. */
  | {
      readonly kind: "restart";
      readonly next: FlowState | undefined;
      readonly pendingEnter?: boolean;
    }
  /** From `from` to `next` (the same node for `stay()`): `from` is pushed when the node changes. */
  | {
      readonly kind: "move";
      readonly from: FlowState;
      readonly next: FlowState;
      readonly pendingEnter?: boolean;
    }
  /** Back to `to` (nothing is stored when it is `undefined`), popping `drop` records. */
  | { readonly kind: "back"; readonly to: FlowState | undefined; readonly drop: number }
  /** Out of the flow. */
  | { readonly kind: "end" };

/** Where one user's state lives. */
export interface StoreKeys {
  /** The snapshot's storage key, also the lease's key. */
  readonly key: string;
  /** The user's scope in the history. */
  readonly scope: string;
}

/** Stores changes for one flow. */
export interface FlowStore {
  /**
   * Stores `change` over the snapshot at `version` (0: none), whose path was `behind`, and
   * resolves to the version now stored (0: none); {@link VersionConflictError} otherwise.
   */
  commit(
    keys: StoreKeys,
    version: number,
    change: Change,
    behind: readonly PathStep[],
  ): Promise<number>;
  /** Throws {@link VersionConflictError} unless the snapshot is still at `version`. */
  expect(key: string, version: number): Promise<void>;
}

/** What a {@link FlowStore} writes with. */
export interface FlowStoreOptions {
  readonly storage: Storage;
  /** Where the path is kept; `undefined`: in the snapshot, at most `maxPath` steps. */
  readonly history: History | undefined;
  readonly maxPath: number;
  readonly appVersion: AppVersion;
  readonly write: WriteOptions;
}

/** Creates the store of one flow. */
export function createStore(options: FlowStoreOptions): FlowStore {
  const { storage, history, appVersion, write, maxPath } = options;

  async function persist(
    key: string,
    version: number,
    next: FlowState | undefined,
    back: readonly PathStep[] = [],
    pendingEnter = false,
  ): Promise<number> {
    if (next === undefined) {
      if (version === 0 || (await storage.compareAndDelete(key, version))) return 0;
      throw new VersionConflictError(key, version, (await storage.getEntry(key))?.version ?? 0);
    }
    const snapshot = toSnapshot(appVersion, next.node, next.data, pendingEnter, back);
    const result = await storage.compareAndSet(key, version, snapshot, write);
    if (!result.ok) throw new VersionConflictError(key, version, result.version);
    return result.version;
  }

  /** The path in the snapshot: written with the move, in one compare-and-set. */
  function commitInSnapshot(
    key: string,
    version: number,
    change: Change,
    behind: readonly PathStep[],
  ): Promise<number> {
    switch (change.kind) {
      case "restart":
        return persist(key, version, change.next, [], change.pendingEnter);
      case "move": {
        const { from, next } = change;
        const back =
          next.node === from.node
            ? behind
            : [...behind, from].slice(Math.max(0, behind.length + 1 - maxPath));
        return persist(key, version, next, back, change.pendingEnter);
      }
      case "back":
        if (change.to === undefined) return Promise.resolve(version);
        return persist(key, version, change.to, behind.slice(0, behind.length - change.drop));
      case "end":
        return persist(key, version, undefined);
    }
  }

  /** The path in a History: two writes, ordered so that a crash between them loses no step. */
  async function commitInHistory(
    log: History,
    { key, scope }: StoreKeys,
    version: number,
    change: Change,
  ): Promise<number> {
    switch (change.kind) {
      case "restart":
        await log.clear(scope);
        return persist(key, version, change.next, [], change.pendingEnter);
      case "move": {
        const { from, next } = change;
        if (next.node !== from.node) await log.push(scope, { step: from.node, data: from.data });
        return persist(key, version, next, [], change.pendingEnter);
      }
      case "back": {
        const stored = change.to === undefined ? version : await persist(key, version, change.to);
        for (let popped = 0; popped < change.drop; popped++) await log.pop(scope);
        return stored;
      }
      case "end":
        await persist(key, version, undefined);
        await log.clear(scope);
        return 0;
    }
  }

  return {
    commit: (keys, version, change, behind) =>
      history === undefined
        ? commitInSnapshot(keys.key, version, change, behind)
        : commitInHistory(history, keys, version, change),
    async expect(key, version) {
      const actual = (await storage.getEntry(key))?.version ?? 0;
      if (actual !== version) throw new VersionConflictError(key, version, actual);
    },
  };
}
