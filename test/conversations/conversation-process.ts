/**
 * A bot with a 10-step durable conversation on a SQLite file, in a process of its own, for the
 * kill test: `node --import tsx --conditions=colloquy-src conversation-process.ts`.
 *
 * Environment:
 * - DB_PATH: the SQLite file; TELEGRAM_API_ROOT: the Bot API the bot answers through.
 * - BLOCK: `USER:STEP,...` — the gate after step STEP's reply blocks for ever for user USER, so
 *   the test can kill the process inside the crash window (the reply sent, not yet journaled).
 *
 * Updates come as webhook requests: POST / with one update as JSON, answered 200 once it was
 * handled (the conversation's next wait journaled). Prints `listening PORT` once it takes them,
 * and `blocked USER STEP` when a gate blocks; it never ends by itself.
 */
import { writeSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";
import { type ColloquyFlavor, colloquy, conversation } from "colloquy/grammy";
import { SqliteStorage } from "colloquy/sqlite";
import { Bot, type Context } from "grammy";

const STEPS = 10;

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`conversation-process: ${name} unset`);
  return value;
};

const blocks = new Set((process.env.BLOCK ?? "").split(",").filter((s) => s !== ""));
const print = (line: string) => writeSync(1, `${line}\n`);

/** Passes at once, or for ever when the test asked to kill the process here. */
const gate = (user: number, step: number): Promise<void> | undefined => {
  if (!blocks.has(`${user}:${step}`)) return undefined;
  print(`blocked ${user} ${step}`);
  return new Promise(() => {});
};

type Ctx = Context & ColloquyFlavor;
const bot = new Bot<Ctx>("123:kill", { client: { apiRoot: env("TELEGRAM_API_ROOT") } });
await bot.init();
const steps = conversation<Ctx>(
  "steps",
  async (conv, ctx) => {
    const answers: string[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const answer = await conv.ask(`Step ${step}/${STEPS}?`);
      const text = answer.message?.text ?? "";
      answers.push(text);
      // The crash window: from here to the next ask's journal write.
      await answer.reply(`Got ${step}: ${text}`);
      await conv.external(() => gate(ctx.from?.id ?? 0, step), "gate");
    }
    await ctx.reply(`Summary: ${answers.join(", ")}`);
  },
  {
    storage: new SqliteStorage({ path: env("DB_PATH") }),
    onError: (error) => console.error("conversation failed:", error),
  },
);
bot.use(colloquy({ onError: (error) => console.error("colloquy failed:", error) }));
bot.use(steps);
bot.command("steps", (ctx) => steps.enter(ctx));
bot.on("message", (ctx) => ctx.reply(`fallthrough: ${ctx.message.text ?? ""}`));

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const update = JSON.parse(Buffer.concat(chunks).toString()) as Update;
    bot.handleUpdate(update).then(
      () => response.end("ok"),
      (error: unknown) => {
        console.error(`update ${update.update_id} failed:`, error);
        response.statusCode = 500;
        response.end(String(error));
      },
    );
  });
});
server.listen(0, "127.0.0.1", () => print(`listening ${(server.address() as AddressInfo).port}`));
