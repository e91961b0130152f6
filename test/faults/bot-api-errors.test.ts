/**
 * Bot API errors in a conversation (issue 19, §2), from a Bot API that fails on demand: a 429
 * while sending a prompt is retried after its retry_after (by @grammyjs/auto-retry), a 403
 * (blocked) or a network error fails the `ask` with Telegram's own error and leaves nothing
 * behind, and an edit that changes nothing is no failure of an `ask` with `editMessageId`.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import type { Update } from "@grammyjs/types";
import { MemoryLock } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { type BotError, GrammyError, HttpError } from "grammy";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineNode, goto, stay } from "../../src/nodes/index.js";
import { createFlowBot } from "../nodes/harness.js";
import {
  type ApiFailure,
  ApiFailures,
  blocked,
  notModified,
  tooManyRequests,
} from "../support/api-failures.js";
import { createTestBot, type TestContext } from "../support/grammy.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

/** A bot whose /name asks for a name and greets it; `failures` fail calls on demand. */
function askingBot(options: { retry?: boolean; editMessageId?: number } = {}) {
  const testBot = createTestBot();
  const { bot } = testBot;
  const failures = new ApiFailures();
  bot.api.config.use(failures.transformer);
  // Outside the failures, so it sees them: installed last, it runs first.
  if (options.retry) bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  const logged: unknown[] = [];
  const normal: string[] = [];
  bot.command("name", async (ctx) => {
    const answer = await ctx.ask("Your name?", {
      ...(options.editMessageId === undefined ? {} : { editMessageId: options.editMessageId }),
    });
    await answer.reply(`Hello, ${answer.message?.text}!`);
  });
  bot.on("message:text", (ctx) => void normal.push(ctx.message.text));
  const user = new UpdateFactory({ from: ann });
  /** Handles `update`; its error, as `bot.catch` would receive it once, goes to `logged`. */
  const handle = (update: Update) =>
    bot.handleUpdate(update).catch((error: BotError) => void logged.push(error.error));
  return { ...testBot, failures, logged, normal, user, handle };
}

/** What must be left after an ask failed: no wait, no timer, the user's text goes on as usual. */
async function expectNothingLeft(setup: ReturnType<typeof askingBot>) {
  expect(setup.plugin.stats().pending).toBe(0);
  expect(setup.clock.pendingTimers).toBe(0);
  await setup.bot.handleUpdate(setup.user.text("Ann"));
  expect(setup.normal).toEqual(["Ann"]);
}

describe("Bot API errors while an ask sends its prompt", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries a 429 after its retry_after (auto-retry), then waits and is answered", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const setup = askingBot({ retry: true });
    setup.failures.failNext("sendMessage", tooManyRequests(5));
    const asking = setup.bot.handleUpdate(setup.user.command("/name"));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(setup.sent()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await asking;
    expect(setup.sent()).toEqual(["Your name?"]);
    await setup.bot.handleUpdate(setup.user.text("Ann"));
    expect(setup.sent()).toEqual(["Your name?", "Hello, Ann!"]);
    expect(setup.logged).toEqual([]);
  });

  it.each<[string, ApiFailure, (error: unknown) => void]>([
    [
      "a 403 (the user blocked the bot)",
      blocked,
      (error) => {
        expect(error).toBeInstanceOf(GrammyError);
        expect((error as GrammyError).error_code).toBe(403);
      },
    ],
    [
      "a network error",
      "network",
      (error) => {
        expect(error).toBeInstanceOf(HttpError);
        expect((error as HttpError).message).toContain("sendMessage");
      },
    ],
  ])(
    "fails the ask with %s as it came, logged once, and leaves no wait behind",
    async (_, failure, check) => {
      const setup = askingBot();
      setup.failures.failNext("sendMessage", failure);
      await setup.handle(setup.user.command("/name"));
      expect(setup.logged).toHaveLength(1);
      check(setup.logged[0]);
      expect(setup.errors).toEqual([]);
      await expectNothingLeft(setup);
    },
  );

  it("takes a 400 'message is not modified' on an edit as the prompt being there, and waits", async () => {
    const setup = askingBot({ editMessageId: 1 });
    const first = await setup.bot.api.sendMessage(ann.id, "Your name?");
    expect(first.message_id).toBe(1);
    setup.failures.failNext("editMessageText", notModified);
    await setup.handle(setup.user.command("/name"));
    expect(setup.logged).toEqual([]);
    await setup.bot.handleUpdate(setup.user.text("Ann"));
    expect(setup.sent()).toContain("Hello, Ann!");
  });
});

const form = defineNode({ key: "form", schema: z.object({}) });

describe("Bot API errors while a node flow sends", () => {
  it("a 403 in a node's enter ends the flow for that user: no lease, no wait, others served", async () => {
    const lock = new MemoryLock();
    const setup = createFlowBot({
      lock,
      nodes: [
        form.handle<TestContext>({
          enter: (ctx) => ctx.reply("Fill the form"),
          event: (ctx) => ctx.reply("noted").then(() => stay()),
        }),
      ],
      start: () => goto(form, {}),
    });
    const failures = new ApiFailures();
    setup.bot.api.config.use(failures.transformer);
    const logged: unknown[] = [];
    failures.failNext("sendMessage", blocked);
    await setup.send("/go").catch((error: BotError) => void logged.push(error.error));
    expect(logged).toHaveLength(1);
    expect((logged[0] as GrammyError).error_code).toBe(403);
    // Nothing holds the user's scope, nothing waits.
    expect(lock.size).toBe(0);
    expect(setup.plugin.stats().pending).toBe(0);
    expect(await setup.flow.user("chat:1/user:1").get()).toBeUndefined();
    // The user, unblocking the bot later, starts cleanly.
    await setup.send("/go");
    expect(setup.sent()).toEqual(["Fill the form"]);
  });
});
