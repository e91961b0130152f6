/**
 * Live in-process waits for updates, indexed by scope so that each update finds its waiter in
 * O(1) however many waits are pending.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { type CancelTimer, type Clock, systemClock } from "../clock.js";
import {
  type CancelReason,
  InvalidArgumentError,
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
  WaitOptions,
} from "./types.js";

export type { CancelSelector, ListenerRegistryOptions, ListenerStats, Offer, WaitOptions };

/**
 * The waits of a chat (or of a user alone, for chat-less waits), as an intrusive list: the caps
 * and `cancel` need them without a scan of the registry, and a list costs no allocation per wait.
 */
interface Group<T> {
  readonly key: string;
  size: number;
  head: Listener<T> | undefined;
}

interface Listener<T> {
  readonly match: WaitMatch<T>;
  readonly key: string;
  readonly group: Group<T>;
  previous: Listener<T> | undefined;
  next: Listener<T> | undefined;
  /** A listener from `listen`: it stays after delivering an update. */
  readonly persistent: boolean;
  resolve(event: T): void;
  reject(error: Error): void;
  stopTimer: CancelTimer | undefined;
  stopAbort: (() => void) | undefined;
}

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
  readonly #buckets = new Map<string, Listener<T>[]>();
  /** Waits per chat and per user in a chat (or per user alone): caps, and `cancel` without a scan. */
  readonly #groups = new Map<string, Group<T>>();
  /**
   * How many waits each chat id has, and each user id has outside any chat. Most offered updates
   * match no wait; these numeric keys turn them away before any key string is built.
   */
  readonly #chatWaits = new Map<number, number>();
  readonly #userWaits = new Map<number, number>();
  readonly #keysOf: (event: T) => UpdateKeys;
  readonly #clock: Clock;
  readonly #defaultTimeoutMs: number | undefined;
  readonly #maxPerUser: number;
  readonly #maxPerChat: number;
  readonly #onError: (error: unknown) => void;
  readonly #onChange: ((match: MatchScope, delta: 1 | -1) => void) | undefined;
  #size = 0;
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
    this.#maxPerUser = options.maxPerUser ?? 16;
    this.#maxPerChat = options.maxPerChat ?? 256;
    assertPositiveInteger("maxPerUser", this.#maxPerUser);
    assertPositiveInteger("maxPerChat", this.#maxPerChat);
    this.#onError = options.onError ?? ((error) => console.error("colloquy:", error));
    this.#onChange = options.onChange;
  }

  /** Pending waits. */
  get size(): number {
    return this.#size;
  }

  /** Pending waits and how earlier ones ended. */
  stats(): ListenerStats {
    return {
      pending: this.#size,
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
    const bucket = this.#buckets.get(key);
    const twin = bucket?.find((other) => sameKinds(other.match, match));
    if (twin !== undefined && options.duplicate === "reject") {
      throw new ListenerExistsError(describeMatch(match));
    }
    // The twin shares every cap group, so ending it first frees the slot the new wait takes.
    if (twin !== undefined) this.#end(twin, "duplicate");
    const group = this.#groupFor(match);
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
    this.#add(listener);
  }

  /**
   * Offers an update: the most specific matching wait receives it. Waits whose `bypass` accepts
   * it are cancelled on the way; a wait in scope with an `otherwise` handler takes what matched
   * no wait. Returns whether (and by what) the update was claimed.
   */
  offer(event: T, keys: UpdateKeys = this.#keysOf(event)): Offer<T> {
    if (this.#size === 0) return NOT_CLAIMED;
    const chatHasWaits = keys.chatId !== undefined && this.#chatWaits.has(keys.chatId);
    const userHasWaits = keys.userId !== undefined && this.#userWaits.has(keys.userId);
    if (!chatHasWaits && !userHasWaits) return NOT_CLAIMED;
    const base =
      chatHasWaits && keys.chatId !== undefined
        ? chatBase(keys.chatId, keys.businessConnectionId)
        : undefined;
    let fallback: Listener<T> | undefined;
    for (const key of probeKeys(keys, base)) {
      const bucket = this.#buckets.get(key);
      if (bucket === undefined) continue;
      // Ending a wait changes the bucket; only a bucket of several needs a copy to walk.
      for (const listener of bucket.length === 1 ? bucket : [...bucket]) {
        const match = listener.match;
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
    const group = this.#groups.get(selectorKey(selector));
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

  /** Ends every wait with reason "shutdown"; later waits reject at once. */
  shutdown(): void {
    this.#shutDown = true;
    for (const bucket of [...this.#buckets.values()]) {
      for (const listener of [...bucket]) this.#end(listener, "shutdown");
    }
  }

  /** A listener's callback runs inside `offer`: its errors must not escape into the caller. */
  #deliver(listener: Listener<T>, event: T): void {
    try {
      listener.resolve(event);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** The wait's group, checking the caps; creates the group only once the wait is allowed. */
  #groupFor(match: WaitMatch<T>): Group<T> {
    const key =
      match.chatId === undefined
        ? `|u${match.userId}`
        : chatBase(match.chatId, match.businessConnectionId);
    const group = this.#groups.get(key);
    if (group !== undefined) {
      const chatLimit = match.chatId === undefined ? this.#maxPerUser : this.#maxPerChat;
      if (group.size >= chatLimit) throw new TooManyListenersError(describeMatch(match), chatLimit);
      if (match.chatId !== undefined && match.userId !== undefined) {
        let ofUser = 0;
        for (const other of members(group)) if (other.match.userId === match.userId) ofUser++;
        if (ofUser >= this.#maxPerUser) {
          throw new TooManyListenersError(describeMatch(match), this.#maxPerUser);
        }
      }
      return group;
    }
    const created: Group<T> = { key, size: 0, head: undefined };
    this.#groups.set(key, created);
    return created;
  }

  #add(listener: Listener<T>): void {
    const bucket = this.#buckets.get(listener.key);
    if (bucket === undefined) this.#buckets.set(listener.key, [listener]);
    else bucket.push(listener);
    const group = listener.group;
    listener.next = group.head;
    if (group.head !== undefined) group.head.previous = listener;
    group.head = listener;
    group.size++;
    this.#count(listener.match, 1);
    this.#size++;
    this.#onChange?.(listener.match, 1);
  }

  /** Unindexes a wait and stops its timer; false when it had already ended. */
  #remove(listener: Listener<T>): boolean {
    const bucket = this.#buckets.get(listener.key);
    const at = bucket?.indexOf(listener) ?? -1;
    if (bucket === undefined || at < 0) return false;
    if (bucket.length === 1) this.#buckets.delete(listener.key);
    else bucket.splice(at, 1);
    const group = listener.group;
    if (listener.previous === undefined) group.head = listener.next;
    else listener.previous.next = listener.next;
    if (listener.next !== undefined) listener.next.previous = listener.previous;
    listener.previous = undefined;
    listener.next = undefined;
    if (--group.size === 0) this.#groups.delete(group.key);
    this.#count(listener.match, -1);
    listener.stopTimer?.();
    listener.stopAbort?.();
    this.#size--;
    this.#onChange?.(listener.match, -1);
    return true;
  }

  #count(match: MatchScope, delta: 1 | -1): void {
    const counts = match.chatId === undefined ? this.#userWaits : this.#chatWaits;
    const id = match.chatId ?? match.userId;
    if (id === undefined) return;
    const count = (counts.get(id) ?? 0) + delta;
    if (count === 0) counts.delete(id);
    else counts.set(id, count);
  }

  #end(listener: Listener<T>, reason: CancelReason, cause?: unknown): void {
    if (!this.#remove(listener)) return;
    this.#cancellations++;
    const scope = describeMatch(listener.match);
    const options = cause === undefined ? undefined : { cause };
    this.#fail(listener, new ListenerCancelledError(scope, reason, options));
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

/** A group's waits, newest first, safe to end while walking (the list is copied). */
function members<T>(group: Group<T>): Listener<T>[] {
  const out: Listener<T>[] = [];
  for (let at = group.head; at !== undefined; at = at.next) out.push(at);
  return out;
}

function selectorKey(selector: CancelSelector): string {
  if (selector.chatId === undefined) {
    if (selector.userId === undefined) {
      throw new InvalidArgumentError(
        "cancel selector",
        "an object with chatId or userId",
        selector,
      );
    }
    return `|u${selector.userId}`;
  }
  return chatBase(selector.chatId, selector.businessConnectionId);
}
