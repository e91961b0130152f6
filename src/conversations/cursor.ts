/**
 * A conversation's position in its journal. While entries remain, each request the code makes is
 * answered from the journal (and checked against it); past the end the code runs live, and what
 * it gets is recorded until the next write takes it.
 *
 * @module
 */
import { ReplayMismatchError } from "./errors.js";
import { describe, type EntryKind, type JournalEntry } from "./journal.js";

/** Replays a journal, then records what comes after it. */
export class JournalCursor {
  readonly #conversation: string;
  readonly #entries: readonly JournalEntry[];
  #position = 0;
  #recorded: JournalEntry[] = [];
  /** Once the code strayed from the journal, every later request fails the same way. */
  #mismatch: ReplayMismatchError | undefined;

  constructor(conversation: string, entries: readonly JournalEntry[] = []) {
    this.#conversation = conversation;
    this.#entries = entries;
  }

  /** Whether the code is still being fed from the journal. */
  get replaying(): boolean {
    return this.#position < this.#entries.length;
  }

  /** Journaled entries replayed so far. */
  get replayed(): number {
    return this.#position;
  }

  /** The mismatch met during this replay, if any. */
  get mismatch(): ReplayMismatchError | undefined {
    return this.#mismatch;
  }

  /**
   * The journaled outcome of the code's next request, or `undefined` past the journal's end (run
   * it live, then {@link record} it). Throws `ReplayMismatchError` when the journal holds another
   * request at this point.
   */
  next(kind: EntryKind, detail: string): JournalEntry | undefined {
    if (this.#mismatch !== undefined) throw this.#mismatch;
    const entry = this.#entries[this.#position];
    if (entry === undefined) return undefined;
    if (entry.k !== kind || entry.d !== detail) {
      throw this.#fail(describe(entry.k, entry.d), describe(kind, detail));
    }
    this.#position++;
    return entry;
  }

  /** Keeps the outcome of a request made live, for the next write. */
  record(entry: JournalEntry): void {
    this.#recorded.push(entry);
  }

  /** Whether anything was recorded since the last {@link take}. */
  get dirty(): boolean {
    return this.#recorded.length > 0;
  }

  /** The entries recorded since the last call, for a write. */
  take(): JournalEntry[] {
    const taken = this.#recorded;
    this.#recorded = [];
    return taken;
  }

  /** Called when the code returned: journaled entries left over mean it took a shorter path. */
  finish(): void {
    if (this.#mismatch !== undefined) throw this.#mismatch;
    const entry = this.#entries[this.#position];
    if (entry !== undefined) throw this.#fail(describe(entry.k, entry.d), "the end");
  }

  #fail(journaled: string, requested: string): ReplayMismatchError {
    this.#mismatch = new ReplayMismatchError(
      this.#conversation,
      this.#position,
      journaled,
      requested,
    );
    return this.#mismatch;
  }
}
