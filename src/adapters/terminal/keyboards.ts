import type {
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "@grammyjs/types";
import type { ApiCall, LocalBotApi } from "../local-api.js";
import { paint } from "./ansi.js";

/** The line under a message that lists its inline buttons: `  [1] label  [2] label`. */
export function inlineKeyboardLine(markup: InlineKeyboardMarkup, color: boolean): string[] {
  const buttons = markup.inline_keyboard.flat();
  if (buttons.length === 0) return [];
  const labels = buttons.map((b, i) => `${paint(color, "1;36", `[${i + 1}]`)} ${b.text}`);
  return [`  ${labels.join("  ")}`];
}

/** The line that shows a reply keyboard (`  (reply keyboard) a | b`) or its removal. */
export function replyKeyboardLine(markup: unknown, color: boolean): string[] {
  const keyboard = (markup as Partial<ReplyKeyboardMarkup> | undefined)?.keyboard;
  const label = (b: ReplyKeyboardMarkup["keyboard"][number][number]) =>
    typeof b === "string" ? b : b.text;
  if (keyboard !== undefined) {
    return [`  ${paint(color, "2", "(reply keyboard)")} ${keyboard.flat().map(label).join(" | ")}`];
  }
  if ((markup as Partial<ReplyKeyboardRemove> | undefined)?.remove_keyboard) {
    return [`  ${paint(color, "2", "(reply keyboard removed)")}`];
  }
  return [];
}

/** What pressing a button does: a callback query to send, or why nothing can be sent. */
export type Press =
  | {
      readonly kind: "callback";
      readonly message: Message;
      readonly data: string;
      /** The button's label. */
      readonly label: string;
    }
  | { readonly kind: "none"; readonly reason: string };

// How many keyboard messages are remembered: enough to fall back past a few removed ones.
const remembered = 20;

/**
 * Which inline keyboard `#N` presses: the newest message in the chat that still shows one. Older
 * keyboards stay pressable once a newer one is removed, as they are in Telegram.
 */
export class NewestKeyboard {
  readonly #api: LocalBotApi;
  readonly #chatId: number;
  #messageIds: number[] = [];

  constructor(api: LocalBotApi, chatId: number) {
    this.#api = api;
    this.#chatId = chatId;
  }

  /** Notes a message that a call sent or edited, when it carries an inline keyboard. */
  observe(call: ApiCall): void {
    const message = call.result as Partial<Message> | undefined;
    if (message?.chat?.id !== this.#chatId || message.message_id === undefined) return;
    if (!message.reply_markup?.inline_keyboard.length) return;
    const id = message.message_id;
    this.#messageIds = [...this.#messageIds.filter((m) => m !== id), id].slice(-remembered);
  }

  /** What pressing button `n` (1-based) of the newest inline keyboard does. */
  press(n: number): Press {
    const message = this.#messageIds
      .map((id) => this.#api.message(this.#chatId, id))
      .findLast((m) => m?.reply_markup?.inline_keyboard.length);
    const buttons = message?.reply_markup?.inline_keyboard.flat() ?? [];
    if (message === undefined)
      return { kind: "none", reason: "there is no inline keyboard to press" };
    const button = buttons[n - 1];
    if (button === undefined) {
      return { kind: "none", reason: `the newest keyboard has buttons 1 to ${buttons.length}` };
    }
    if ("callback_data" in button) {
      return { kind: "callback", message, data: button.callback_data, label: button.text };
    }
    return { kind: "none", reason: `button ${n} ${whatItDoes(button)}` };
  }
}

function whatItDoes(button: InlineKeyboardButton): string {
  if ("url" in button) return `opens ${button.url}`;
  if ("copy_text" in button) return `copies "${button.copy_text.text}"`;
  return "works only in a Telegram app";
}
