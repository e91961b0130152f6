/**
 * A bot as a user writes one after the README, run in the terminal: an `ask` with a five-minute
 * timeout, a delegate that closes after a minute of silence, a SqliteStorage it never closes, a
 * SIGINT handler of its own that stays, and a /stuck command whose handler never ends (as a hung
 * network call would). Argument: the SQLite file.
 */
import { seeders } from "colloquy";
import { type ColloquyFlavor, colloquy, delegate } from "colloquy/grammy";
import { SqliteStorage } from "colloquy/sqlite";
import { runInTerminal } from "colloquy/terminal";
import { Bot, type Context } from "grammy";

const [path = "user-bot.db"] = process.argv.slice(2);
new SqliteStorage({ path });
process.on("SIGINT", () => console.log("(the bot's own SIGINT handler)"));

const bot = new Bot<Context & ColloquyFlavor>("123:placeholder");
bot.use(colloquy({ timeoutMs: 5 * 60_000 }));
bot.use(
  delegate(
    seeders.perChat(),
    async (ctx, inbox) => {
      await ctx.reply("echoing");
      for (;;) await (await inbox.next()).reply("echo");
    },
    {
      spawnOn: (ctx) => ctx.message?.text === "/echo",
      capture: { message: { text: /^[^/]/ } },
      idleTimeoutMs: 60_000,
    },
  ),
);
bot.command("start", async (ctx) => {
  const name = await ctx.ask("What is your name?");
  await name.reply(`Hello, ${name.message?.text}!`);
});
bot.command("stuck", async (ctx) => {
  await ctx.reply("stuck");
  await new Promise(() => setInterval(() => {}, 1000));
});

await runInTerminal(bot);
