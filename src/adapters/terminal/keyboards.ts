import type {
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  KeyboardButton,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "@grammyjs/types";
import type { ApiCall, LocalBotApi } from "../local-api.js";
import { paint } from "./ansi.js";

/** `[1] a  [2] b`: buttons numbered as `#N` presses them. */
function numbered(labels: readonly string[], color: boolean): string {
  return labels.map((label, i) => `${paint(color, "1;36", `[${i + 1}]`)} ${label}`).join("  ");
}

/** The line under a message that lists its inline buttons: `  [1] label  [2] label`. */
export function inlineKeyboardLine(markup: InlineKeyboardMarkup, color: boolean): string[] {
  const labels = markup.inline_keyboard.flat().map((button) => button.text);
  return labels.length === 0 ? [] : [`  ${numbered(labels, color)}`];
}

/**
 * The line that shows a reply keyboard (`  (reply keyboard) [1] a  [2] b`, numbered like inline
 * buttons since `#N` presses them too) or its removal.
 */
export function replyKeyboardLine(markup: unknown, color: boolean): string[] {
  const keyboard = replyButtons(markup);
  if (keyboard !== undefined) {
    const labels = keyboard.map(replyLabel);
    return [`  ${paint(color, "2", "(reply keyboard)")} ${numbered(labels, color)}`];
  }
  if ((markup as Partial<ReplyKeyboardRemove> | undefined)?.remove_keyboard) {
    return [`  ${paint(color, "2", "(reply keyboard removed)")}`];
  }
  return [];
}

type ReplyButton = ReplyKeyboardMarkup["keyboard"][number][number];

function replyButtons(markup: unknown): ReplyButton[] | undefined {
  return (markup as Partial<ReplyKeyboardMarkup> | undefined)?.keyboard?.flat();
}

function replyLabel(button: ReplyButton): string {
  return typeof button === "string" ? button : button.text;
}

/** What pressing a button does: a callback query or a text to send, or why nothing can be sent. */
export type Press =
  | {
      readonly kind: "callback";
      readonly message: Message;
      readonly data: string;
      /** The button's label. */
      readonly label: string;
    }
  /** A reply keyboard's button, which sends its own text as the person's message. */
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "none"; readonly reason: string };

/** A keyboard on screen: an inline one under a message, or the chat's reply keyboard. */
type Shown =
  | { readonly kind: "inline"; readonly messageId: number }
  | { readonly kind: "reply"; readonly buttons: readonly ReplyButton[] };

// How many inline keyboard messages are remembered: enough to fall back past a few removed ones.
const remembered = 20;

/**
 * Which keyboard `#N` presses: the newest one of either kind — an inline keyboard under a
 * message that still shows it, or the reply keyboard the chat shows until the bot removes or
 * replaces it. Older inline keyboards stay pressable once a newer one is removed, as they are in
 * Telegram. Only keyboards sent during this run are known: after a restart, `#N` says there is
 * none until the bot sends one again (typing a reply button's text still works).
 */
export class NewestKeyboard {
  readonly #api: LocalBotApi;
  readonly #chatId: number;
  #shown: Shown[] = [];

  constructor(api: LocalBotApi, chatId: number) {
    this.#api = api;
    this.#chatId = chatId;
  }

  /** Notes a call that showed, replaced or removed a keyboard in the chat. */
  observe(call: ApiCall): void {
    const message = call.result as Partial<Message> | undefined;
    if (message?.chat?.id !== this.#chatId || message.message_id === undefined) return;
    const markup = call.payload.reply_markup;
    const reply = replyButtons(markup);
    if (reply !== undefined || (markup as Partial<ReplyKeyboardRemove>)?.remove_keyboard) {
      this.#shown = this.#shown.filter((s) => s.kind !== "reply");
      if (reply !== undefined) this.#shown.push({ kind: "reply", buttons: reply });
    }
    if (!message.reply_markup?.inline_keyboard.length) return;
    const id = message.message_id;
    const others = this.#shown.filter((s) => s.kind === "reply" || s.messageId !== id);
    const inline = others.filter((s) => s.kind === "inline");
    const forgotten = inline.length >= remembered ? inline[0] : undefined;
    this.#shown = [...others.filter((s) => s !== forgotten), { kind: "inline", messageId: id }];
  }

  /** What pressing button `n` (1-based) of the newest keyboard does. */
  press(n: number): Press {
    const newest = this.#shown.findLast((s) => s.kind === "reply" || this.#inline(s.messageId));
    if (newest === undefined) {
      return {
        kind: "none",
        reason: "there is no keyboard to press; one sent before this run started is not known here",
      };
    }
    return newest.kind === "reply"
      ? pressReply(newest.buttons, n)
      : pressInline(this.#inline(newest.messageId) as InlineMessage, n);
  }

  #inline(messageId: number): InlineMessage | undefined {
    const message = this.#api.message(this.#chatId, messageId);
    return message?.reply_markup?.inline_keyboard.length ? (message as InlineMessage) : undefined;
  }
}

type InlineMessage = Message & { reply_markup: InlineKeyboardMarkup };

function outOfRange(count: number): Press {
  return { kind: "none", reason: `the newest keyboard has buttons 1 to ${count}` };
}

function pressInline(message: InlineMessage, n: number): Press {
  const buttons = message.reply_markup.inline_keyboard.flat();
  const button = buttons[n - 1];
  if (button === undefined) return outOfRange(buttons.length);
  if ("callback_data" in button) {
    return { kind: "callback", message, data: button.callback_data, label: button.text };
  }
  return { kind: "none", reason: `button ${n} ${inlineAction(button)}` };
}

function pressReply(buttons: readonly ReplyButton[], n: number): Press {
  const button = buttons[n - 1];
  if (button === undefined) return outOfRange(buttons.length);
  const action = replyAction(button);
  if (action === undefined) return { kind: "text", text: replyLabel(button) };
  return { kind: "none", reason: `button ${n} ${action}, which works only in a Telegram app` };
}

function inlineAction(button: InlineKeyboardButton): string {
  if ("url" in button) return `opens ${button.url}`;
  if ("copy_text" in button) return `copies "${button.copy_text.text}"`;
  return "works only in a Telegram app";
}

// What a reply button does besides sending its text, by the field that asks for it.
const replyActions: Readonly<Record<string, string>> = {
  request_contact: "shares your phone number",
  request_location: "shares your location",
  request_poll: "creates a poll",
  request_users: "shares users you pick",
  request_chat: "shares a chat you pick",
  request_managed_bot: "shares a bot you manage",
  web_app: "opens a web app",
};

function replyAction(button: KeyboardButton): string | undefined {
  const field = Object.keys(replyActions).find((key) => Reflect.get(Object(button), key));
  return field === undefined ? undefined : replyActions[field];
}
