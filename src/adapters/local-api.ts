/**
 * A Bot API answered locally, with realistic results, for bots that run with no token and no
 * network: the terminal runner and the test harness both install it as a grammY API transformer.
 *
 * @module
 */
import type { Chat, Message, User, UserFromGetMe } from "@grammyjs/types";
import type { Transformer } from "grammy";

/** One Bot API call the bot made, with the result it was given. */
export interface ApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
  readonly result: unknown;
}

/** Options of {@link LocalBotApi}. */
export interface LocalBotApiOptions {
  /** The bot's own user, returned by getMe and used as the sender of its messages. */
  readonly me?: User & { username: string };
  /** Seconds since the epoch for message dates; defaults to the real time. */
  readonly nowSeconds?: () => number;
}

/** The bot user a local API reports unless told otherwise. */
export const localBotUser: User & { username: string } = {
  id: 424242,
  is_bot: true,
  first_name: "colloquy demo",
  username: "colloquy_demo_bot",
};

/**
 * Answers Bot API calls in memory. Sent messages get increasing ids per chat and are kept so that
 * edits return the edited message; methods it does not model answer `true`, which is what most
 * Bot API methods return, and are flagged by {@link ApiCall} so renderers can show a notice.
 *
 * @example
 * ```ts
 * const api = new LocalBotApi();
 * const bot = new Bot("local", { botInfo: api.botInfo });
 * bot.api.config.use(api.transformer);
 * api.onCall((call) => console.log(call.method, call.payload));
 * ```
 */
export class LocalBotApi {
  /** Every call so far, oldest first. */
  readonly calls: ApiCall[] = [];
  readonly #me: User & { username: string };
  readonly #now: () => number;
  readonly #messages = new Map<string, Message>();
  readonly #nextId = new Map<number, number>();
  readonly #listeners = new Set<(call: ApiCall) => void>();

  constructor(options: LocalBotApiOptions = {}) {
    this.#me = options.me ?? localBotUser;
    this.#now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  /** What grammY's `Bot` wants as `botInfo`, so that `bot.init()` makes no call. */
  get botInfo(): UserFromGetMe {
    return {
      ...this.#me,
      is_bot: true,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  /** Calls `listener` after each call; returns a function that stops it. */
  onCall(listener: (call: ApiCall) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Allocates the next message id in a chat, for updates the caller makes up (user messages). */
  nextMessageId(chatId: number): number {
    const id = (this.#nextId.get(chatId) ?? 0) + 1;
    this.#nextId.set(chatId, id);
    return id;
  }

  /** The grammY transformer; install it with `bot.api.config.use(api.transformer)`. */
  readonly transformer: Transformer = async (_prev, method, payload) => {
    const result = this.call(method, (payload ?? {}) as Record<string, unknown>);
    return { ok: true, result } as never;
  };

  /** Answers one call and records it. */
  call(method: string, payload: Record<string, unknown>): unknown {
    const result = this.#answer(method, payload);
    const call: ApiCall = { method, payload, result };
    this.calls.push(call);
    for (const listener of this.#listeners) listener(call);
    return result;
  }

  #answer(method: string, payload: Record<string, unknown>): unknown {
    switch (method) {
      case "getMe":
        return this.botInfo;
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
      case "sendSticker":
      case "sendVideo":
      case "sendAudio":
      case "sendVoice":
      case "sendAnimation":
      case "sendLocation":
      case "sendPoll":
      case "sendDice":
        return this.#send(payload);
      case "editMessageText":
      case "editMessageCaption":
      case "editMessageReplyMarkup":
        return this.#edit(payload);
      case "deleteMessage":
        this.#messages.delete(messageKey(payload.chat_id, payload.message_id));
        return true;
      case "getUpdates":
        return [];
      case "getWebhookInfo":
        return { url: "", has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }

  #send(payload: Record<string, unknown>): Message {
    const chatId = Number(payload.chat_id);
    const message = {
      message_id: this.nextMessageId(chatId),
      date: this.#now(),
      chat: chatOf(chatId),
      from: this.#me,
      ...pick(payload, ["text", "caption", "entities", "reply_markup"]),
      ...(typeof payload.message_thread_id === "number"
        ? { message_thread_id: payload.message_thread_id, is_topic_message: true }
        : {}),
      ...(typeof payload.business_connection_id === "string"
        ? { business_connection_id: payload.business_connection_id }
        : {}),
    } as Message;
    this.#messages.set(messageKey(chatId, message.message_id), message);
    return message;
  }

  #edit(payload: Record<string, unknown>): Message | true {
    if (payload.inline_message_id !== undefined) return true;
    const key = messageKey(payload.chat_id, payload.message_id);
    const old = this.#messages.get(key);
    const edited = {
      ...(old ?? {
        message_id: Number(payload.message_id),
        date: this.#now(),
        chat: chatOf(Number(payload.chat_id)),
        from: this.#me,
      }),
      ...pick(payload, ["text", "caption", "entities", "reply_markup"]),
      edit_date: this.#now(),
    } as Message;
    this.#messages.set(key, edited);
    return edited;
  }
}

function messageKey(chatId: unknown, messageId: unknown): string {
  return `${String(chatId)}:${String(messageId)}`;
}

function chatOf(id: number): Chat {
  return id < 0
    ? ({ id, type: "supergroup", title: "local group" } as Chat)
    : ({ id, type: "private", first_name: "local user" } as Chat);
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
