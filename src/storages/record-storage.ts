import type { Clock } from "../clock.js";
import { type JsonValue, toJsonText } from "../json.js";
import type {
  CompareAndSetResult,
  Storage,
  StorageEntry,
  TouchOptions,
  WriteOptions,
} from "../storage.js";
import { planTtl, type TtlPlan, ttlMsOf } from "./ttl.js";

/** One entry as a backend keeps it: the value's JSON text beside its version and expiry. */
export interface StoredRecord {
  readonly json: string;
  readonly version: number;
  /** Milliseconds since the epoch, or `null` for never. */
  readonly expiresAt: number | null;
}

/** The bookkeeping a backend writes beside a value when it stores the value as an object. */
export interface Envelope {
  readonly version: number;
  /** Milliseconds since the epoch, or `null` for never. */
  readonly expiresAt: number | null;
  readonly value: unknown;
}

/** Whether `raw` has the shape of an {@link Envelope}. */
export function isEnvelope(raw: unknown): raw is Envelope {
  const entry = raw as Partial<Envelope> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.version === "number" &&
    (entry.expiresAt === null || typeof entry.expiresAt === "number") &&
    "value" in entry
  );
}

/**
 * What an atomic update decided: `write` is the record to store, `null` to remove the key, or
 * left out to change nothing.
 */
export interface RecordChange<R> {
  readonly result: R;
  readonly write?: StoredRecord | null;
}

/**
 * Decides a change from the key's current record (expired or not). It runs inside the backend's
 * atomic section, so it must be synchronous and must not fail.
 */
export type Decide<R> = (current: StoredRecord | undefined) => RecordChange<R>;

/**
 * The Storage semantics (expiry, versions, compare-and-set, JSON checks) written once for every
 * backend that can read a record and atomically replace it. A backend supplies `readRecord`,
 * `updateRecord` and `close`.
 */
export abstract class RecordStorage implements Storage {
  protected readonly clock: Clock;
  #lastVersion = 0;

  protected constructor(clock: Clock) {
    this.clock = clock;
  }

  /** The key's record, expired or not. */
  protected abstract readRecord(key: string): Promise<StoredRecord | undefined>;
  /** Reads the key's record, applies `decide`'s change, all atomically for this key. */
  protected abstract updateRecord<R>(key: string, decide: Decide<R>): Promise<R>;
  abstract close(): Promise<void>;

  async get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined> {
    return (await this.getEntry<T>(key))?.value;
  }

  async getEntry<T extends JsonValue = JsonValue>(
    key: string,
  ): Promise<StorageEntry<T> | undefined> {
    const record = await this.readRecord(key);
    if (!this.isLive(record)) return undefined;
    return { value: JSON.parse(record.json) as T, version: record.version };
  }

  async set(key: string, value: unknown, options?: WriteOptions): Promise<number> {
    const json = toJsonText(value);
    const ttl = planTtl(options);
    return this.updateRecord(key, (current) => {
      const write = this.#next(json, current, ttl);
      return { result: write.version, write };
    });
  }

  async compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    options?: WriteOptions,
  ): Promise<CompareAndSetResult> {
    const json = toJsonText(value);
    const ttl = planTtl(options);
    return this.updateRecord<CompareAndSetResult>(key, (current) => {
      const version = this.isLive(current) ? current.version : 0;
      if (version !== expectedVersion) return { result: { ok: false, version } };
      const write = this.#next(json, current, ttl);
      return { result: { ok: true, version: write.version }, write };
    });
  }

  async delete(key: string): Promise<void> {
    return this.updateRecord(key, (current) => ({
      result: undefined,
      ...(current !== undefined && { write: null }),
    }));
  }

  async compareAndDelete(key: string, expectedVersion: number): Promise<boolean> {
    return this.updateRecord(key, (current) => {
      const version = this.isLive(current) ? current.version : 0;
      if (version !== expectedVersion) return { result: false };
      return { result: true, ...(current !== undefined && { write: null }) };
    });
  }

  async touch(key: string, options: TouchOptions): Promise<boolean> {
    const ttlMs = ttlMsOf("ttlMs", options.ttlMs);
    return this.updateRecord(key, (current) => {
      if (!this.isLive(current)) return { result: false };
      return { result: true, write: { ...current, expiresAt: this.clock.now() + ttlMs } };
    });
  }

  /**
   * Removes `key` if its entry has expired, deciding again under the key's lock, since a write may
   * have renewed it since it was read.
   */
  protected async removeIfExpired(key: string): Promise<void> {
    await this.updateRecord(key, (current) => ({
      result: undefined,
      ...(current !== undefined && !this.isLive(current) && { write: null }),
    }));
  }

  /** Whether a record exists and has not expired by the clock's time. */
  protected isLive<T extends { readonly expiresAt: number | null }>(
    record: T | undefined,
  ): record is T {
    return (
      record !== undefined && (record.expiresAt === null || record.expiresAt > this.clock.now())
    );
  }

  #next(json: string, current: StoredRecord | undefined, ttl: TtlPlan): StoredRecord {
    const now = this.clock.now();
    // Counting on from an expired record's version too, and never below this process's last
    // version or the time in microseconds, keeps versions from being handed out twice for a key
    // (a stale writer's compare-and-set must not match a re-created entry).
    const version = Math.max(
      (current?.version ?? 0) + 1,
      this.#lastVersion + 1,
      Math.floor(now) * 1000,
    );
    this.#lastVersion = version;
    let expiresAt: number | null = null;
    if (ttl.kind === "expire") expiresAt = now + ttl.ms;
    else if (ttl.kind === "keep" && this.isLive(current)) expiresAt = current.expiresAt;
    return { json, version, expiresAt };
  }
}
