/**
 * The storage layout of conversation journals, on any {@link Storage}:
 * - `${base}` — the {@link JournalHead}: run id, code version, arguments, entering update, step 1;
 * - `${base}#${run}:${n}` — step `n` (from 2) of that run, a {@link Segment}.
 *
 * Each step is one write of a new key, compare-and-set against "absent": appending costs the same
 * at step 3 as at step 300 (no rewrite of what came before), and of two copies of a conversation
 * that both try to write step `n`, exactly one wins. The loser learns it is stale and stops.
 *
 * @module
 */
import type { JsonValue } from "../json.js";
import type { Storage } from "../storage.js";
import type { JournalEntry, JournalHead, LoadedJournal, PendingWait, Segment } from "./journal.js";

/** How many steps a recovery reads at once. */
const LOAD_BATCH = 8;

/** Reads and writes the journals of one conversation id. */
export class JournalStore {
  readonly #storage: Storage;
  readonly #prefix: string;

  /** `prefix` names the conversation (bot id and conversation id); scopes are appended. */
  constructor(storage: Storage, prefix: string) {
    this.#storage = storage;
    this.#prefix = prefix;
  }

  /** The head's key for a scope. */
  headKey(scope: string): string {
    return `${this.#prefix}${scope}`;
  }

  #segmentKey(scope: string, run: string, step: number): string {
    return `${this.#prefix}${scope}#${run}:${step}`;
  }

  /** Whether a conversation is active in `scope` (its head is stored). */
  async active(scope: string): Promise<boolean> {
    return (await this.#storage.getEntry(this.headKey(scope))) !== undefined;
  }

  /**
   * The whole journal of `scope`, or `undefined` when no conversation is active there. Its steps
   * are read {@link LOAD_BATCH} at a time in parallel: how many there are is known only from the
   * first missing one.
   */
  async load(scope: string): Promise<LoadedJournal | undefined> {
    const found = await this.#storage.getEntry<JsonValue>(this.headKey(scope));
    if (found === undefined) return undefined;
    const head = found.value as unknown as JournalHead;
    const entries: JournalEntry[] = [...head.e];
    let pending = head.w;
    let steps = 1;
    for (;;) {
      const batch = await Promise.all(
        Array.from({ length: LOAD_BATCH }, (_, at) =>
          this.#storage.get<JsonValue>(this.#segmentKey(scope, head.run, steps + 1 + at)),
        ),
      );
      for (const segment of batch) {
        if (segment === undefined)
          return { head, headVersion: found.version, entries, steps, pending };
        const { e, w } = segment as unknown as Segment;
        entries.push(...e);
        pending = w;
        steps++;
      }
    }
  }

  /**
   * Whether the journal of `scope` is as a run of `steps` steps under head version `headVersion`
   * left it: the same head, and no step after `steps`.
   */
  async unmoved(
    scope: string,
    run: string,
    steps: number,
    headVersion: number | undefined,
  ): Promise<boolean> {
    const [head, next] = await Promise.all([
      this.#storage.getEntry(this.headKey(scope)),
      this.#storage.getEntry(this.#segmentKey(scope, run, steps + 1)),
    ]);
    return head !== undefined && head.version === headVersion && next === undefined;
  }

  /**
   * Writes step 1 (the head) if no conversation is active in `scope`. Returns the head's version,
   * or `undefined` when another run holds the scope.
   */
  async begin(scope: string, head: JournalHead): Promise<number | undefined> {
    const result = await this.#storage.compareAndSet(this.headKey(scope), 0, head);
    return result.ok ? result.version : undefined;
  }

  /** Writes step `step` (2 or more) of `run`; `false` when that step was written already. */
  async append(
    scope: string,
    run: string,
    step: number,
    entries: readonly JournalEntry[],
    pending: PendingWait | undefined,
  ): Promise<boolean> {
    const segment: Segment = pending === undefined ? { e: entries } : { e: entries, w: pending };
    const result = await this.#storage.compareAndSet(
      this.#segmentKey(scope, run, step),
      0,
      segment,
    );
    return result.ok;
  }

  /**
   * Ends the run: removes its head (only the version this run wrote, when given, so a newer run
   * that replaced it is left alone) and then its segments.
   */
  async end(scope: string, run: string, steps: number, headVersion?: number): Promise<void> {
    const key = this.headKey(scope);
    if (headVersion === undefined) await this.#storage.delete(key);
    else if (!(await this.#storage.compareAndDelete(key, headVersion))) return;
    await this.#removeSegments(scope, run, steps);
  }

  /** Ends whatever run is active in `scope`, as `exit` does from outside the conversation. */
  async clear(scope: string): Promise<void> {
    const found = await this.#storage.getEntry<JsonValue>(this.headKey(scope));
    if (found === undefined) return;
    const { run } = found.value as unknown as JournalHead;
    if (!(await this.#storage.compareAndDelete(this.headKey(scope), found.version))) return;
    // The step count is not kept anywhere but in the keys: walk them until one is missing.
    for (let step = 2; ; step++) {
      const key = this.#segmentKey(scope, run, step);
      if ((await this.#storage.getEntry(key)) === undefined) return;
      await this.#storage.delete(key);
    }
  }

  async #removeSegments(scope: string, run: string, steps: number): Promise<void> {
    const keys: string[] = [];
    for (let step = 2; step <= steps; step++) keys.push(this.#segmentKey(scope, run, step));
    if (keys.length === 0) return;
    const storage = this.#storage;
    if (storage.deleteMany !== undefined) await storage.deleteMany(keys);
    else await Promise.all(keys.map((key) => storage.delete(key)));
  }
}
