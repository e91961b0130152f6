import { ConversationActiveError, StepLimitError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import type { MemoryStorage } from "../../src/storages/memory.js";
import { restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const sizeOf = (storage: unknown) => (storage as MemoryStorage).size;

const twoQuestions = (options = {}) =>
  restartable(
    "two",
    async (conv, _ctx, args: { greeting: string } | undefined) => {
      const a = await conv.ask(`${args?.greeting ?? "Hi"}! First?`);
      await a.reply("ok");
      await conv.ask("Second?");
    },
    { args: { greeting: "Hello" }, ...options },
  );

describe("entering and leaving", () => {
  it("rejects entering an active conversation by default, with a message for the caller", async () => {
    const setup = twoQuestions();
    // A button that enters it again: unlike a command, a press does not end the pending wait.
    const { bot } = setup.start({
      after: (b, handle) =>
        b.callbackQuery("again", (ctx) => handle.enter(ctx, { greeting: "Hey" })),
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/two"));
    const failure = bot.handleUpdate(user.press("again", 99));
    await expect(failure).rejects.toMatchObject({ error: expect.any(ConversationActiveError) });
    await expect(failure).rejects.toThrow(/already active for chat:7\/user:7.*exit\(ctx\)/);
    expect(setup.sent()).toEqual(["Hello! First?"]);
  });

  it("a command sent while it waits ends it, so the same command enters it afresh", async () => {
    const setup = twoQuestions();
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/two"));
    await bot.handleUpdate(user.command("/two"));
    await bot.handleUpdate(user.text("x"));
    expect(setup.sent()).toEqual(["Hello! First?", "Hello! First?", "ok", "Second?"]);
    expect(setup.errors).toMatchObject([{ code: "LISTENER_CANCELLED", reason: "bypass" }]);
  });

  it('"restart" replaces the active one, also when only its journal is left', async () => {
    const setup = twoQuestions({ onActive: "restart" });
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/two"));
    const after = setup.start();
    await after.bot.handleUpdate(user.command("/two"));
    await after.bot.handleUpdate(user.text("x"));
    expect(setup.sent()).toEqual(["Hello! First?", "Hello! First?", "ok", "Second?"]);
  });

  it("exit ends it wherever it is: live, or only journaled after a restart", async () => {
    const setup = twoQuestions();
    const user = new UpdateFactory({ from: ann });
    const answers: boolean[] = [];
    // Like the demo's /cancel, /stop runs before the plugin, whose command bypass would
    // otherwise end the conversation's wait first.
    const install = () =>
      setup.start({
        before: (bot, handle) =>
          bot.command("stop", async (ctx) => {
            answers.push(await handle.active(ctx));
            answers.push(await handle.exit(ctx));
            answers.push(await handle.active(ctx));
          }),
      });
    const first = install();
    await first.bot.handleUpdate(user.command("/two"));
    await first.bot.handleUpdate(user.command("/stop"));
    expect(answers).toEqual([true, true, false]);
    expect(sizeOf(setup.storage)).toBe(0);

    await first.bot.handleUpdate(user.command("/two"));
    const second = install();
    await second.bot.handleUpdate(user.command("/stop"));
    expect(answers.slice(3)).toEqual([true, true, false]);
    expect(sizeOf(setup.storage)).toBe(0);
    await second.bot.handleUpdate(user.text("late answer"));
    expect(setup.sent().at(-1)).toBe("fallthrough: late answer");
  });

  it("a command ends the conversation's wait quietly, as for ctx.ask, and removes the journal", async () => {
    const setup = twoQuestions();
    const { bot } = setup.start({
      after: (b) => b.command("help", (ctx) => ctx.reply("help text")),
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/two"));
    await bot.handleUpdate(user.command("/help"));
    expect(setup.sent()).toEqual(["Hello! First?", "help text"]);
    expect(sizeOf(setup.storage)).toBe(0);
    expect(setup.errors).toMatchObject([{ code: "LISTENER_CANCELLED", reason: "bypass" }]);
  });

  it("a shutdown of the plugin keeps the journal for the next process", async () => {
    const setup = twoQuestions();
    const user = new UpdateFactory({ from: ann });
    const first = setup.start();
    await first.bot.handleUpdate(user.command("/two"));
    first.plugin.shutdown();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sizeOf(setup.storage)).toBe(1);
    await setup.start().bot.handleUpdate(user.text("x"));
    expect(setup.sent()).toEqual(["Hello! First?", "ok", "Second?"]);
  });
});

describe("halt, continueAsNew and maxSteps", () => {
  it("halt ends the conversation at once and quietly", async () => {
    const setup = restartable("h", async (conv, ctx) => {
      const answer = await conv.waitFor("message:text");
      if (answer.message.text === "stop") await conv.halt();
      await ctx.reply("not halted");
    });
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/h"));
    await bot.handleUpdate(user.text("stop"));
    await bot.handleUpdate(user.text("after"));
    expect(setup.sent()).toEqual(["fallthrough: after"]);
    expect(setup.errors).toEqual([]);
    expect(sizeOf(setup.storage)).toBe(0);
  });

  it("continueAsNew keeps the journal bounded over 10,000 rounds of a loop", async () => {
    const setup = restartable(
      "counter",
      async (conv, _ctx, total: number | undefined) => {
        const answer = await conv.waitFor("message:text");
        await answer.reply(`total ${(total ?? 0) + 1}`);
        return conv.continueAsNew((total ?? 0) + 1);
      },
      { maxSteps: 3 },
    );
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/counter"));
    let most = 0;
    for (let round = 0; round < 10_000; round++) {
      await bot.handleUpdate(user.text("+1"));
      most = Math.max(most, sizeOf(setup.storage));
    }
    expect(setup.sent().at(-1)).toBe("total 10000");
    expect(most).toBe(1);
    // A restart picks the loop up at its last round.
    await setup.start().bot.handleUpdate(user.text("+1"));
    expect(setup.sent().at(-1)).toBe("total 10001");
    expect(setup.errors).toEqual([]);
  });

  it("maxSteps ends a conversation that waits too often with StepLimitError", async () => {
    const setup = restartable(
      "endless",
      async (conv) => {
        for (;;) await conv.waitFor("message:text");
      },
      { maxSteps: 3 },
    );
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/endless"));
    for (let i = 0; i < 3; i++) await bot.handleUpdate(user.text(`${i}`));
    expect(setup.errors).toHaveLength(1);
    expect(setup.errors[0]).toBeInstanceOf(StepLimitError);
    expect(String(setup.errors[0])).toMatch(/maxSteps \(3\).*continueAsNew/);
    expect(sizeOf(setup.storage)).toBe(0);
    await bot.handleUpdate(user.text("after"));
    expect(setup.sent().at(-1)).toBe("fallthrough: after");
  });
});
