/**
 * Where the registry's pending waits are indexed: by bucket (the exact scope an update probes),
 * by group (a chat, or a user outside any chat: the caps and `cancel`), and by numeric chat and
 * user id (the quick "nobody waits here" every update asks first).
 *
 * @module
 */
import type { CancelTimer } from "../clock.js";
import { InvalidArgumentError, TooManyListenersError } from "../errors.js";
import { chatBase, describeMatch, type MatchScope, type WaitMatch } from "./match.js";

/**
 * The waits of a chat (or of a user alone, for chat-less waits), as an intrusive list: the caps
 * and `cancel` need them without a scan of the registry, and a list costs no allocation per wait.
 */
export interface Group<T> {
  readonly key: string;
  size: number;
  head: Listener<T> | undefined;
}

/** One pending wait, with its place in the index and what ends it. */
export interface Listener<T> {
  readonly match: WaitMatch<T>;
  /** Its bucket's key (`waitIndexKey`). */
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

/** The caps a {@link WaitIndex} enforces when a wait joins its group. */
export interface WaitCaps {
  readonly maxPerUser: number;
  readonly maxPerChat: number;
}

/** The index of the pending waits of one registry; it indexes, the registry ends waits. */
export class WaitIndex<T> {
  readonly #buckets = new Map<string, Listener<T>[]>();
  readonly #groups = new Map<string, Group<T>>();
  /**
   * How many waits each chat id has, and each user id has outside any chat. Most offered updates
   * match no wait; these numeric keys turn them away before any key string is built.
   */
  readonly #chatWaits = new Map<number, number>();
  readonly #userWaits = new Map<number, number>();
  readonly #caps: WaitCaps;
  #size = 0;

  constructor(caps: WaitCaps) {
    this.#caps = caps;
  }

  /** Pending waits. */
  get size(): number {
    return this.#size;
  }

  /** Whether some wait is in chat `chatId` (any business connection or topic). */
  hasChat(chatId: number): boolean {
    return this.#chatWaits.has(chatId);
  }

  /** Whether user `userId` has a wait outside any chat. */
  hasUser(userId: number): boolean {
    return this.#userWaits.has(userId);
  }

  /** The waits of one exact scope, in the order they came. */
  bucket(key: string): readonly Listener<T>[] | undefined {
    return this.#buckets.get(key);
  }

  /** The waits of a chat, or of a user outside any chat; see {@link groupKey}. */
  group(key: string): Group<T> | undefined {
    return this.#groups.get(key);
  }

  /** Every pending wait. */
  all(): Listener<T>[] {
    return [...this.#buckets.values()].flat();
  }

  /** The group a wait with `match` would join, checking the caps; made only once it may join. */
  groupFor(match: WaitMatch<T>): Group<T> {
    const key = groupKey(match);
    const { maxPerUser, maxPerChat } = this.#caps;
    const group = this.#groups.get(key);
    if (group !== undefined) {
      const chatLimit = match.chatId === undefined ? maxPerUser : maxPerChat;
      if (group.size >= chatLimit) throw new TooManyListenersError(describeMatch(match), chatLimit);
      if (match.chatId !== undefined && match.userId !== undefined) {
        let ofUser = 0;
        for (const other of members(group)) if (other.match.userId === match.userId) ofUser++;
        if (ofUser >= maxPerUser) throw new TooManyListenersError(describeMatch(match), maxPerUser);
      }
      return group;
    }
    const created: Group<T> = { key, size: 0, head: undefined };
    this.#groups.set(key, created);
    return created;
  }

  add(listener: Listener<T>): void {
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
  }

  /** Takes a wait out of the index; false when it was not in it (it had ended already). */
  remove(listener: Listener<T>): boolean {
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
    this.#size--;
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
}

/** A group's waits, newest first, safe to end while walking (the list is copied). */
export function members<T>(group: Group<T>): Listener<T>[] {
  const out: Listener<T>[] = [];
  for (let at = group.head; at !== undefined; at = at.next) out.push(at);
  return out;
}

/**
 * The key of the group of a scope: its chat (with the business connection), or its user when it
 * has no chat. Throws `InvalidArgumentError` when it has neither.
 */
export function groupKey(
  scope: Pick<MatchScope, "chatId" | "userId" | "businessConnectionId">,
): string {
  if (scope.chatId !== undefined) return chatBase(scope.chatId, scope.businessConnectionId);
  if (scope.userId === undefined) {
    throw new InvalidArgumentError("cancel selector", "an object with chatId or userId", scope);
  }
  return `|u${scope.userId}`;
}
