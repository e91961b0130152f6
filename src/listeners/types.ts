/**
 * The public option and result types of the listener registry.
 *
 * @module
 */

import type { Clock } from "../clock.js";
import type { UpdateKeys } from "../keys.js";
import type { MatchScope, WaitMatch } from "./match.js";

/** Options of one wait. */
export interface WaitOptions {
  /** Rejects with `ListenerTimeoutError` after this long; defaults to the registry's. */
  readonly timeoutMs?: number;
  /** Aborting it cancels the wait (reason "cancelled"). */
  readonly signal?: AbortSignal;
  /** Runs at the deadline, before the wait rejects; its errors go to the registry's `onError`. */
  readonly onTimeout?: () => unknown;
  /** A wait on a key that already has one: "replace" (default) cancels the older as "duplicate". */
  readonly duplicate?: "replace" | "reject";
  /**
   * Filled in with the wait when it registers, for {@link ListenerRegistry.end} and
   * {@link ListenerRegistry.drop}: its owner ends it directly, with no `AbortSignal` (and the
   * listener that one costs) per wait.
   */
  readonly handle?: WaitHandle;
}

/**
 * Where the registry puts a wait it registers, so that whoever made it can end it later. One
 * handle may serve a series of waits: it holds the latest.
 *
 * @example
 * ```ts
 * const handle: WaitHandle = {};
 * const answer = registry.wait({ chatId: 5, userId: 7 }, { handle });
 * registry.end(handle); // answer rejects with ListenerCancelledError ("cancelled")
 * ```
 */
export interface WaitHandle {
  /** The wait, as the registry keeps it; opaque to everyone else. */
  current?: unknown;
}

/** Options of a {@link ListenerRegistry}. */
export interface ListenerRegistryOptions<T> {
  /** Reads an event's keys; defaults to {@link updateKeys} for events that are updates. */
  readonly keysOf?: (event: T) => UpdateKeys;
  readonly clock?: Clock;
  /** A timeout for waits that give none; by default waits have no timeout. */
  readonly defaultTimeoutMs?: number;
  /** Most waits per user in a chat (default 16). */
  readonly maxPerUser?: number;
  /** Most waits per chat (default 256). */
  readonly maxPerChat?: number;
  /**
   * Most waits in the whole registry (default 100 000), beside the per-chat and per-user caps:
   * past it a new wait fails at once with `TooManyListenersError`, so a flood of users cannot
   * grow the process's memory without bound.
   */
  readonly maxWaits?: number;
  /**
   * Receives errors of `onTimeout` hooks (default: `console.error`). Nothing awaits it: what it
   * throws or rejects with is logged.
   */
  readonly onError?: (error: unknown) => void;
  /**
   * Told of every wait added (`1`) and ended (`-1`), e.g. to publish where waits are to other
   * instances. Runs inside `wait` and `offer`: it must be quick and must not throw.
   */
  readonly onChange?: (match: MatchScope, delta: 1 | -1) => void;
}

/** What {@link ListenerRegistry.offer} did with an update. */
export type Offer<T> =
  | { readonly claimed: false }
  | { readonly claimed: true; readonly by: "wait"; readonly match: WaitMatch<T> }
  | {
      readonly claimed: true;
      readonly by: "otherwise";
      /** Runs the `otherwise` handler that claimed the update. */
      readonly handle: (event: T) => unknown;
    };

/** Which waits {@link ListenerRegistry.cancel} ends: a chat (optionally a topic), a user, or both. */
export interface CancelSelector {
  readonly chatId?: number;
  readonly threadId?: number;
  readonly businessConnectionId?: string;
  readonly userId?: number;
}

/** Counters since the registry was made. */
export interface ListenerStats {
  readonly pending: number;
  readonly answered: number;
  readonly timeouts: number;
  readonly cancellations: number;
}
