/**
 * The /form flow's nodes: one per step. Each node's data is what the steps before it collected,
 * checked by its zod schema whenever the user moves there, goes back there, or is loaded after a
 * restart.
 */

import { back, defineNode, end, goto } from "colloquy";
import type { ColloquyFlavor } from "colloquy/grammy";
import type { Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { z } from "zod";
import { backButton, formTexts as texts } from "./texts.js";

/** The context the nodes need: grammY's, with colloquy's plugin installed. */
export type FormContext = Context & ColloquyFlavor;

// What a browser's email field accepts (HTML5): any valid address, `a@b.c` too; zod's default
// pattern also wants a top-level domain of two letters or more.
const email = z.email({ pattern: z.regexes.html5Email });
const age = z.number().int().min(1).max(150);
/** An age as typed: digits only (no sign, point or exponent), then the range. */
const ageText = z.string().trim().regex(/^\d+$/).transform(Number).pipe(age);

export const emailStep = defineNode({ key: "email", schema: z.object({}) });
export const ageStep = defineNode({ key: "age", schema: z.object({ email }) });
export const cityStep = defineNode({ key: "city", schema: z.object({ email, age }) });

const withBack: { reply_markup: InlineKeyboardMarkup } = {
  reply_markup: { inline_keyboard: [[{ text: backButton.text, callback_data: backButton.data }]] },
};

// A wrong answer gets its error, then the step again: `goto` to the same node runs its `enter`
// (the prompt) once more, and pushes nothing on the history. Each node lists where it may lead
// (`to`), for the types and for `flow.diagram()`; `back` where the Back button is shown, since
// the button's handler takes the user back from there (`form.back(ctx)`).

const emailNode = emailStep.handle({
  to: [ageStep, emailStep],
  enter: (ctx: FormContext) => ctx.reply(texts.askEmail),
  async event(ctx: FormContext) {
    const answer = email.safeParse(ctx.message?.text?.trim());
    if (answer.success) return goto(ageStep, { email: answer.data });
    await ctx.reply(texts.badEmail);
    return goto(emailStep, {});
  },
});

const ageNode = ageStep.handle({
  to: [cityStep, ageStep, back],
  enter: (ctx: FormContext) => ctx.reply(texts.askAge, withBack),
  async event(ctx: FormContext, data) {
    const answer = ageText.safeParse(ctx.message?.text);
    if (answer.success) return goto(cityStep, { ...data, age: answer.data });
    await ctx.reply(texts.badAge);
    return goto(ageStep, data);
  },
});

const cityNode = cityStep.handle({
  to: [cityStep, back, end],
  enter: (ctx: FormContext) => ctx.reply(texts.askCity, withBack),
  async event(ctx: FormContext, data) {
    const city = ctx.message?.text?.trim();
    if (city === undefined || city === "") return goto(cityStep, data);
    await ctx.reply(texts.saved({ ...data, city }));
    return end();
  },
});

/** Every node of the flow, for `createFlow({ nodes })`. */
export const formNodes = [emailNode, ageNode, cityNode];
