/**
 * The deadlines of journaled waits, findable without a live copy of their conversations: so that
 * a wait whose deadline passed while no process held it times out all the same, and one still
 * ahead fires at its time after a restart.
 *
 * Storage has no scan, so deadlines are grouped in buckets of `bucketMs` (one key each,
 * `${prefix}due:${bucket}` → `{ [scope]: deadline }`), and one more key, `${prefix}due`, keeps the
 * span of buckets that may hold entries. A sweeper reads the buckets in order as time reaches them:
 * one read per bucket, and nothing at all once the span is behind it.
 *
 * Entries are never removed when a wait is answered; a sweep checks each against its journal,
 * which names the wait's deadline, and skips those that moved on.
 *
 * @module
 */
import type { Storage } from "../storage.js";

/** The buckets that may hold entries: from the oldest not yet swept to the newest written. */
export interface DueSpan {
  readonly from: number;
  readonly to: number;
}

/** Deadlines of one conversation id's waits, bucketed by time. */
export class DueIndex {
  readonly #storage: Storage;
  readonly #prefix: string;
  readonly bucketMs: number;
  /** The span as this process last wrote or read it: a deadline inside it needs no span write. */
  #known: DueSpan | undefined;

  constructor(storage: Storage, prefix: string, bucketMs: number) {
    this.#storage = storage;
    this.#prefix = prefix;
    this.bucketMs = bucketMs;
  }

  /** The bucket a time falls in. */
  bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs);
  }

  #bucketKey(bucket: number): string {
    return `${this.#prefix}due:${bucket}`;
  }

  /** Notes that the wait of `scope` times out at `at`. */
  async add(scope: string, at: number): Promise<void> {
    const bucket = this.bucketOf(at);
    await this.#update<Record<string, number>>(this.#bucketKey(bucket), (entries) => ({
      ...entries,
      [scope]: at,
    }));
    const known = this.#known;
    if (known !== undefined && known.from <= bucket && bucket <= known.to) return;
    this.#known = await this.#update<DueSpan>(`${this.#prefix}due`, (span) =>
      span === undefined
        ? { from: bucket, to: bucket }
        : { from: Math.min(span.from, bucket), to: Math.max(span.to, bucket) },
    );
  }

  /** The span of buckets to sweep, or `undefined` when no deadline was ever noted. */
  async span(): Promise<DueSpan | undefined> {
    const span = await this.#storage.get<Record<string, number>>(`${this.#prefix}due`);
    this.#known = span as DueSpan | undefined;
    return this.#known;
  }

  /** The entries of one bucket: scope → deadline. */
  async read(bucket: number): Promise<Record<string, number>> {
    return (await this.#storage.get<Record<string, number>>(this.#bucketKey(bucket))) ?? {};
  }

  /** Removes a bucket that time has passed, and moves the span's start past it. */
  async drop(bucket: number): Promise<void> {
    await this.#storage.delete(this.#bucketKey(bucket));
    this.#known = await this.#update<DueSpan>(`${this.#prefix}due`, (span) =>
      span === undefined || span.from > bucket ? span : { from: bucket + 1, to: span.to },
    );
  }

  /** A read-modify-write that retries when another writer came in between. */
  async #update<T>(key: string, change: (value: T | undefined) => T | undefined): Promise<T> {
    for (;;) {
      const entry = await this.#storage.getEntry(key);
      const next = change(entry?.value as T | undefined);
      if (next === undefined) return undefined as T;
      const result = await this.#storage.compareAndSet(key, entry?.version ?? 0, next);
      if (result.ok) return next;
    }
  }
}
