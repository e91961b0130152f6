/**
 * A Bot API answered locally, with realistic results, for bots that run with no token and no
 * network: the terminal runner and the test harness both install it as a grammY API transformer.
 *
 * @module
 */
import type {
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  User,
  UserFromGetMe,
} from "@grammyjs/types";
import type { Api, Transformer } from "grammy";
import { formatText } from "./formatting/format.js";
import { refusalOf } from "./telegram-limits.js";

/** One Bot API call the bot made, with the result it was given. */
export interface ApiCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
  readonly result: unknown;
  /** The message as it was before an edit or a deletion, when the API had it. */
  readonly previous?: Message;
}

/** What the Bot API answers a call with: its result, or why it refused the call. */
export type ApiResponse =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error_code: number; readonly description: string };

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

// The field a sent file lands in, by method.
const fileFields: Readonly<Record<string, string>> = {
  sendPhoto: "photo",
  sendDocument: "document",
  sendVideo: "video",
  sendAudio: "audio",
  sendVoice: "voice",
  sendAnimation: "animation",
  sendVideoNote: "video_note",
  sendSticker: "sticker",
};

type LooseCall = (method: string, payload: unknown, signal?: AbortSignal) => Promise<unknown>;

/**
 * Answers Bot API calls in memory. Sent messages get increasing ids per chat and are kept so that
 * edits return the edited message; like Telegram, `parse_mode` is applied (messages come back as
 * text plus entities), only inline keyboards are kept on messages, an edit without
 * `reply_markup` removes the inline keyboard, and calls that break Telegram's limits (a text over
 * 4096 characters, a caption over 1024, `callback_data` over 64 bytes, an empty text) fail with
 * Telegram's 400 error, so a bot that works here does not fail there. Methods it does not model
 * answer `true`, which is what most Bot API methods return. Everything is kept in memory for the
 * life of the object: it is meant for local runs and tests, not for long-lived servers.
 *
 * @example
 * ```ts
 * const api = new LocalBotApi();
 * const bot = new Bot("local", { botInfo: api.botInfo });
 * api.install(bot.api);
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
  readonly #chats = new Map<number, Chat>();
  readonly #listeners = new Set<(call: ApiCall) => void>();
  #files = 0;

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

  /**
   * Tells the API about a chat, so that messages sent there carry it (its type, title, names).
   * Chats it was not told about are made up from the id: private when positive, a supergroup
   * when negative.
   */
  rememberChat(chat: Chat): void {
    this.#chats.set(chat.id, chat);
  }

  /** A message the bot sent, as it is now (after edits), or `undefined` when unknown or deleted. */
  message(chatId: number, messageId: number): Message | undefined {
    return this.#messages.get(messageKey(chatId, messageId));
  }

  /**
   * The grammY transformer, which answers every call itself. Prefer {@link LocalBotApi.install},
   * which also keeps the transformers installed before it working.
   */
  readonly transformer: Transformer = async (_prev, method, payload) =>
    this.respond(method, (payload ?? {}) as Record<string, unknown>) as never;

  /**
   * Makes `api` (a bot's `bot.api`) answer locally. The transformers installed on it before
   * (auto-retry, a default parse mode, ...) still run, in their order, around the local answer
   * instead of around the network; those installed after run around it as usual. `bot.handleUpdate`
   * copies them to each `ctx.api`.
   */
  install(api: Api): void {
    const earlier = [...api.config.installedTransformers()] as unknown as ((
      prev: LooseCall,
      ...args: Parameters<LooseCall>
    ) => Promise<unknown>)[];
    const local: LooseCall = async (method, payload) =>
      this.respond(method, (payload ?? {}) as Record<string, unknown>);
    const chain = earlier.reduce<LooseCall>(
      (prev, transformer) => (method, payload, signal) =>
        transformer(prev, method, payload, signal),
      local,
    );
    const innermost = (_network: LooseCall, ...[method, payload, signal]: Parameters<LooseCall>) =>
      chain(method, payload, signal);
    api.config.use(innermost as never);
  }

  /**
   * Answers one call as the Bot API would: a call that Telegram refuses (see
   * {@link LocalBotApi}) gets its 400 error and is neither carried out nor recorded; any other is
   * answered and recorded.
   */
  respond(method: string, payload: Record<string, unknown>): ApiResponse {
    const refusal = refusalOf(method, payload);
    if (refusal !== undefined) {
      return { ok: false, error_code: 400, description: `Bad Request: ${refusal}` };
    }
    return { ok: true, result: this.#carryOut(method, payload) };
  }

  #carryOut(method: string, payload: Record<string, unknown>): unknown {
    const previous =
      method.startsWith("edit") || method === "deleteMessage"
        ? this.#messages.get(messageKey(payload.chat_id, payload.message_id))
        : undefined;
    const result = this.#answer(method, payload);
    const call: ApiCall = { method, payload, result, ...(previous ? { previous } : {}) };
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
      case "sendVideoNote":
      case "sendContact":
      case "sendVenue":
        return this.#send(method, payload);
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

  #send(method: string, payload: Record<string, unknown>): Message {
    const chatId = Number(payload.chat_id);
    const message = {
      message_id: this.nextMessageId(chatId),
      date: this.#now(),
      chat: this.#chat(chatId),
      from: this.#me,
      ...content(payload),
      ...this.#file(method, payload),
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
    const known: Partial<Message> = this.#messages.get(key) ?? {
      message_id: Number(payload.message_id),
      date: this.#now(),
      chat: this.#chat(Number(payload.chat_id)),
      from: this.#me,
    };
    const { reply_markup: _, ...old }: Record<string, unknown> = { ...known };
    const fresh = content(payload);
    // New text brings its own entities (or none); the old ones must not stay on it.
    if (fresh.text !== undefined) delete old.entities;
    if (fresh.caption !== undefined) delete old.caption_entities;
    const edited = { ...old, ...fresh, edit_date: this.#now() } as Message;
    this.#messages.set(key, edited);
    return edited;
  }

  #chat(id: number): Chat {
    return (
      this.#chats.get(id) ??
      (id < 0
        ? ({ id, type: "supergroup", title: "local group" } as Chat)
        : ({ id, type: "private", first_name: "local user" } as Chat))
    );
  }

  #file(method: string, payload: Record<string, unknown>): Record<string, unknown> {
    const field = fileFields[method];
    if (field === undefined) return {};
    const id = `local-file-${++this.#files}`;
    const name = Reflect.get(Object(payload[field]), "filename");
    const file = {
      file_id: id,
      file_unique_id: id,
      ...(typeof name === "string" ? { file_name: name } : {}),
    };
    return { [field]: field === "photo" ? [{ ...file, width: 1280, height: 960 }] : file };
  }
}

/** The text, caption and inline keyboard of a sent or edited message, as Telegram stores them. */
function content(payload: Record<string, unknown>): Partial<Message> {
  const out: Record<string, unknown> = {};
  const entities = (field: string) => payload[field] as MessageEntity[] | undefined;
  if (typeof payload.text === "string") {
    const formatted = formatText(payload.text, payload.parse_mode, entities("entities"));
    out.text = formatted.text;
    if (formatted.entities.length > 0) out.entities = formatted.entities;
  }
  if (typeof payload.caption === "string") {
    const formatted = formatText(payload.caption, payload.parse_mode, entities("caption_entities"));
    out.caption = formatted.text;
    if (formatted.entities.length > 0) out.caption_entities = formatted.entities;
  }
  const markup = payload.reply_markup as Partial<InlineKeyboardMarkup> | undefined;
  if (markup?.inline_keyboard !== undefined) out.reply_markup = markup;
  return out as Partial<Message>;
}

function messageKey(chatId: unknown, messageId: unknown): string {
  return `${String(chatId)}:${String(messageId)}`;
}
