/**
 * What both History backends share: option checks, record building and the stack operations, as
 * pure functions of a scope's records, so the two cannot drift apart.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import type { HistoryEntry, HistoryLimits, HistoryRecord } from "../history.js";
import { type JsonValue, toJsonText } from "../json.js";
import { assertDurationMs, assertPositiveInteger } from "../validate.js";

const DEFAULT_MAX_RECORDS = 20;
const DEFAULT_TTL_MS = 24 * 60 * 60_000;

/** {@link HistoryLimits} with the defaults filled in and checked. */
export interface Limits {
  readonly maxRecords: number;
  readonly ttlMs: number;
}

/** Checks the limits and fills in the defaults (20 records, one day). */
export function checkLimits(limits: HistoryLimits): Limits {
  const { maxRecords = DEFAULT_MAX_RECORDS, ttlMs = DEFAULT_TTL_MS } = limits;
  assertPositiveInteger("maxRecords", maxRecords);
  assertDurationMs("ttlMs", ttlMs);
  return { maxRecords, ttlMs };
}

/** Refuses an empty scope key, which is almost always a scope computed from the wrong update. */
export function assertScope(scope: string): void {
  if (typeof scope !== "string" || scope === "") {
    throw new InvalidArgumentError("scope", "a non-empty string (a scope key)", scope);
  }
}

/** Checks an entry and builds its record, whose data is a private copy of the entry's. */
export function newRecord<D extends JsonValue>(
  entry: HistoryEntry<D>,
  at: number,
): HistoryRecord<D> {
  const step = entry?.step;
  if (typeof step !== "string" || step === "") {
    throw new InvalidArgumentError("step", "a non-empty string (the step's name)", step);
  }
  const data = JSON.parse(toJsonText(entry.data ?? null)) as D;
  return { step, data, at };
}

/** A copy of a record, so that callers can never change what is stored. */
export function copyRecord<D extends JsonValue>(record: HistoryRecord<D>): HistoryRecord<D> {
  return { step: record.step, data: JSON.parse(JSON.stringify(record.data)) as D, at: record.at };
}

/** {@link copyRecord} of a record that may be absent, typed as the caller asserts. */
export function copyOf<D extends JsonValue>(
  record: HistoryRecord | undefined,
): HistoryRecord<D> | undefined {
  return record === undefined ? undefined : (copyRecord(record) as HistoryRecord<D>);
}

function isRecord(value: unknown): value is HistoryRecord {
  if (typeof value !== "object" || value === null) return false;
  const { step, at, data } = value as Partial<HistoryRecord>;
  return typeof step === "string" && step !== "" && Number.isFinite(at) && data !== undefined;
}

/**
 * Reads a stored stack. Anything malformed (written by another program, or by a future format)
 * reads as empty, so one bad entry never breaks a scope for ever: the next push replaces it.
 */
export function parseRecords(value: unknown, limits: Limits): readonly HistoryRecord[] {
  if (!Array.isArray(value) || !value.every(isRecord)) return [];
  // A stack stored under a larger bound obeys the current one.
  return value.length > limits.maxRecords ? value.slice(-limits.maxRecords) : value;
}

/**
 * A change of a scope's records: the records to keep (the same array when nothing changes, an
 * empty one to forget the scope) and what the caller gets back.
 */
export type StackChange<R> = readonly [next: readonly HistoryRecord[], result: R];

/** Pushes `record`, dropping the oldest records beyond the bound. */
export function pushRecord(
  record: HistoryRecord,
  limits: Limits,
): (records: readonly HistoryRecord[]) => StackChange<undefined> {
  return (records) => [[...records, record].slice(-limits.maxRecords), undefined];
}

/** Removes the current record and returns it. */
export function popRecord(
  records: readonly HistoryRecord[],
): StackChange<HistoryRecord | undefined> {
  return records.length === 0 ? [records, undefined] : [records.slice(0, -1), records.at(-1)];
}

/** Removes the current record and returns the one before; at the first step, changes nothing. */
export function backRecord(
  records: readonly HistoryRecord[],
): StackChange<HistoryRecord | undefined> {
  return records.length < 2 ? [records, undefined] : [records.slice(0, -1), records.at(-2)];
}
