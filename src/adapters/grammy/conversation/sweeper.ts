/**
 * Fires the deadlines of waits that no live coroutine in this process holds: those that passed
 * while no process ran (at start-up), and those still ahead after a restart (at their time). One
 * timer per conversation id, and only while some deadline lies ahead; see {@link DueIndex}.
 *
 * @module
 */
import type { CancelTimer } from "../../../clock.js";
import type { DueIndex } from "../../../conversations/due-index.js";
import type { ConversationSpec } from "./spec.js";

/** Recovers the conversation of `scope` if its journal still waits with deadline `at`. */
export type FireDue = (scope: string, at: number) => Promise<void>;

/** Sweeps one conversation id's due index as time reaches its buckets. */
export class DueSweeper {
  readonly #spec: ConversationSpec;
  readonly #due: DueIndex;
  readonly #fire: FireDue;
  #started = false;
  #timer: CancelTimer | undefined;
  /** When {@link #timer} fires. */
  #wakeAt = Number.POSITIVE_INFINITY;

  constructor(spec: ConversationSpec, due: DueIndex, fire: FireDue) {
    this.#spec = spec;
    this.#due = due;
    this.#fire = fire;
  }

  /** Starts sweeping (once): what is overdue now fires at once, what lies ahead at its time. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#run();
  }

  /**
   * A deadline at `at` lost its live timer (its conversation was evicted): sweeps by then at the
   * latest. Before {@link start} there is nothing to do: the first sweep reads every bucket.
   */
  expect(at: number): void {
    if (!this.#started || this.#wakeAt <= at) return;
    this.#schedule(at);
  }

  /** Stops the timer; nothing fires afterwards. */
  stop(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }

  #run(): void {
    this.#timer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
    this.#sweep().catch((error: unknown) => this.#spec.onError(error));
  }

  async #sweep(): Promise<void> {
    const { clock } = this.#spec;
    const span = await this.#due.span();
    if (span === undefined) return;
    const now = clock.now();
    const current = this.#due.bucketOf(now);
    let ahead = Number.POSITIVE_INFINITY;
    for (let bucket = span.from; bucket <= Math.min(span.to, current); bucket++) {
      const entries = await this.#due.read(bucket);
      for (const [scope, at] of Object.entries(entries)) {
        // One at a time: a restart after a long outage must not replay everything at once.
        if (at <= now) await this.#fire(scope, at);
        else ahead = Math.min(ahead, at);
      }
      if (bucket < current) await this.#due.drop(bucket);
    }
    const nextBucket = (current + 1) * this.#due.bucketMs;
    const wake = span.to > current ? Math.min(ahead, nextBucket) : ahead;
    if (wake < this.#wakeAt) this.#schedule(wake);
  }

  #schedule(at: number): void {
    const { clock } = this.#spec;
    this.#timer?.();
    this.#wakeAt = at;
    // Deadlines outlive the process (the next one sweeps them): no reason to hold it open.
    this.#timer = clock.setTimer(Math.max(0, at - clock.now()), () => this.#run(), {
      keepAlive: false,
    });
  }
}
