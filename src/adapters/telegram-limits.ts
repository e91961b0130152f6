/**
 * Telegram's limits on what a bot sends, checked the way the Bot API checks them, so that a bot
 * that works against the local API does not fail on Telegram with a 400.
 *
 * @module
 */
import type { InlineKeyboardMarkup, MessageEntity } from "@grammyjs/types";
import { formatText } from "./formatting/format.js";

/** Characters in a message text, after its entities were parsed. */
const maxTextLength = 4096;
/** Characters in a media caption, after its entities were parsed. */
const maxCaptionLength = 1024;
/** Bytes (UTF-8) of a button's `callback_data`. */
const maxCallbackDataBytes = 64;
/** Characters in the notification of `answerCallbackQuery`. */
const maxCallbackAnswerLength = 200;

const bytes = new TextEncoder();

/**
 * The description of the 400 error Telegram answers `method` with, or `undefined` when the call
 * keeps to the limits. The texts are Telegram's own (after `Bad Request: `), as bots see them in
 * `GrammyError.description`.
 */
export function refusalOf(method: string, payload: Record<string, unknown>): string | undefined {
  if (method === "sendMessage" || method === "editMessageText") {
    const text = parsedText(payload, "text", "entities");
    // Telegram trims what a message says; a text of spaces alone is empty too.
    if (text.trim() === "") return "message text is empty";
    // Telegram words the same limit differently for a new message and an edit.
    if (text.length > maxTextLength)
      return method === "sendMessage" ? "message is too long" : "MESSAGE_TOO_LONG";
  }
  if (parsedText(payload, "caption", "caption_entities").length > maxCaptionLength) {
    return "message caption is too long";
  }
  if (
    method === "answerCallbackQuery" &&
    String(payload.text ?? "").length > maxCallbackAnswerLength
  ) {
    return "MESSAGE_TOO_LONG";
  }
  const keyboard = (payload.reply_markup as Partial<InlineKeyboardMarkup> | undefined)
    ?.inline_keyboard;
  for (const button of keyboard?.flat() ?? []) {
    if (!("callback_data" in button)) continue;
    const size = bytes.encode(button.callback_data).length;
    if (size === 0 || size > maxCallbackDataBytes) return "BUTTON_DATA_INVALID";
  }
  return undefined;
}

/** A text field as Telegram counts it: what is left once markup is parsed; `""` when unset. */
function parsedText(payload: Record<string, unknown>, field: string, entities: string): string {
  const text = payload[field];
  if (typeof text !== "string") return "";
  return formatText(text, payload.parse_mode, payload[entities] as MessageEntity[] | undefined)
    .text;
}
