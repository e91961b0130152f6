/**
 * /survey: a durable conversation. Written as plain `await` code, journaled step by step in the
 * demo's storage: kill the demo mid-survey, start it again, and the next answer carries on where
 * the survey stopped, with the answers given so far.
 */
import type { Clock, Storage } from "colloquy";
import { type ConversationHandle, conversation } from "colloquy/grammy";
import type { DemoContext } from "./bot.js";
import { texts } from "./texts.js";

const drinks = ["coffee", "tea"] as const;

/** "7", "7.5" or "0" to "24", as sent; anything else is `undefined`. */
function hoursIn(text: string | undefined): string | undefined {
  const hours = text?.trim();
  if (hours === undefined || !/^\d{1,2}(\.\d+)?$/.test(hours)) return undefined;
  return Number(hours) <= 24 ? hours : undefined;
}

/** The /survey conversation, on `storage`. */
export function createSurvey(
  storage: Storage,
  clock?: Clock,
): ConversationHandle<DemoContext, undefined> {
  return conversation<DemoContext>(
    "survey",
    async (conv) => {
      let name: string | undefined;
      while (name === undefined) name = (await conv.ask(texts.surveyName)).message?.text;
      let hours: string | undefined;
      for (;;) {
        const answer = await conv.ask(texts.surveySleep(name));
        hours = hoursIn(answer.message?.text);
        if (hours !== undefined) break;
        await answer.reply(texts.surveyNotHours);
      }
      const keyboard = [drinks.map((drink) => ({ text: drink, callback_data: drink }))];
      let drink: string | undefined;
      let answer = await conv.ask(texts.surveyDrink, {
        reply_markup: { inline_keyboard: keyboard },
      });
      for (;;) {
        drink = answer.callbackQuery?.data ?? answer.message?.text?.trim().toLowerCase();
        if (drinks.some((known) => known === drink)) break;
        answer = await conv.ask(texts.surveyDrink, { reply_markup: { inline_keyboard: keyboard } });
      }
      await answer.reply(texts.surveyThanks(name, hours, drink ?? ""));
    },
    { storage, onActive: "restart", ...(clock === undefined ? {} : { clock }) },
  );
}
