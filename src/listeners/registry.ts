/**
 * Live in-process waits for updates, indexed by scope so that each update finds its waiter in
 * O(1) however many waits are pending.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { type Clock, systemClock } from "../clock.js";
import { detachedHook } from "../detached.js";
import {
  type CancelReason,
  ListenerCancelledError,
  ListenerExistsError,
  ListenerTimeoutError,
  TooManyListenersError,
} from "../errors.js";
import { type UpdateKeys, updateKeys } from "../keys.js";
import { assertDurationMs, assertPositiveInteger } from "../validate.js";
import {
  chatBase,
  describeMatch,
  type MatchScope,
  probeKeys,
  sameKinds,
  type WaitMatch,
  waitIndexKey,
} from "./match.js";
import type {
  CancelSelector,
  ListenerRegistryOptions,
  ListenerStats,
  Offer,
  WaitHandle,
  WaitOptions,
} from "./types.js";
import { groupKey, type Listener, members, WaitIndex } from "./wait-index.js";

export type {
  CancelSelector,
  ListenerRegistryOptions,
  ListenerStats,
  Offer,
  WaitHandle,
  WaitOptions,
};

const NOT_CLAIMED = { claimed: false } as const;

/**
 * Waits for updates by scope and hands each offered update to at most one waiter: the most
 * specific one (chat+user+message, chat+user, chat+message, chat, then user alone).
 *
 * @example
 * ```ts
 * const registry = new ListenerRegistry();
 * const reply = registry.wait({ chatId: 5, userId: 7 }, { timeoutMs: 60_000 });
 * registry.offer(update); // → { claimed: true, by: "wait" } when it is user 7's in chat 5
 * console.log((await reply).message?.text);
 * ```
 */
export class ListenerRegistry<T = Update> {
  readonly #index: WaitIndex<T>;
  readonly #keysOf: (event: T) => UpdateKeys;
  readonly #clock: Clock;
  readonly #defaultTimeoutMs: number | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #onChange: ((match: MatchScope, delta: 1 | -1) => void) | undefined;
  readonly #maxWaits: number;
  #answered = 0;
  #timeouts = 0;
  #cancellations = 0;
  #shutDown = false;

  constructor(options: ListenerRegistryOptions<T> = {}) {
    this.#keysOf = options.keysOf ?? ((event) => updateKeys(event as Update));
    this.#clock = options.clock ?? systemClock;
    if (options.defaultTimeoutMs !== undefined) {
      assertDurationMs("defaultTimeoutMs", options.defaultTimeoutMs);
    }
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    const maxPerUser = options.maxPerUser ?? 16;
    const maxPerChat = options.maxPerChat ?? 256;
    assertPositiveInteger("maxPerUser", maxPerUser);
    assertPositiveInteger("maxPerChat", maxPerChat);
    this.#maxWaits = options.maxWaits ?? 100_000;
    assertPositiveInteger("maxWaits", this.#maxWaits);
    this.#index = new WaitIndex({ maxPerUser, maxPerChat });
    // Called from timers and hooks nothing awaits: a throwing one would be an unhandled rejection.
    this.#onError = detachedHook(
      "the registry's onError",
      options.onError ?? ((error) => console.error("colloquy:", error)),
    );
    this.#onChange = options.onChange;
  }

  /** Pending waits. */
  get size(): number {
    return this.#index.size;
  }

  /** Pending waits and how earlier ones ended. */
  stats(): ListenerStats {
    return {
      pending: this.#index.size,
      answered: this.#answered,
      timeouts: this.#timeouts,
      cancellations: this.#cancellations,
    };
  }

