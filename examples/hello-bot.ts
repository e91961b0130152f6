import { type ColloquyFlavor, colloquy } from "colloquy/grammy";
import { runInTerminal } from "colloquy/terminal";
import { Bot, type Context } from "grammy";

// Without BOT_TOKEN the placeholder is never used: you talk to the bot in this terminal.
const bot = new Bot<Context & ColloquyFlavor>(process.env.BOT_TOKEN || "123:placeholder");
bot.use(colloquy({ timeoutMs: 5 * 60_000 }));

bot.command("start", async (ctx) => {
  const name = await ctx.ask("Hi! What is your name?");
  const age = await name.ask(`Nice to meet you, ${name.message?.text}. How old are you?`);
  await age.reply(`${name.message?.text} is ${age.message?.text}. Noted!`);
});
bot.on("message", (ctx) => ctx.reply("Send /start to begin."));

if (process.env.BOT_TOKEN) await bot.start();
else await runInTerminal(bot);
