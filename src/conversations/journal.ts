/**
 * What a durable conversation journals: every result its code could not recompute by itself (an
 * answer, a Bot API result, an external call, the time, a random number), in the order the code
 * asked for them. Replaying the code over these entries brings it back to where it waited.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "../json.js";

/** The kinds of non-deterministic operations a conversation journals. */
export type EntryKind = "wait" | "api" | "external" | "now" | "random" | "sleep";

/**
 * One journaled result. `d` describes the request (the wait's method, the Bot API method, the
 * external call's name), so a replay can tell when the code asks for something else; the outcome
 * is a result `r` or, for a failure to throw again on replay, an error `e`.
 */
export interface JournalEntry {
  readonly k: EntryKind;
  readonly d: string;
  readonly r?: JsonValue;
  readonly e?: JsonObject;
}

/** Where the code waited when a segment was written: its deadline survives a restart. */
export interface PendingWait {
  /** The wait's kind: `"wait"` or `"sleep"`. */
  readonly k: "wait" | "sleep";
  /** When it times out (or the sleep ends), as the clock's epoch milliseconds. */
  readonly at?: number;
}

/** The entries of one step: what happened since the previous wait, up to the next one. */
export interface Segment {
  readonly e: readonly JournalEntry[];
  /** The wait the code suspended in when this segment was written; absent at the end. */
  readonly w?: PendingWait;
}

/**
 * The head of a conversation's journal: who started it, with which arguments and code version,
 * and its first step. The following steps are segments under the head's `run` id.
 */
export interface JournalHead extends Segment {
  /** Layout version of this record. */
  readonly v: 1;
  /** Random id of this run; a new one on each (re)start, so old segments never mix in. */
  readonly run: string;
  /** The conversation code's version when it started. */
  readonly ver: string | number;
  /** The arguments `enter` passed, when it passed any. */
  readonly args?: JsonValue;
  /** The update that entered the conversation, rebuilt as the function's `ctx` on replay. */
  readonly u: JsonObject;
}

/** A journal as loaded for a replay. */
export interface LoadedJournal {
  readonly head: JournalHead;
  /** The head's storage version, for the compare-and-delete at the end. */
  readonly headVersion: number;
  /** Every entry, the head's first. */
  readonly entries: readonly JournalEntry[];
  /** Steps written: the head counts as 1. */
  readonly steps: number;
  /** The wait the last step ended in. */
  readonly pending: PendingWait | undefined;
}

/** `api sendMessage`: how errors describe an entry or a request. */
export function describe(kind: EntryKind, detail: string): string {
  return `${kind} ${detail}`;
}