  /**
   * Waits for the next update that matches. Rejects with `ListenerTimeoutError`,
   * `ListenerCancelledError`, `ListenerExistsError` or `TooManyListenersError`.
   */
  wait(match: WaitMatch<T>, options: WaitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        this.#register(match, options, resolve, reject, false);
      } catch (error) {
        this.#fail({ match, reject }, error as Error);
      }
    });
  }

  /**
   * Like {@link wait}, but the listener stays after an update: `onEvent` receives every matching
   * update until the listener is cancelled (signal, `cancel`, bypass, a duplicate, shutdown). The
   * promise never resolves; it rejects with the `ListenerCancelledError` that ended it. No timeout.
   */
  listen(
    match: WaitMatch<T>,
    onEvent: (event: T) => void,
    options: Omit<WaitOptions, "timeoutMs" | "onTimeout"> = {},
  ): Promise<never> {
    return new Promise<never>((_, reject) => {
      try {
        this.#register(match, options, onEvent, reject, true);
      } catch (error) {
        this.#fail({ match, reject }, error as Error);
      }
    });
  }

  #register(
    match: WaitMatch<T>,
    options: WaitOptions,
    resolve: (event: T) => void,
    reject: (error: Error) => void,
    persistent: boolean,
  ): void {
    const key = waitIndexKey(match);
    if (this.#shutDown) throw new ListenerCancelledError(describeMatch(match), "shutdown");
    if (options.signal?.aborted) {
      throw new ListenerCancelledError(describeMatch(match), "cancelled", {
        cause: options.signal.reason,
      });
    }
    const timeoutMs = persistent ? undefined : (options.timeoutMs ?? this.#defaultTimeoutMs);
    if (timeoutMs !== undefined) assertDurationMs("timeoutMs", timeoutMs);
    const bucket = this.#index.bucket(key);
    const twin = bucket?.find((other) => sameKinds(other.match, match));
    if (twin !== undefined && options.duplicate === "reject") {
      throw new ListenerExistsError(describeMatch(match));
    }
    // The twin shares every cap group, so ending it first frees the slot the new wait takes.
    if (twin !== undefined) this.#end(twin, "duplicate");
    if (this.#index.size >= this.#maxWaits) {
      throw new TooManyListenersError("this process (maxWaits)", this.#maxWaits);
    }
    const group = this.#index.groupFor(match);
    const listener: Listener<T> = {
      match,
      key,
      group,
      previous: undefined,
      next: undefined,
      persistent,
      resolve,
      reject,
      stopTimer: undefined,
      stopAbort: undefined,
    };
    if (timeoutMs !== undefined) {
      listener.stopTimer = this.#clock.setTimer(timeoutMs, () =>
        this.#timeout(listener, timeoutMs, options.onTimeout),
      );
    }
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => this.#end(listener, "cancelled", signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      listener.stopAbort = () => signal.removeEventListener("abort", onAbort);
    }
    if (options.handle !== undefined) options.handle.current = listener;
    this.#add(listener);
  }

  /**
   * Offers an update: the most specific matching wait receives it. Waits whose `bypass` accepts
   * it are cancelled on the way; a wait in scope with an `otherwise` handler takes what matched
   * no wait; waits not `eligible` for it are passed over. Returns whether (and by what) the
   * update was claimed.
   */
  offer(event: T, keys: UpdateKeys = this.#keysOf(event)): Offer<T> {
    if (this.#index.size === 0) return NOT_CLAIMED;
    const chatHasWaits = keys.chatId !== undefined && this.#index.hasChat(keys.chatId);
    const userHasWaits = keys.userId !== undefined && this.#index.hasUser(keys.userId);
    if (!chatHasWaits && !userHasWaits) return NOT_CLAIMED;
    const base =
      chatHasWaits && keys.chatId !== undefined
        ? chatBase(keys.chatId, keys.businessConnectionId)
        : undefined;
    let fallback: Listener<T> | undefined;
    for (const key of probeKeys(keys, base)) {
      const bucket = this.#index.bucket(key);
      if (bucket === undefined) continue;
      // Ending a wait changes the bucket; only a bucket of several needs a copy to walk.
      for (const listener of bucket.length === 1 ? bucket : [...bucket]) {
        const match = listener.match;
        if (match.eligible !== undefined && !match.eligible(event, match)) continue;
        if (match.bypass?.(event)) {
          this.#end(listener, "bypass");
          continue;
        }
        const kinds = match.kinds;
        if (
          (kinds === undefined || kinds.includes(keys.kind)) &&
          (match.filter?.(event, match) ?? true)
        ) {
          this.#answered++;
          if (listener.persistent) this.#deliver(listener, event);
          else {
            this.#remove(listener);
            listener.resolve(event);
          }
          return { claimed: true, by: "wait", match };
        }
        if (match.otherwise !== undefined && fallback === undefined) fallback = listener;
      }
    }
    const handle = fallback?.match.otherwise;
    return handle === undefined ? NOT_CLAIMED : { claimed: true, by: "otherwise", handle };
  }

  /**
   * Ends the waits of a chat, a topic, a user in a chat, or a user's chat-less waits, with
   * `ListenerCancelledError`. Returns how many ended.
   */
  cancel(selector: CancelSelector, reason: CancelReason = "cancelled"): number {
    const group = this.#index.group(groupKey(selector));
    if (group === undefined) return 0;
    let ended = 0;
    for (const listener of members(group)) {
      const { threadId, userId } = listener.match;
      if (selector.threadId !== undefined && threadId !== selector.threadId) continue;
      if (selector.userId !== undefined && userId !== selector.userId) continue;
      this.#end(listener, reason);
      ended++;
    }
    return ended;
  }

  /**
   * Ends the wait `handle` holds with `ListenerCancelledError`, as aborting its signal would.
   * Returns whether it was still pending.
   */
  end(handle: WaitHandle, reason: CancelReason = "cancelled"): boolean {
    const listener = handle.current as Listener<T> | undefined;
    handle.current = undefined;
    return listener !== undefined && this.#end(listener, reason);
  }

  /**
   * Removes the wait `handle` holds without settling it: its promise never resolves or rejects,
   * no hook runs, and nothing of it stays in the registry. For owners that abandon a suspended
   * coroutine (a durable conversation evicted from memory). Returns whether it was pending.
   */
  drop(handle: WaitHandle): boolean {
    const listener = handle.current as Listener<T> | undefined;
    handle.current = undefined;
    return listener !== undefined && this.#remove(listener);
  }

  /** Ends every wait with reason "shutdown"; later waits reject at once. */
  shutdown(): void {
    this.#shutDown = true;
    for (const listener of this.#index.all()) this.#end(listener, "shutdown");
  }

  /** A listener's callback runs inside `offer`: its errors must not escape into the caller. */
  #deliver(listener: Listener<T>, event: T): void {
    try {
      listener.resolve(event);
    } catch (error) {
      this.#onError(error);
    }
  }

  #add(listener: Listener<T>): void {
    this.#index.add(listener);
    this.#onChange?.(listener.match, 1);
  }

  /** Unindexes a wait and stops its timer; false when it had already ended. */
  #remove(listener: Listener<T>): boolean {
    if (!this.#index.remove(listener)) return false;
    listener.stopTimer?.();
    listener.stopAbort?.();
    this.#onChange?.(listener.match, -1);
    return true;
  }

  /** Ends a wait as cancelled; false when it had already ended. */
  #end(listener: Listener<T>, reason: CancelReason, cause?: unknown): boolean {
    if (!this.#remove(listener)) return false;
    this.#cancellations++;
    const scope = describeMatch(listener.match);
    const options = cause === undefined ? undefined : { cause };
    this.#fail(listener, new ListenerCancelledError(scope, reason, options));
    return true;
  }

  /** Rejects a wait (or a refused one), telling its `onEnd` first. */
  #fail(listener: Pick<Listener<T>, "match" | "reject">, error: Error): void {
    try {
      listener.match.onEnd?.(error, listener.match);
    } catch (hookError) {
      this.#onError(hookError);
    }
    listener.reject(error);
  }

  #timeout(listener: Listener<T>, timeoutMs: number, onTimeout: (() => unknown) | undefined): void {
    listener.stopTimer = undefined;
    if (!this.#remove(listener)) return;
    this.#timeouts++;
    try {
      const result = onTimeout?.();
      if (result instanceof Promise) result.catch(this.#onError);
    } catch (error) {
      this.#onError(error);
    }
    this.#fail(listener, new ListenerTimeoutError(describeMatch(listener.match), timeoutMs));
  }
}
