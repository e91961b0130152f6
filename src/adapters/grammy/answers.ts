/**
 * Which updates count as an answer, and which cut through a wait (bypass).
 *
 * @module
 */
import type { Message } from "@grammyjs/types";
import type { Context } from "grammy";

/** Message fields that carry something a user said or sent; a message with none is a service message. */
const CONTENT = [
  "text",
  "photo",
  "video",
  "document",
  "audio",
  "voice",
  "animation",
  "sticker",
  "video_note",
  "contact",
  "location",
  "venue",
  "poll",
  "dice",
  "story",
  "game",
  "paid_media",
  "checklist",
] as const satisfies readonly (keyof Message)[];

/**
 * An answer by default: a button press, or a message from someone other than the bot that has
 * content — not a service message (a member joined, a title changed) and not an empty one.
 * Edited messages are another update kind and never reach this test unless a wait asks for them.
 */
export function isAnswer(ctx: Context): boolean {
  if (ctx.callbackQuery !== undefined) return true;
  const message = ctx.message ?? ctx.businessMessage ?? ctx.channelPost;
  if (message === undefined) return false;
  if (message.from?.id === ctx.me.id) return false;
  return CONTENT.some((field) => message[field] !== undefined);
}

/** The command a message starts with (`"start"` for `/start@my_bot x`), if it starts with one. */
export function leadingCommand(ctx: Context): string | undefined {
  const message = ctx.message ?? ctx.businessMessage ?? ctx.channelPost;
  const entity = message?.entities?.[0];
  if (entity?.type !== "bot_command" || entity.offset !== 0 || message?.text === undefined) {
    return undefined;
  }
  return message.text.slice(1, entity.length).split("@", 1)[0];
}

/**
 * What ends a wait instead of answering it: `true` — any command; a list — those commands
 * (without the slash); a predicate; `false` — nothing.
 */
export type BypassOption = boolean | readonly string[] | ((ctx: Context) => boolean);

const anyCommand = (ctx: Context): boolean => leadingCommand(ctx) !== undefined;

/** Turns a {@link BypassOption} into a predicate, or `undefined` for none. */
export function bypassPredicate(option: BypassOption): ((ctx: Context) => boolean) | undefined {
  if (option === false) return undefined;
  if (option === true) return anyCommand;
  if (typeof option === "function") return option;
  const commands = new Set(option);
  return (ctx) => {
    const command = leadingCommand(ctx);
    return command !== undefined && commands.has(command);
  };
}
