/**
 * /form: three steps (email, age, city) with an inline Back button on steps 2 and 3. Each step is
 * a node of a durable flow; the path behind each user is kept in the flow's history, so Back works
 * after a restart too, and returns to the step before with what was typed there.
 */
import type { Clock, History, Lock, Storage } from "colloquy";
import { type BotFlow, createFlow, goto } from "colloquy/grammy";
import type { Bot } from "grammy";
import { emailStep, type FormContext, formNodes } from "./nodes.js";
import { backButton, formTexts } from "./texts.js";

export type { FormContext } from "./nodes.js";

/** What /form needs from the demo. */
export interface FormOptions {
  readonly storage: Storage;
  readonly lock: Lock;
  /** Where the steps behind each user are kept. Default: in each user's snapshot, on `storage`. */
  readonly history?: History;
  /** Put before the flow's storage keys; bots sharing a storage need their own. */
  readonly prefix?: string;
  /** Drives lease extensions and stamps history records (tests pass a manual clock). */
  readonly clock?: Clock;
}

/**
 * Registers `/form` (which also restarts a user already in it), routes the text messages of users
 * in the form to their step, and handles the Back button: it answers the press and takes the user
 * one step back from where they are, whichever prompt's button they pressed (at the first step,
 * or outside the form, the answer says that the button is no longer active). Call it after
 * `bot.use(colloquy())` and the other commands, before any catch-all handler. `/cancel` leaves the
 * form with `form.leave(ctx)`, which resolves to whether the user was in it.
 *
 * @example
 * ```ts
 * const form = installForm(bot, { storage, lock });
 * bot.command("cancel", async (ctx) => ctx.reply((await form.leave(ctx)) ? "Cancelled." : "Nothing to cancel."));
 * ```
 */
export function installForm<C extends FormContext>(
  bot: Bot<C>,
  options: FormOptions,
): BotFlow<FormContext> {
  const form = createFlow<FormContext>({
    id: "form",
    nodes: formNodes,
    start: goto(emailStep, {}),
    storage: options.storage,
    lock: options.lock,
    prefix: options.prefix ?? "colloquy-demo:",
    ...(options.history === undefined ? {} : { history: options.history }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  bot.command("form", (ctx) => form.enter(ctx));
  bot.callbackQuery(backButton.data, async (ctx) => {
    // Back is active while the user is in the form past its first step; an older prompt's button
    // says so rather than doing nothing. Answered first, so the button stops spinning whatever
    // happens next.
    const scope = form.scopeOf(ctx);
    const at = scope === undefined ? undefined : await form.user(scope).get();
    const active = at !== undefined && at.node !== emailStep.key;
    await ctx.answerCallbackQuery(active ? {} : { text: formTexts.backInactive });
    if (active) await form.back(ctx);
  });
  bot.on("message:text", form);
  return form;
}
