/**
 * The conversations of one id that are live in this process, bounded: past `maxLive`, or idle
 * longer than `idleEvictMs`, the least recently resumed are evicted (hibernated). An evicted
 * conversation costs nothing in the heap: its journal holds it, and its next update replays it.
 *
 * @module
 */
import type { CancelTimer, Clock } from "../../../clock.js";

/** What the set needs of a live copy. */
export interface LiveCopy {
  readonly scope: string;
  /** When an update last resumed (or started) it, on the set's clock. */
  lastActive: number;
  /**
   * Abandons the copy if it is suspended with nothing in flight: its waits are dropped unsettled,
   * so none of its code runs again. Returns whether it did; a copy busy now is left alone.
   */
  evict(): boolean;
}

/** How a conversation's live copies fared: what its handle's `stats()` returns. */
export interface ConversationStats {
  /** Copies live in this process now. */
  readonly live: number;
  /** Copies evicted so far (hibernated: their journal holds them). */
  readonly evicted: number;
  /**
   * Conversations rebuilt from their journal so far: hibernated ones resumed, and those a
   * restart or another instance left.
   */
  readonly replays: number;
  /** Journaled steps those replays went through. */
  readonly replayedSteps: number;
}

/** Options of a {@link LiveSet}. */
export interface LiveSetOptions {
  readonly maxLive: number;
  readonly idleEvictMs: number;
  readonly clock: Clock;
}

/**
 * Live copies by scope, least recently active first (a `Map` keeps insertion order, and
 * {@link touch} re-inserts). One timer for the whole set, for the oldest copy's idle deadline.
 */
export class LiveSet<T extends LiveCopy> {
  readonly #copies = new Map<string, T>();
  readonly #options: LiveSetOptions;
  #timer: CancelTimer | undefined;
  #evicted = 0;
  #replays = 0;
  #replayedSteps = 0;

  constructor(options: LiveSetOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#copies.size;
  }

  get(scope: string): T | undefined {
    return this.#copies.get(scope);
  }

  has(scope: string): boolean {
    return this.#copies.has(scope);
  }

  /** Adds (or re-adds) a copy as the most recently active, evicting past `maxLive`. */
  add(copy: T): void {
    copy.lastActive = this.#options.clock.now();
    this.#copies.delete(copy.scope);
    this.#copies.set(copy.scope, copy);
    if (this.#copies.size > this.#options.maxLive) this.#evictOver();
    this.#arm();
  }

  /**
   * Evicts past `maxLive` again: copies that were busy when the set grew (all of a burst of
   * entries in flight at once) may be evictable now that one of them suspended.
   */
  trim(): void {
    if (this.#copies.size > this.#options.maxLive) this.#evictOver();
  }

  /** An update resumed `copy`: it becomes the most recently active. */
  touch(copy: T): void {
    if (this.#copies.get(copy.scope) !== copy) return;
    copy.lastActive = this.#options.clock.now();
    this.#copies.delete(copy.scope);
    this.#copies.set(copy.scope, copy);
  }

  /** Removes `copy` (it ended or was found stale); a newer copy of its scope is left alone. */
  delete(copy: T): void {
    if (this.#copies.get(copy.scope) !== copy) return;
    this.#copies.delete(copy.scope);
    if (this.#copies.size === 0) this.#disarm();
  }

  /** Counts a replay of `steps` journaled steps. */
  replayed(steps: number): void {
    this.#replays++;
    this.#replayedSteps += steps;
  }

  stats(): ConversationStats {
    return {
      live: this.#copies.size,
      evicted: this.#evicted,
      replays: this.#replays,
      replayedSteps: this.#replayedSteps,
    };
  }

  /** Stops the idle timer (the bot is stopping); live copies stay as they are. */
  close(): void {
    this.#disarm();
  }

  /**
   * Evicts the least recently active copies until the set is back at `maxLive`. Copies busy now
   * are passed over; the walk looks at a bounded number of them, so a set full of busy copies
   * costs no scan of the whole set (it stays over the bound until they suspend).
   */
  #evictOver(): void {
    const over = this.#copies.size - this.#options.maxLive;
    let looked = 0;
    let evicted = 0;
    for (const copy of this.#copies.values()) {
      if (evicted >= over || looked++ >= over + BUSY_SLACK) break;
      if (this.#evict(copy)) evicted++;
    }
  }

  #evict(copy: T): boolean {
    if (!copy.evict()) return false;
    this.#copies.delete(copy.scope);
    this.#evicted++;
    return true;
  }

  /** Evicts the copies idle for `idleEvictMs` or longer, then waits for the next one's turn. */
  #sweepIdle(): void {
    this.#timer = undefined;
    const deadline = this.#options.clock.now() - this.#options.idleEvictMs;
    let busy = 0;
    for (const copy of this.#copies.values()) {
      if (copy.lastActive > deadline || busy >= BUSY_SLACK) break;
      if (!this.#evict(copy)) busy++;
    }
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const oldest = this.#copies.values().next().value;
    if (oldest === undefined) return;
    const { clock, idleEvictMs } = this.#options;
    // A busy copy may be first for a while: look again one idle period later at the least.
    const dueMs = Math.max(
      oldest.lastActive + idleEvictMs - clock.now(),
      Math.min(MIN_SWEEP_MS, idleEvictMs),
    );
    this.#timer = clock.setTimer(dueMs, () => this.#sweepIdle(), { keepAlive: false });
  }

  #disarm(): void {
    this.#timer?.();
    this.#timer = undefined;
  }
}

/** Busy copies an eviction walk passes over before it gives up until the next time. */
const BUSY_SLACK = 32;
/** The shortest wait between idle sweeps, so that busy copies at the front cost no busy loop. */
const MIN_SWEEP_MS = 1000;
