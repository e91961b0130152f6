import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateStore, StepRegistry, UnknownStepError } from "colloquy";
import { inState, nextStep, nextSteps } from "colloquy/grammy";
import { SqliteStorage } from "colloquy/sqlite";
import { UpdateFactory } from "colloquy/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestBot, type TestContext } from "../support/grammy.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const bob = { id: 8, is_bot: false, first_name: "Bob" };
const group = { id: -100, type: "supergroup" as const, title: "g" };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "colloquy-steps-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A bot whose state lives in a real SQLite file; a second call is the bot after a restart. */
function botOnFile() {
  const storage = new SqliteStorage({ path: join(dir, "state.db") });
  const store = new StateStore(storage, { prefix: "bot1:state:" });
  const steps = new StepRegistry<TestContext>();
  const greet = steps.register("greet", async (ctx, greeting: string) => {
    await ctx.reply(`${greeting}, ${ctx.message?.text}!`);
  });
  const test = createTestBot();
  test.bot.use(nextSteps(store, steps));
  test.bot.command("hello", async (ctx) => {
    await ctx.reply("Your name?");
    await nextStep(ctx, greet.with("Hello"));
  });
  test.bot.command("age", async (ctx) => {
    await store.setState(`chat:${ctx.chatId}/user:${ctx.from?.id}`, "age", {
      chatId: ctx.chatId ?? 0,
    });
    await ctx.reply("How old?");
  });
  test.bot.filter(inState("age"), (ctx) => ctx.reply(`Age ${ctx.message?.text} noted`));
  test.bot.on("message", (ctx) => ctx.reply("plain"));
  return { ...test, storage, store, steps };
}

describe("nextStep and inState", () => {
  it("runs the stored step with its arguments on the user's next update, once", async () => {
    const { bot, sent, storage } = botOnFile();
    const a = new UpdateFactory({ chat: group, from: ann });
    const b = new UpdateFactory({ chat: group, from: bob });
    await bot.handleUpdate(a.command("/hello"));
    await bot.handleUpdate(b.text("Bob talks"));
    await bot.handleUpdate(a.text("Ann"));
    await bot.handleUpdate(a.text("again"));
    expect(sent()).toEqual(["Your name?", "plain", "Hello, Ann!", "plain"]);
    await storage.close();
  });

  it("survives a restart: a new bot on the same file runs the step", async () => {
    const first = botOnFile();
    const a = new UpdateFactory({ from: ann });
    await first.bot.handleUpdate(a.command("/hello"));
    await first.storage.close();
    const second = botOnFile();
    await second.bot.handleUpdate(a.text("Ann"));
    expect(second.sent()).toEqual(["Hello, Ann!"]);
    await second.storage.close();
  });

  it("routes by state in the chat the state was bound to", async () => {
    const { bot, sent, storage } = botOnFile();
    const inGroup = new UpdateFactory({ chat: group, from: ann });
    await bot.handleUpdate(inGroup.command("/age"));
    await bot.handleUpdate(inGroup.text("33"));
    expect(sent()).toEqual(["How old?", "Age 33 noted"]);
    await storage.close();
  });

  it("refuses an unregistered step name when it is stored", async () => {
    const { storage } = botOnFile();
    const steps = new StepRegistry();
    const checked = new StateStore(storage, { steps });
    await expect(checked.setNextStep("k", "nope")).rejects.toBeInstanceOf(UnknownStepError);
    await storage.close();
  });
});
