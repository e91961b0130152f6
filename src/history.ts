/**
 * The History contract: a bounded, expiring stack per scope of the steps that completed there,
 * for back navigation and for inspecting or replaying what ran (pyroflow's `UpdateHistory`,
 * aiogram scenes' `back()`).
 *
 * Implementations: `MemoryHistory` and `StorageHistory` (on any `Storage`) in `colloquy`. Both pass
 * the one contract suite, `testHistory` in `colloquy/testing`.
 *
 * @module
 */
import type { JsonValue } from "./json.js";

/** One completed step of a scope, as stored. */
export interface HistoryRecord<D extends JsonValue = JsonValue> {
  /** The step's name: a node key or a registered handler's name. */
  readonly step: string;
  /** The data the step had, to restore on back or replay; `null` when it was pushed without any. */
  readonly data: D;
  /** When the record was pushed: milliseconds since the epoch, from the history's clock. */
  readonly at: number;
}

/** What {@link History.push} takes: a step and, optionally, its data. */
export interface HistoryEntry<D extends JsonValue = JsonValue> {
  /** The step's name; a non-empty string. */
  readonly step: string;
  /** Plain JSON, checked before anything is written. Default: `null`. */
  readonly data?: D;
}

/** The limits every History takes, so nothing grows without bound. */
export interface HistoryLimits {
  /** Keep at most this many records per scope, dropping the oldest on push. Default: 20. */
  readonly maxRecords?: number;
  /**
   * Forget a scope this many milliseconds after its last write (push, pop, back): scopes nobody
   * comes back to expire. A positive finite number; there is no "never". Default: one day.
   */
  readonly ttlMs?: number;
}

/**
 * A bounded, expiring stack of {@link HistoryRecord}s per scope (a user in a chat, a flow run...).
 *
 * - A push beyond `maxRecords` drops the oldest record; a scope expires `ttlMs` after its last
 *   write, reads do not extend it.
 * - The record on top is the current step: `back` drops it and returns the one before, which
 *   becomes current. At the first step (one record) `back` stays there and returns `undefined`.
 * - Data is plain JSON: `push` refuses anything else with `NonJsonValueError` naming the path,
 *   before anything is written. Reads return copies.
 * - Each operation is atomic per scope, also across processes sharing a storage, so concurrent
 *   pushes are never lost.
 *
 * Scope keys are opaque strings; bots sharing a storage keep apart through the history's prefix.
 *
 * @example
 * ```ts
 * const history: History = new MemoryHistory({ maxRecords: 10 });
 * await history.push("chat:7/user:7", { step: "email" });
 * await history.push("chat:7/user:7", { step: "age", data: { email: "ann@example.com" } });
 * await history.back("chat:7/user:7"); // → { step: "email", data: null, at: ... }
 * await history.back("chat:7/user:7"); // → undefined: the first step stays
 * ```
 */
export interface History {
  /** Pushes a record stamped with the current time, and returns it. */
  push<D extends JsonValue = null>(
    scope: string,
    entry: HistoryEntry<D>,
  ): Promise<HistoryRecord<D>>;
  /**
   * The current (most recent) record, or `undefined` for an empty or expired scope. The type
   * parameter is an unchecked assertion, as with `Storage.get`.
   */
  peek<D extends JsonValue = JsonValue>(scope: string): Promise<HistoryRecord<D> | undefined>;
  /** Removes the current record and returns it; `undefined` when the scope is empty. */
  pop<D extends JsonValue = JsonValue>(scope: string): Promise<HistoryRecord<D> | undefined>;
  /**
   * Removes the current record and returns the one before it, now current. With one record or
   * none, changes nothing and returns `undefined`: back at the first step stays there.
   */
  back<D extends JsonValue = JsonValue>(scope: string): Promise<HistoryRecord<D> | undefined>;
  /** Every record of the scope, oldest first, for inspection. */
  list(scope: string): Promise<HistoryRecord[]>;
  /** Forgets the scope. */
  clear(scope: string): Promise<void>;
}
