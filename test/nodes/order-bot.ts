/** The demo's /order and /cancel, wired as examples/demo/bot.ts wires them, on a test bot. */
import { MemoryLock, type Storage } from "colloquy";
import type { BotFlow } from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import { installOrder } from "../../examples/demo/order/index.js";
import type { LocalBotApi } from "../../src/adapters/local-api.js";
import { createTestBot, type TestContext } from "../support/grammy.js";

/** What the bot said, one line per message, with its reply keyboard if it had one. */
function transcriptOf(api: LocalBotApi): string[] {
  return api.calls
    .filter((call) => call.method === "sendMessage")
    .map((call) => {
      const markup = call.payload.reply_markup as { keyboard?: { text: string }[][] } | undefined;
      const buttons = markup?.keyboard?.flat().map((button) => button.text);
      const text = String(call.payload.text);
      return buttons === undefined ? text : `${text} [${buttons.join("|")}]`;
    });
}

/** A bot with /order on `storage`; `say(...texts)` sends Ann's texts and returns the replies. */
export function createOrderBot(storage: Storage) {
  let order: BotFlow<TestContext> | undefined;
  const { bot, api, clock } = createTestBot({
    // In the demo, /cancel comes before the plugin, and leaves the flow.
    before: (b) =>
      b.command("cancel", async (ctx) => {
        await ctx.reply((await order?.leave(ctx)) ? "Cancelled." : "Nothing to cancel.");
      }),
  });
  order = installOrder(bot, { storage, lock: new MemoryLock({ clock }), clock });
  bot.on("message", (ctx) => ctx.reply("I did not understand. Try /start."));
  const user = new UpdateFactory({ from: { id: 5, is_bot: false, first_name: "Ann" } });
  const say = async (...texts: string[]) => {
    const start = transcriptOf(api).length;
    for (const text of texts) {
      await bot.handleUpdate(text.startsWith("/") ? user.command(text) : user.text(text));
    }
    return transcriptOf(api).slice(start);
  };
  return { bot, say };
}
