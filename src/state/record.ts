import type { JsonObject } from "../json.js";
import { parseStepRef, type StepRef } from "./steps.js";

/** Everything a {@link StateStore} keeps for one scope, stored as one entry. */
export interface StateRecord {
  readonly state?: string;
  readonly back?: StepRef;
  readonly chatId?: number;
  readonly data?: JsonObject;
  readonly next?: StepRef;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a stored record leniently: a field of the wrong shape (written by an older release, or by
 * hand) is dropped rather than thrown, so that one bad entry cannot break every later update for
 * that user; the next write replaces it.
 */
export function parseRecord(raw: unknown): StateRecord {
  if (!isObject(raw)) return {};
  const state = typeof raw.state === "string" && raw.state !== "" ? raw.state : undefined;
  const back = parseStepRef(raw.back);
  const next = parseStepRef(raw.next);
  return {
    ...(state !== undefined && { state }),
    ...(state !== undefined && back !== undefined && { back }),
    ...(state !== undefined && typeof raw.chatId === "number" && { chatId: raw.chatId }),
    ...(isObject(raw.data) && { data: raw.data as JsonObject }),
    ...(next !== undefined && { next }),
  };
}

/** Whether the record holds nothing, so that its entry can be removed. */
export function isEmptyRecord(record: StateRecord): boolean {
  return record.state === undefined && record.data === undefined && record.next === undefined;
}

/** The record without the given fields; the record itself when it has none of them. */
export function without(record: StateRecord, ...fields: (keyof StateRecord)[]): StateRecord {
  if (fields.every((field) => record[field] === undefined)) return record;
  const copy: Record<string, unknown> = { ...record };
  for (const field of fields) delete copy[field];
  return copy as StateRecord;
}
