/**
 * What a wait listens for, and the index keys that let the registry find it in O(1).
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import type { UpdateKeys, UpdateKind } from "../keys.js";

/**
 * Where a wait listens: a chat (optionally its topic), a user, the message answered, and update
 * kinds. At least `chatId` or `userId` is required.
 */
export interface MatchScope {
  readonly chatId?: number | undefined;
  /** A forum topic; left out, the wait hears the whole chat. */
  readonly threadId?: number | undefined;
  /** The business connection the chat belongs to, for business messages. */
  readonly businessConnectionId?: string | undefined;
  readonly userId?: number | undefined;
  /**
   * Only updates that answer this message: a reply to it, or a press of one of its buttons.
   * Without `chatId` this is ignored.
   */
  readonly messageId?: number | undefined;
  /** Update kinds that may answer; left out, any kind. Waits on distinct kinds do not collide. */
  readonly kinds?: readonly UpdateKind[] | undefined;
}

/**
 * What a wait listens for: its `MatchScope` plus an optional predicate, bypass and
 * fallback handler.
 *
 * @typeParam T - the event the registry delivers (an `Update`, or a grammY `Context`).
 */
export interface WaitMatch<T> extends MatchScope {
  /**
   * A further test; the update is offered to less specific waits when it returns false. It gets
   * the match too, so that one shared function can serve many waits.
   */
  readonly filter?: ((event: T, match: WaitMatch<T>) => boolean) | undefined;
  /**
   * Whether the wait takes part in offering this update at all; left out, it always does. A wait
   * that does not is passed over as if it were not there: not answered, not ended by a bypass,
   * its `otherwise` not called. The grammY plugin uses it to let waits older than the dialog in
   * front of a user wait their turn.
   */
  readonly eligible?: ((event: T, match: WaitMatch<T>) => boolean) | undefined;
  /**
   * Updates that end this wait with `ListenerCancelledError` (reason "bypass") instead of answering
   * it, and then go on to the normal handlers — typically commands.
   */
  readonly bypass?: ((event: T) => boolean) | undefined;
  /**
   * Handles updates in this wait's scope that match neither its kinds nor its filter. Without it
   * they are not claimed and flow on to the normal handlers.
   */
  readonly otherwise?: ((event: T) => unknown) | undefined;
  /**
   * Called when the wait ends without an answer (timeout, cancel, bypass, duplicate, shutdown),
   * just before its promise rejects with `error`. It observes; its own errors are reported.
   */
  readonly onEnd?: ((error: Error, match: WaitMatch<T>) => void) | undefined;
}

/** The chat part of every key: business connection and chat, without the topic. */
export function chatBase(chatId: number, businessConnectionId: string | undefined): string {
  return businessConnectionId === undefined ? `c${chatId}` : `b${businessConnectionId}:c${chatId}`;
}

/** The key of the bucket a wait sits in. */
export function waitIndexKey(match: MatchScope): string {
  if (match.chatId === undefined) {
    if (match.userId === undefined) {
      throw new InvalidArgumentError("wait match", "an object with chatId or userId", match);
    }
    return `|u${match.userId}`;
  }
  let key = chatBase(match.chatId, match.businessConnectionId);
  if (match.threadId !== undefined) key += `t${match.threadId}`;
  if (match.userId !== undefined) key += `|u${match.userId}`;
  if (match.messageId !== undefined) key += `|m${match.messageId}`;
  return key;
}

/**
 * The bucket keys an update can reach, most specific first: chat+user+message, chat+user,
 * chat+message, chat — each in the update's topic before the whole chat — then user alone.
 */
export function probeKeys(keys: UpdateKeys, base: string | undefined): string[] {
  const out: string[] = [];
  if (base !== undefined) {
    const chats = keys.threadId === undefined ? [base] : [`${base}t${keys.threadId}`, base];
    const user = keys.userId === undefined ? undefined : `|u${keys.userId}`;
    const message = keys.replyToMessageId === undefined ? undefined : `|m${keys.replyToMessageId}`;
    if (user !== undefined && message !== undefined)
      for (const c of chats) out.push(c + user + message);
    if (user !== undefined) for (const c of chats) out.push(c + user);
    if (message !== undefined) for (const c of chats) out.push(c + message);
    out.push(...chats);
  }
  if (keys.userId !== undefined) out.push(`|u${keys.userId}`);
  return out;
}

/** A wait's scope in words, for error messages. */
export function describeMatch(match: MatchScope): string {
  const parts: string[] = [];
  if (match.businessConnectionId !== undefined) {
    parts.push(`business connection ${match.businessConnectionId}`);
  }
  if (match.chatId !== undefined) parts.push(`chat ${match.chatId}`);
  if (match.threadId !== undefined) parts.push(`topic ${match.threadId}`);
  if (match.userId !== undefined) parts.push(`user ${match.userId}`);
  if (match.messageId !== undefined) parts.push(`answers to message ${match.messageId}`);
  if (match.kinds !== undefined) parts.push(`kinds ${match.kinds.join("/")}`);
  return parts.join(", ");
}

/** Two waits in one bucket collide when they listen for the same kinds. */
export function sameKinds(a: MatchScope, b: MatchScope): boolean {
  const x = a.kinds;
  const y = b.kinds;
  if (x === undefined || y === undefined) return x === y;
  return x.length === y.length && x.every((kind) => y.includes(kind));
}
