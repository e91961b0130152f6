/**
 * The shapes of a delegate (telepot's DelegatorBot): what it receives, what it can do, and the two
 * ways to write one — an async function reading its {@link Inbox}, or a {@link DelegateHandler}
 * class.
 *
 * @module
 */
import type { IdleTimeoutError } from "../errors.js";
import type { Seed } from "./seeders.js";

/** An event a delegate scheduled for itself with {@link DelegateHandle.at} or `after`. */
export interface ScheduledEvent<D = unknown> {
  /** Unique within the delegate; pass the event to `cancel` to call it off. */
  readonly id: number;
  /** When it falls due, in clock milliseconds since the epoch. */
  readonly at: number;
  readonly data: D;
}

/** What every delegate can do, whichever way it is written. */
export interface DelegateHandle {
  /** The seed this delegate serves, e.g. `"chat:42"`. */
  readonly seed: Seed;
  /** Schedules `data` to be delivered to this delegate at `timeMs` (clock time). */
  at<D>(timeMs: number, data: D): ScheduledEvent<D>;
  /** Schedules `data` to be delivered to this delegate `delayMs` from now. */
  after<D>(delayMs: number, data: D): ScheduledEvent<D>;
  /** Calls off a scheduled event; false when it already fired or was cancelled. */
  cancel(event: ScheduledEvent): boolean;
}

/** Options of {@link Inbox.next} and {@link Inbox.receive}. */
export interface ReceiveOptions {
  /**
   * How long to wait before rejecting with `IdleTimeoutError`; replaces the delegate's
   * `idleTimeoutMs` for this wait. Without either, the wait has no limit.
   */
  readonly timeoutMs?: number;
  /** Ends the wait early, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** One thing a delegate receives: an update, or one of its own scheduled events. */
export type Delivery<U> =
  | { readonly kind: "update"; readonly update: U }
  | { readonly kind: "event"; readonly event: ScheduledEvent };

/**
 * A function delegate's view of the updates for its seed, in arrival order. Asking for the next one
 * also tells the sender that the previous one has been handled.
 */
export interface Inbox<U> extends DelegateHandle {
  /**
   * The next update. Rejects with `IdleTimeoutError` when none arrives in time: let it escape to
   * close the delegate quietly, or catch it to say goodbye first. Scheduled events wait for
   * {@link receive}.
   */
  next(options?: ReceiveOptions): Promise<U>;
  /** The next update or scheduled event, whichever came first. */
  receive(options?: ReceiveOptions): Promise<Delivery<U>>;
}

/**
 * A delegate written as a function: it gets the update that started it, then awaits more from its
 * inbox. Returning (or letting an `IdleTimeoutError` escape) closes it.
 */
export type DelegateFunction<U> = (first: U, inbox: Inbox<U>) => Promise<void>;

/** Why a delegate closed, as given to {@link DelegateHandler.onClose}. */
export type CloseReason =
  | { readonly kind: "idle"; readonly error: IdleTimeoutError }
  | { readonly kind: "closed"; readonly value?: unknown }
  | { readonly kind: "error"; readonly error: unknown };

/** A class delegate's handle: everything a function delegate has, plus `close`. */
export interface DelegateControl extends DelegateHandle {
  /**
   * Closes the delegate: at once when it is waiting, else once the current `onMessage` or
   * `onEvent` returns. `onClose` then gets `{ kind: "closed", value }`; updates that arrive
   * meanwhile go to a fresh delegate.
   */
  close(value?: unknown): void;
}

/**
 * A delegate written as a class (telepot's ChatHandler): constructed with a
 * {@link DelegateControl} when its seed gets its first update.
 *
 * @example
 * ```ts
 * class MessageCounter implements DelegateHandler<Context> {
 *   #count = 0;
 *   constructor(readonly control: DelegateControl) {}
 *   async onMessage(ctx: Context) {
 *     if (ctx.hasCommand("cancel")) return this.control.close("cancelled");
 *     await ctx.reply(String(++this.#count));
 *   }
 *   async onClose(reason: CloseReason) {
 *     if (reason.kind === "error") console.error(reason.error);
 *   }
 * }
 * ```
 */
export interface DelegateHandler<U> {
  /**
   * Sees the first update; returns `true` (or a promise of it) when it handled that update, so
   * `onMessage` does not see it too. Anything else, `undefined` included, passes it on.
   */
  open?(first: U): unknown;
  /** Handles one update; updates for the seed wait until it returns. */
  onMessage(update: U): void | Promise<void>;
  /** Handles one scheduled event. */
  onEvent?(event: ScheduledEvent): void | Promise<void>;
  /** Runs once, last; a thrown error is passed on after it as the delegate's error. */
  onClose?(reason: CloseReason): void | Promise<void>;
}

/** A class of {@link DelegateHandler}s. */
export type DelegateClass<U> = new (control: DelegateControl) => DelegateHandler<U>;
