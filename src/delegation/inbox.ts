/**
 * One live delegate's inbox: its queued updates and scheduled events, the wait for the next one,
 * and the idle timer that runs only while the delegate waits.
 *
 * @module
 */
import type { CancelTimer, Clock } from "../clock.js";
import { IdleTimeoutError, InvalidArgumentError } from "../errors.js";
import { assertDurationMs } from "../validate.js";
import { type Seed, seedLabel } from "./seeders.js";
import type { Delivery, Inbox, ReceiveOptions, ScheduledEvent } from "./types.js";

/** An update on its way to a delegate, with the sender's promise: taken and handled, or not taken. */
export interface PendingUpdate<U> {
  readonly update: U;
  resolve(taken: boolean): void;
  reject(error: unknown): void;
}

type Entry<U> =
  | { readonly kind: "update"; readonly pending: PendingUpdate<U> }
  | { readonly kind: "event"; readonly event: ScheduledEvent };

interface Waiter<U> {
  readonly updatesOnly: boolean;
  readonly resolve: (delivery: Delivery<U>) => void;
  /** Stops the wait's timer and its signal listener. */
  readonly release: () => void;
}

/** What is left of an inbox once its delegate has ended. */
export interface ClosedInbox<U> {
  /** The update the delegate was handling when it ended, if any. */
  readonly current: PendingUpdate<U> | undefined;
  /** Updates it never took, oldest first: they belong to a fresh delegate. */
  readonly leftover: PendingUpdate<U>[];
}

/** The {@link Inbox} of one delegate, driven by the registry. */
export class DelegateInbox<U> implements Inbox<U> {
  readonly seed: Seed;
  readonly #clock: Clock;
  readonly #idleTimeoutMs: number | undefined;
  readonly #queue: Entry<U>[] = [];
  readonly #events = new Map<ScheduledEvent, CancelTimer>();
  #current: PendingUpdate<U> | undefined;
  #waiter: Waiter<U> | undefined;
  #eventIds = 0;

  constructor(seed: Seed, first: PendingUpdate<U>, clock: Clock, idleTimeoutMs?: number) {
    this.seed = seed;
    this.#current = first;
    this.#clock = clock;
    this.#idleTimeoutMs = idleTimeoutMs;
  }

  /** Queues an update, or hands it straight to a waiting delegate. */
  push(pending: PendingUpdate<U>): void {
    this.#offer({ kind: "update", pending });
  }

  async next(options?: ReceiveOptions): Promise<U> {
    const delivery = await this.#wait(true, options);
    return (delivery as Extract<Delivery<U>, { kind: "update" }>).update;
  }

  async receive(options?: ReceiveOptions): Promise<Delivery<U>> {
    return this.#wait(false, options);
  }

  at<D>(timeMs: number, data: D): ScheduledEvent<D> {
    if (!Number.isFinite(timeMs)) throw new InvalidArgumentError("at", "a finite time", timeMs);
    const event: ScheduledEvent<D> = { id: ++this.#eventIds, at: timeMs, data };
    const cancel = this.#clock.setTimer(timeMs - this.#clock.now(), () => {
      this.#events.delete(event);
      this.#offer({ kind: "event", event });
    });
    this.#events.set(event, cancel);
    return event;
  }

  after<D>(delayMs: number, data: D): ScheduledEvent<D> {
    if (!(delayMs >= 0))
      throw new InvalidArgumentError("after", "a delay of 0 ms or more", delayMs);
    return this.at(this.#clock.now() + delayMs, data);
  }

  cancel(event: ScheduledEvent): boolean {
    const cancel = this.#events.get(event);
    this.#events.delete(event);
    cancel?.();
    return cancel !== undefined;
  }

  /** Ends the inbox once its delegate has ended: stops every timer and gives back what is left. */
  close(): ClosedInbox<U> {
    for (const cancel of this.#events.values()) cancel();
    this.#events.clear();
    this.#waiter?.release();
    this.#waiter = undefined;
    const leftover = this.#queue.flatMap((entry) =>
      entry.kind === "update" ? [entry.pending] : [],
    );
    this.#queue.length = 0;
    const current = this.#current;
    this.#current = undefined;
    return { current, leftover };
  }

  #wait(updatesOnly: boolean, options?: ReceiveOptions): Promise<Delivery<U>> {
    if (this.#waiter !== undefined) {
      throw new InvalidArgumentError("inbox", "awaited before it is read again", "a second read");
    }
    const timeoutMs = options?.timeoutMs ?? this.#idleTimeoutMs;
    if (options?.timeoutMs !== undefined) assertDurationMs("timeoutMs", options.timeoutMs);
    // Asking for more means the update taken before is done: its sender may go on.
    this.#current?.resolve(true);
    this.#current = undefined;
    const index = this.#queue.findIndex((entry) => !updatesOnly || entry.kind === "update");
    const [entry] = index < 0 ? [] : this.#queue.splice(index, 1);
    if (entry !== undefined) return Promise.resolve(this.#take(entry));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const fail = (error: unknown): void => {
        this.#waiter?.release();
        this.#waiter = undefined;
        reject(error);
      };
      const onAbort = () => fail(signal?.reason);
      const cancelTimer =
        timeoutMs === undefined
          ? undefined
          : this.#clock.setTimer(timeoutMs, () =>
              fail(new IdleTimeoutError(seedLabel(this.seed), timeoutMs)),
            );
      signal?.addEventListener("abort", onAbort, { once: true });
      const release = () => {
        cancelTimer?.();
        signal?.removeEventListener("abort", onAbort);
      };
      this.#waiter = { updatesOnly, resolve, release };
    });
  }

  #offer(entry: Entry<U>): void {
    const waiter = this.#waiter;
    if (waiter === undefined || (waiter.updatesOnly && entry.kind !== "update")) {
      this.#queue.push(entry);
      return;
    }
    this.#waiter = undefined;
    waiter.release();
    waiter.resolve(this.#take(entry));
  }

  #take(entry: Entry<U>): Delivery<U> {
    if (entry.kind === "event") return entry;
    this.#current = entry.pending;
    return { kind: "update", update: entry.pending.update };
  }
}
