/**
 * A map whose entries all live for the same time after their last write, for in-memory markers
 * and histories that must not pile up for keys nobody comes back to.
 *
 * @module
 */
import type { Clock } from "./clock.js";

/**
 * Entries kept in the order of their last write, which with one `ttlMs` for all is also the order
 * in which they expire: every operation first drops the expired entries at the front, so expiry
 * costs O(1) amortised per write and needs no timer. Beyond `max` entries the least recently
 * written go first.
 */
export class ExpiringMap<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly expiresAt: number }>();
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(clock: Clock, ttlMs: number, max: number = Number.POSITIVE_INFINITY) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** How many entries are held, counting expired ones no operation has dropped yet. */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value of `key`, if any. */
  get(key: string): V | undefined {
    const now = this.#clock.now();
    this.#dropExpired(now);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // A clock stepped back can leave an expired entry behind a live one: check each read too.
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Sets `key` to `value` for `ttlMs` from now, as the most recently written entry. */
  set(key: string, value: V): void {
    const now = this.#clock.now();
    this.#dropExpired(now);
    // Deleted and set again, so the map stays ordered by last write, that is by expiry.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + this.#ttlMs });
    if (this.#entries.size > this.#max) this.#dropOldest();
  }

  delete(key: string): void {
    this.#dropExpired(this.#clock.now());
    this.#entries.delete(key);
  }

  #dropExpired(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) return;
      this.#entries.delete(key);
    }
  }

  #dropOldest(): void {
    const oldest = this.#entries.keys().next();
    if (oldest.done !== true) this.#entries.delete(oldest.value);
  }
}
