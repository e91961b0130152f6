/**
 * One run of a conversation as it stands in storage: its run id, how many steps it has written,
 * and the version of its head — what the next write and the final removal need.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "../json.js";
import type { JournalEntry, JournalHead, LoadedJournal, PendingWait } from "./journal.js";
import type { JournalStore } from "./journal-store.js";

const newRunId = () => crypto.randomUUID().slice(0, 8);

/** What the head of a run records besides its first step. */
export interface RunStart {
  readonly version: string | number;
  readonly args: JsonValue | undefined;
  readonly entering: JsonObject;
}

/** A run's place in its journal: written step by step, removed at its end. */
export class JournalRun {
  readonly #store: JournalStore;
  readonly #scope: string;
  #id: string;
  /** Steps written so far; 0 until the head is. */
  #steps = 0;
  #headVersion: number | undefined;

  /** A new run in `scope`, or the one `journal` holds. */
  constructor(store: JournalStore, scope: string, journal?: LoadedJournal) {
    this.#store = store;
    this.#scope = scope;
    this.#id = journal?.head.run ?? newRunId();
    this.#steps = journal?.steps ?? 0;
    this.#headVersion = journal?.headVersion;
  }

  /** Steps written so far. */
  get steps(): number {
    return this.#steps;
  }

  /**
   * Writes the next step: the head, with `start`, for the first; a segment after that. Resolves
   * `false` when another writer holds that step (the scope, for the head) already.
   */
  async write(
    entries: readonly JournalEntry[],
    pending: PendingWait,
    start: RunStart,
  ): Promise<boolean> {
    if (this.#steps === 0) {
      const head: JournalHead = {
        v: 1,
        run: this.#id,
        ver: start.version,
        ...(start.args === undefined ? {} : { args: start.args }),
        u: start.entering,
        e: entries,
        w: pending,
      };
      this.#headVersion = await this.#store.begin(this.#scope, head);
      if (this.#headVersion === undefined) return false;
    } else if (
      !(await this.#store.append(this.#scope, this.#id, this.#steps + 1, entries, pending))
    ) {
      return false;
    }
    this.#steps++;
    return true;
  }

  /**
   * Whether the journal is still where this run left it: its head unchanged and its next step
   * not written by another copy. One read each, in parallel.
   */
  async current(): Promise<boolean> {
    if (this.#steps === 0) return true;
    return this.#store.unmoved(this.#scope, this.#id, this.#steps, this.#headVersion);
  }

  /** Removes what the run wrote, and leaves it as a fresh run with a new id. */
  async end(): Promise<void> {
    const steps = this.#steps;
    const id = this.#id;
    const headVersion = this.#headVersion;
    this.#id = newRunId();
    this.#steps = 0;
    this.#headVersion = undefined;
    if (steps > 0) await this.#store.end(this.#scope, id, steps, headVersion);
  }
}
