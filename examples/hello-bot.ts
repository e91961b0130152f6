/**
 * The README's example bot. With BOT_TOKEN it runs on Telegram (long polling); without one it
 * plays a scripted conversation against a local Bot API and prints the transcript.
 */
import { type ColloquyFlavor, colloquy } from "colloquy/grammy";
import { LocalBotApi } from "colloquy/terminal";
import { UpdateFactory } from "colloquy/testing";
import { Bot, type Context } from "grammy";

type MyContext = Context & ColloquyFlavor;

function createBot(token: string, botInfo?: LocalBotApi["botInfo"]): Bot<MyContext> {
  const bot = new Bot<MyContext>(token, botInfo === undefined ? {} : { botInfo });
  bot.use(colloquy({ timeoutMs: 5 * 60_000 }));
  bot.command("start", async (ctx) => {
    const name = await ctx.ask("Hi! What is your name?");
    const age = await name.ask(`Nice to meet you, ${name.message?.text}. How old are you?`);
    await age.reply(`${name.message?.text} is ${age.message?.text}. Noted!`);
  });
  bot.on("message", (ctx) => ctx.reply("Send /start to begin."));
  return bot;
}

const token = process.env.BOT_TOKEN;
if (token) {
  const bot = createBot(token);
  process.once("SIGTERM", () => void bot.stop());
  process.once("SIGINT", () => void bot.stop());
  await bot.start({ onStart: (me) => console.log(`Running as @${me.username}`) });
} else {
  const api = new LocalBotApi();
  const bot = createBot("local", api.botInfo);
  bot.api.config.use(api.transformer);
  api.onCall((call) => {
    if (call.method === "sendMessage") console.log(`bot> ${String(call.payload.text)}`);
  });
  const user = new UpdateFactory({ from: { id: 1, is_bot: false, first_name: "Ann" } });
  console.log("(no BOT_TOKEN: a scripted conversation against a local Bot API)");
  for (const text of ["/start", "Ann", "33", "thanks"]) {
    console.log(`you> ${text}`);
    await bot.handleUpdate(text.startsWith("/") ? user.command(text) : user.text(text));
  }
}
