/**
 * One timer for all the claims of a coordinator. A claim needs waking once per `leaseMs / 3` (to
 * extend its lease) and never in the common case, where it finishes in milliseconds; a timer of
 * its own would be set and cleared for every update. Here claims wait in a list sorted by when
 * they are due, and a single timer wakes the earliest.
 *
 * @module
 */
import type { CancelTimer, Clock } from "../clock.js";

/** Something a {@link DueList} wakes at `dueAt`; the links are the list's own. */
export class Due {
  dueAt = 0;
  prevDue: Due | undefined;
  nextDue: Due | undefined;
  /** Called once `dueAt` has passed, after the entry left the list. */
  readonly wake: (now: number) => void;

  constructor(wake: (now: number) => void) {
    this.wake = wake;
  }
}

/**
 * Entries sorted by `dueAt`, earliest first. Adding one due no earlier than the last is O(1) (the
 * usual case: claims start in time order with the same lease); removing is O(1). The timer is armed
 * for the earliest entry when it is added, and not re-armed when entries leave (only cancelled when
 * the list empties): it then fires for nothing and arms itself for the new earliest, which costs
 * one wake-up per `leaseMs / 3` at most.
 */
export class DueList {
  readonly #clock: Clock;
  #head: Due | undefined;
  #tail: Due | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #cancel: CancelTimer = () => {};

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Adds `entry` (not in any list) to wake at its `dueAt`. */
  add(entry: Due): void {
    let after = this.#tail;
    while (after !== undefined && after.dueAt > entry.dueAt) after = after.prevDue;
    entry.prevDue = after;
    entry.nextDue = after === undefined ? this.#head : after.nextDue;
    if (entry.nextDue === undefined) this.#tail = entry;
    else entry.nextDue.prevDue = entry;
    if (after === undefined) this.#head = entry;
    else after.nextDue = entry;
    if (entry.dueAt < this.#armedFor) this.#arm(entry.dueAt);
  }

  /** Takes `entry` out; harmless when it is not in the list. */
  remove(entry: Due): void {
    const { prevDue, nextDue } = entry;
    if (prevDue === undefined && this.#head !== entry) return;
    if (prevDue === undefined) this.#head = nextDue;
    else prevDue.nextDue = nextDue;
    if (nextDue === undefined) this.#tail = prevDue;
    else nextDue.prevDue = prevDue;
    entry.prevDue = undefined;
    entry.nextDue = undefined;
    // An empty list keeps no timer, so nothing holds the process open once every claim is done.
    if (this.#head === undefined) this.#disarm();
  }

  #disarm(): void {
    this.#cancel();
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    this.#disarm();
    this.#armedFor = at;
    this.#cancel = this.#clock.setTimer(Math.max(0, at - this.#clock.now()), () => this.#fire());
  }

  #fire(): void {
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    for (let entry = this.#head; entry !== undefined && entry.dueAt <= now; entry = this.#head) {
      this.remove(entry);
      entry.wake(now);
    }
    if (this.#head !== undefined && this.#head.dueAt < this.#armedFor) this.#arm(this.#head.dueAt);
  }
}
