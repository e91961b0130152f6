/**
 * Snapshots: where a user is in a flow, as plain JSON.
 *
 * ```json
 * { "v": [1, "2024-06"], "node": "cart", "data": { "items": ["Pizza"] },
 *   "back": [{ "node": "menu", "data": {} }] }
 * ```
 * `v` holds colloquy's snapshot format (1) and the bot's own `appVersion`; `back` the nodes behind
 * the user, oldest first, when the flow keeps its path in the snapshot (no `history` option).
 *
 * @module
 */
import { SchemaError, type SchemaIssueSummary } from "../errors.js";
import type { JsonValue } from "../json.js";

/** The snapshot format this version of colloquy writes and reads. */
export const SNAPSHOT_FORMAT = 1;

/** The bot's own version of its flows' data, stored in every snapshot (see `migrate`). */
export type AppVersion = string | number;

/** The stored form of a user's place in a flow. */
export interface Snapshot {
  /** `[colloquy's snapshot format, the bot's appVersion]`. */
  readonly v: readonly [format: number, appVersion: AppVersion];
  readonly node: string;
  readonly data: JsonValue;
  /** Set by `flow.user(key).to(...)`: the node's `enter` runs with the user's next update. */
  readonly enter?: true;
  /** The nodes the user left, with the data each had, oldest first; absent when none. */
  readonly back?: readonly PathStep[];
}

/** A node the user left, with the data it had then: one step of the path `back()` walks. */
export interface PathStep {
  readonly node: string;
  readonly data: JsonValue;
}

/** A snapshot written under another `appVersion`, as `migrate` receives it. */
export interface StoredState {
  readonly node: string;
  readonly data: unknown;
  /** The `appVersion` the snapshot was written with. */
  readonly appVersion: AppVersion;
}

/** What `migrate` returns: the node and data under the current `appVersion`. */
export interface MigratedState {
  readonly node: string;
  readonly data: unknown;
}

/** Builds the snapshot of a user on `node` with `data`. */
export function toSnapshot(
  appVersion: AppVersion,
  node: string,
  data: JsonValue,
  pendingEnter: boolean,
  back: readonly PathStep[],
): Snapshot {
  const snapshot: { -readonly [K in keyof Snapshot]: Snapshot[K] } = {
    v: [SNAPSHOT_FORMAT, appVersion],
    node,
    data,
  };
  if (pendingEnter) snapshot.enter = true;
  if (back.length > 0) snapshot.back = back;
  return snapshot;
}

function isPath(value: unknown): value is readonly PathStep[] {
  return (
    Array.isArray(value) &&
    value.every(
      (step: Partial<PathStep> | null) =>
        typeof step === "object" &&
        step !== null &&
        typeof step.node === "string" &&
        step.data !== undefined,
    )
  );
}

function isAppVersion(value: unknown): value is AppVersion {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function shapeIssues(value: unknown): SchemaIssueSummary[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ path: "$", message: "a snapshot must be an object { v, node, data }" }];
  }
  const { v, node, data, enter, back } = value as Record<string, unknown>;
  const issues: SchemaIssueSummary[] = [];
  if (!Array.isArray(v) || v.length !== 2 || !Number.isInteger(v[0]) || !isAppVersion(v[1])) {
    issues.push({ path: "$.v", message: "must be [format, appVersion]" });
  } else if ((v[0] as number) > SNAPSHOT_FORMAT) {
    issues.push({
      path: "$.v[0]",
      message: `format ${v[0]} is newer than this colloquy's (${SNAPSHOT_FORMAT}): upgrade colloquy`,
    });
  }
  if (typeof node !== "string") issues.push({ path: "$.node", message: "must be a node key" });
  if (data === undefined) issues.push({ path: "$.data", message: "is missing" });
  if (enter !== undefined && enter !== true) {
    issues.push({ path: "$.enter", message: "must be true or absent" });
  }
  if (back !== undefined && !isPath(back)) {
    issues.push({ path: "$.back", message: "must be a list of { node, data }" });
  }
  return issues;
}

/** Checks the shape of a stored value; throws {@link SchemaError} naming `subject`. */
export function readSnapshot(value: unknown, subject: string): Snapshot {
  const issues = shapeIssues(value);
  if (issues.length > 0) throw new SchemaError(subject, issues);
  return value as Snapshot;
}

/**
 * Where a stored value says the user is, and the path behind them, unvalidated; `undefined` when
 * it is no snapshot.
 */
export function stateOf(
  value: unknown,
): { readonly at: PathStep; readonly behind: readonly PathStep[] } | undefined {
  try {
    const { node, data, back = [] } = readSnapshot(value, "a snapshot");
    return { at: { node, data }, behind: back };
  } catch {
    return undefined;
  }
}
