import type { InlineQueryResult, Message, MessageEntity } from "@grammyjs/types";
import { formatText } from "../formatting/format.js";
import type { FormattedText } from "../formatting/text.js";
import type { ApiCall } from "../local-api.js";
import { paint, styledLines } from "./ansi.js";
import { inlineKeyboardLine, replyKeyboardLine } from "./keyboards.js";

/** Where and how calls are rendered. */
export interface RenderContext {
  /** The chat the person types in; messages to other chats are labelled with theirs. */
  readonly chatId: number;
  /** Whether to use ANSI styles. */
  readonly color: boolean;
  /** How another chat is named in `bot (to NAME)>`; default `chat ID`. */
  readonly chatName?: (chatId: number) => string | undefined;
}

// Calls that change nothing a person would see in a chat.
const unseen = new Set([
  "getMe",
  "getUpdates",
  "getWebhookInfo",
  "setWebhook",
  "deleteWebhook",
  "setMyCommands",
  "deleteMyCommands",
]);

const fileKinds = [
  "photo",
  "document",
  "video",
  "audio",
  "voice",
  "animation",
  "video_note",
  "sticker",
];

/**
 * The transcript lines for one Bot API call: `bot> TEXT` for a message (`bot (edited)> TEXT` for
 * an edit), its inline buttons as `  [1] label  [2] label`, a reply keyboard as
 * `  (reply keyboard) [1] a  [2] b`, media as a `[photo]`-style placeholder, a chat action as
 * `bot (typing)`, the answer to an inline query as `bot (2 inline results)>` with a line per result
 * (`  Title: message text`), and `bot (called METHOD: not simulated)` for a method the terminal
 * does not model. Calls nobody would see (getMe, setMyCommands, ...) render as nothing.
 */
export function renderCall(call: ApiCall, context: RenderContext): string[] {
  const { method, payload, result } = call;
  const message = isMessage(result) ? result : undefined;
  if (method.startsWith("send") && message) {
    return messageLines({ context, chatId: message.chat.id }, message, call);
  }
  if (method.startsWith("editMessage")) {
    const chatId = Number(payload.chat_id ?? context.chatId);
    const shown =
      message ?? (formatText(String(payload.text ?? ""), payload.parse_mode, undefined) as Shown);
    return messageLines({ context, chatId, what: "edited" }, shown, call);
  }
  if (method === "deleteMessage") {
    const chatId = Number(payload.chat_id);
    if (call.previous === undefined) return [bot({ context, chatId, what: "deleted a message" })];
    const { reply_markup: _, ...gone } = call.previous;
    return messageLines({ context, chatId, what: "deleted" }, gone, call);
  }
  if (method === "sendChatAction") {
    return [paint(context.color, "2", `bot (${String(payload.action).replaceAll("_", " ")})`)];
  }
  if (method === "answerCallbackQuery") {
    if (typeof payload.text !== "string" || payload.text === "") return [];
    const kind = payload.show_alert ? "alert" : "toast";
    return [`${bot({ context, chatId: context.chatId, what: kind })}> ${payload.text}`];
  }
  if (method === "answerInlineQuery") {
    return inlineResultLines(payload.results as readonly InlineQueryResult[] | undefined, context);
  }
  if (unseen.has(method)) return [];
  return [paint(context.color, "2", `bot (called ${method}: not simulated)`)];
}

type Shown = Partial<Message> & Partial<FormattedText>;

function inlineResultLines(
  results: readonly InlineQueryResult[] = [],
  context: RenderContext,
): string[] {
  const count = `${results.length} inline result${results.length === 1 ? "" : "s"}`;
  const lines = results.map((result) => {
    const title = Reflect.get(result, "title") ?? result.id;
    const content = Reflect.get(result, "input_message_content");
    const text = Reflect.get(Object(content), "message_text") ?? Reflect.get(result, "description");
    const kind = result.type === "article" ? "" : paint(context.color, "2", `[${result.type}] `);
    return `  ${kind}${String(title)}${text === undefined ? "" : `: ${String(text)}`}`;
  });
  return [`${bot({ context, chatId: context.chatId, what: count })}>`, ...lines];
}

/** Who a message line is from: `bot`, tagged with what happened and the chat when not the person's. */
interface Sender {
  readonly context: RenderContext;
  readonly chatId: number;
  readonly what?: string;
}

function messageLines(sender: Sender, message: Shown, call: ApiCall): string[] {
  const { color } = sender.context;
  const body = bodyOf(message);
  const kind = fileKinds.find((k) => k in message) ?? mediaOfMethod(call.method);
  const placeholder =
    kind === undefined ? "" : paint(color, "2", `[${kind}${fileName(message, kind)}]`);
  const [first = "", ...rest] = styledLines(body, color);
  const indent = " ".repeat(
    `${bot({ ...sender, context: { ...sender.context, color: false } })}> `.length,
  );
  return [
    `${bot(sender)}> ${placeholder}${placeholder && first ? " " : ""}${first}`,
    ...rest.map((line) => indent + line),
    ...(message.reply_markup ? inlineKeyboardLine(message.reply_markup, color) : []),
    ...replyKeyboardLine(call.payload.reply_markup, color),
  ];
}

function bodyOf(message: Shown): FormattedText {
  if (typeof message.text === "string") {
    return { text: message.text, entities: (message.entities ?? []) as readonly MessageEntity[] };
  }
  return { text: message.caption ?? "", entities: message.caption_entities ?? [] };
}

function mediaOfMethod(method: string): string | undefined {
  const kind = /^send(?!Message$)(\w+)$/.exec(method)?.[1];
  return kind?.replace(/[A-Z]/g, (c, at: number) => (at > 0 ? "_" : "") + c.toLowerCase());
}

function fileName(message: Shown, kind: string): string {
  const name = Reflect.get(Object(Reflect.get(message, kind)), "file_name");
  return typeof name === "string" ? ` ${name}` : "";
}

function bot({ context, chatId, what }: Sender): string {
  const elsewhere =
    chatId === context.chatId ? undefined : (context.chatName?.(chatId) ?? `chat ${chatId}`);
  const tags = [what, elsewhere && (what ? elsewhere : `to ${elsewhere}`)].filter(Boolean);
  return `${paint(context.color, "1", "bot")}${tags.length > 0 ? ` (${tags.join(", ")})` : ""}`;
}

function isMessage(value: unknown): value is Message {
  return typeof value === "object" && value !== null && "message_id" in value && "chat" in value;
}
