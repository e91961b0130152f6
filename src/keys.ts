/**
 * Who and where an update is about, read from any Bot API update kind, and the scope keys built
 * from that. A value the update does not carry stays `undefined`; a scope that needs it is
 * `undefined` too — never the string "undefined", which would lump unrelated updates together.
 *
 * @module
 */
import type { Chat, Message, Update, User } from "@grammyjs/types";

/** The kind of an update: the name of its one field besides `update_id`, e.g. `"message"`. */
export type UpdateKind = Exclude<keyof Update, "update_id">;

/** The identifiers an update carries; see {@link updateKeys}. */
export interface UpdateKeys {
  /** The update kind; for a kind newer than this library, the unknown field's name. */
  readonly kind: UpdateKind;
  readonly chatId?: number;
  /** The user who acted: the sender, the presser of a button, the voter, the joiner. */
  readonly userId?: number;
  /** The forum topic (`message_thread_id` of a topic message), when the update is in one. */
  readonly threadId?: number;
  /** The update's own message, or the message a button press or reaction is on. */
  readonly messageId?: number;
  /**
   * The message this update responds to: the one a message replies to, or the one whose inline
   * button was pressed. Waits for "an answer to this prompt" match on it.
   */
  readonly replyToMessageId?: number;
  readonly businessConnectionId?: string;
  /** Set on button presses under messages sent in inline mode, which have no chat. */
  readonly inlineMessageId?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fromMessage(keys: Mutable<UpdateKeys>, message: Message, user?: User): void {
  keys.chatId = message.chat.id;
  keys.messageId = message.message_id;
  const sender = user ?? message.from;
  if (sender !== undefined) keys.userId = sender.id;
  if (message.is_topic_message && message.message_thread_id !== undefined) {
    keys.threadId = message.message_thread_id;
  }
  if (message.business_connection_id !== undefined) {
    keys.businessConnectionId = message.business_connection_id;
  }
}

function fromChatUser(keys: Mutable<UpdateKeys>, chat: Chat | undefined, user?: User): void {
  if (chat !== undefined) keys.chatId = chat.id;
  if (user !== undefined) keys.userId = user.id;
}

/**
 * Reads the chat, user, topic, message and business-connection ids of any update.
 *
 * @example
 * ```ts
 * updateKeys({ update_id: 1, message: { message_id: 5, date: 0, chat: { id: 7, type: "private",
 *   first_name: "A" }, from: { id: 7, is_bot: false, first_name: "A" }, text: "hi" } });
 * // → { kind: "message", chatId: 7, userId: 7, messageId: 5 }
 * ```
 */
export function updateKeys(update: Update): UpdateKeys {
  const kind = kindOf(update);
  const keys: Mutable<UpdateKeys> = { kind };
  const u = update;
  const message =
    u.message ??
    u.edited_message ??
    u.channel_post ??
    u.edited_channel_post ??
    u.business_message ??
    u.edited_business_message ??
    u.guest_message;
  if (message !== undefined) {
    fromMessage(keys, message);
    const replied = message.reply_to_message;
    if (replied !== undefined) keys.replyToMessageId = replied.message_id;
  } else if (u.callback_query !== undefined) {
    const q = u.callback_query;
    keys.userId = q.from.id;
    if (q.message !== undefined) {
      fromMessage(keys, q.message as Message, q.from);
      keys.replyToMessageId = q.message.message_id;
    }
    if (q.inline_message_id !== undefined) keys.inlineMessageId = q.inline_message_id;
  } else if (u.inline_query !== undefined) {
    keys.userId = u.inline_query.from.id;
  } else if (u.chosen_inline_result !== undefined) {
    keys.userId = u.chosen_inline_result.from.id;
    const id = u.chosen_inline_result.inline_message_id;
    if (id !== undefined) keys.inlineMessageId = id;
  } else if (u.message_reaction !== undefined) {
    const r = u.message_reaction;
    fromChatUser(keys, r.chat, r.user);
    keys.messageId = r.message_id;
  } else if (u.message_reaction_count !== undefined) {
    fromChatUser(keys, u.message_reaction_count.chat);
    keys.messageId = u.message_reaction_count.message_id;
  } else if (u.business_connection !== undefined) {
    const b = u.business_connection;
    keys.userId = b.user.id;
    keys.chatId = b.user_chat_id;
    keys.businessConnectionId = b.id;
  } else if (u.deleted_business_messages !== undefined) {
    fromChatUser(keys, u.deleted_business_messages.chat);
    keys.businessConnectionId = u.deleted_business_messages.business_connection_id;
  } else if (u.stopped_message_generation !== undefined) {
    const s = u.stopped_message_generation;
    fromChatUser(keys, s.chat);
    if (s.message_thread_id !== undefined) keys.threadId = s.message_thread_id;
  } else {
    readOtherKinds(keys, u);
  }
  return keys;
}

function readOtherKinds(keys: Mutable<UpdateKeys>, u: Update): void {
  const userOnly =
    u.shipping_query?.from ??
    u.pre_checkout_query?.from ??
    u.purchased_paid_media?.from ??
    u.managed_bot?.user ??
    u.subscription?.user;
  if (userOnly !== undefined) {
    keys.userId = userOnly.id;
    return;
  }
  const member = u.my_chat_member ?? u.chat_member ?? u.chat_join_request;
  const boost = u.chat_boost ?? u.removed_chat_boost;
  if (member !== undefined) fromChatUser(keys, member.chat, member.from);
  else if (boost !== undefined) fromChatUser(keys, boost.chat);
  else if (u.poll_answer !== undefined) {
    fromChatUser(keys, u.poll_answer.voter_chat, u.poll_answer.user);
  }
  // `poll` carries neither chat nor user; unknown kinds carry nothing we can trust.
}

/** The kind of an update: its one field besides `update_id`. */
export function kindOf(update: Update): UpdateKind {
  for (const key in update) {
    if (key !== "update_id") return key as UpdateKind;
  }
  throw new TypeError("An update must have a field besides update_id; got none.");
}

/**
 * A scope turns an update's keys into the string that groups updates together (for a wait, a
 * lock, a state record), or `undefined` when the update lacks what the scope needs.
 */
export type Scope = (keys: UpdateKeys) => string | undefined;

function chatPart(keys: UpdateKeys): string | undefined {
  if (keys.chatId === undefined) return undefined;
  const chat = `chat:${keys.chatId}`;
  return keys.businessConnectionId === undefined
    ? chat
    : `biz:${keys.businessConnectionId}/${chat}`;
}

function topicPart(keys: UpdateKeys): string | undefined {
  const chat = chatPart(keys);
  if (chat === undefined || keys.threadId === undefined) return chat;
  return `${chat}/topic:${keys.threadId}`;
}

/**
 * The built-in scopes.
 * - `chat`: the whole chat (all its topics), within its business connection if any.
 * - `topic`: the chat's forum topic when the update is in one, else the chat.
 * - `user`: the user, across chats.
 * - `userInChat`: the user in the chat's topic — the default scope of a conversation.
 *
 * @example
 * ```ts
 * scopes.userInChat(updateKeys(ctx.update)); // "chat:-100123/topic:5/user:42"
 * ```
 */
export const scopes: {
  readonly chat: Scope;
  readonly topic: Scope;
  readonly user: Scope;
  readonly userInChat: Scope;
} = {
  chat: chatPart,
  topic: topicPart,
  user: (keys) => (keys.userId === undefined ? undefined : `user:${keys.userId}`),
  userInChat(keys) {
    const topic = topicPart(keys);
    if (topic === undefined || keys.userId === undefined) return undefined;
    return `${topic}/user:${keys.userId}`;
  },
};
