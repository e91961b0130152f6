import { run, sequentialize } from "@grammyjs/runner";
import { UpdateFactory } from "colloquy/testing";
import { type Bot, type SessionFlavor, session, webhookCallback } from "grammy";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  countingSession,
  createTestBot,
  feedUpdates,
  type TestContext,
} from "../support/grammy.js";
import { serveOnLoopback } from "../support/webhook-server.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const keyboard = { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }]] };

describe("typed waits", () => {
  it("waitFor with a filter query resolves to the narrowed context", async () => {
    const { bot } = createTestBot();
    const photos: number[] = [];
    bot.command("photo", async (ctx) => {
      const photo = await ctx.waitFor("message:photo");
      expectTypeOf(photo.message.photo).toEqualTypeOf<import("@grammyjs/types").PhotoSize[]>();
      photos.push(photo.message.photo.length);
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/photo"));
    await bot.handleUpdate(user.text("not a photo"));
    await bot.handleUpdate(
      user.message({ photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }] }),
    );
    expect(photos).toEqual([1]);
  });

  it("waitFor with capture criteria matches nested fields, patterns and predicates", async () => {
    const { bot } = createTestBot();
    const codes: string[] = [];
    bot.command("code", async (ctx) => {
      const answer = await ctx.waitFor({
        message: { text: /^\d{6}$/, from: { id: (id: number) => id === 7 } },
      });
      codes.push(answer.message?.text ?? "");
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/code"));
    await bot.handleUpdate(user.text("12345"));
    await bot.handleUpdate(user.text("123456"));
    expect(codes).toEqual(["123456"]);
  });

  it("otherwise handles the same user's non-matching updates while the wait goes on", async () => {
    const { bot, sent } = createTestBot();
    const later = vi.fn();
    bot.command("n", async (ctx) => {
      const number = await ctx.waitFor((c) => /^\d+$/.test(c.message?.text ?? ""), {
        otherwise: (c) => c.reply("Send a number, please."),
      });
      await number.reply(`Thanks for ${number.message?.text}`);
    });
    bot.on("message", later);
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/n"));
    await bot.handleUpdate(user.text("abc"));
    await bot.handleUpdate(user.text("12"));
    expect(sent()).toEqual(["Send a number, please.", "Thanks for 12"]);
    expect(later).not.toHaveBeenCalled();
  });

  it("a press on the prompt's button answers the ask, and is answered automatically", async () => {
    const { bot, api } = createTestBot();
    const got: string[] = [];
    bot.command("q", async (ctx) => {
      const answer = await ctx.ask("Sure?", { reply_markup: keyboard });
      got.push(answer.callbackQuery?.data ?? answer.message?.text ?? "");
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/q"));
    const prompt = api.calls.at(-1)?.result as { message_id: number };
    await bot.handleUpdate(user.press("yes", prompt.message_id + 100));
    expect(got).toEqual([]);
    await bot.handleUpdate(user.press("yes", prompt.message_id));
    expect(got).toEqual(["yes"]);
    expect(api.calls.filter((c) => c.method === "answerCallbackQuery")).toHaveLength(1);
  });

  it("waitForCallbackQuery binds to the newest prompt, filters by data, and can skip answering", async () => {
    const { bot, api } = createTestBot();
    const got: string[] = [];
    bot.command("q", async (ctx) => {
      const text = await ctx.ask("Type something first");
      await text.reply("Now press", { reply_markup: keyboard });
      const press = await text.waitForCallbackQuery({
        messageId: "any",
        data: /^y/,
        answer: false,
      });
      got.push(press.callbackQuery.data);
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/q"));
    await bot.handleUpdate(user.text("ok"));
    await bot.handleUpdate(user.press("no", 1));
    await bot.handleUpdate(user.press("yes", 1));
    expect(got).toEqual(["yes"]);
    expect(api.calls.some((c) => c.method === "answerCallbackQuery")).toBe(false);
  });

  it("plugin.wait waits from outside a handler and resolves to the context", async () => {
    const { bot, plugin } = createTestBot();
    const next = plugin.wait({ chatId: 7, userId: 7 });
    const handled = vi.fn();
    bot.on("message", handled);
    await bot.handleUpdate(new UpdateFactory({ from: ann }).text("outside"));
    expect((await next).message?.text).toBe("outside");
    expect(handled).not.toHaveBeenCalled();
  });

  it("two concurrent asks in one handler do not hold up the feed", async () => {
    const { bot } = createTestBot();
    const got: string[] = [];
    bot.command("both", async (ctx) => {
      const [text, press] = await Promise.all([
        ctx.waitFor("message:text"),
        ctx.waitForCallbackQuery({ messageId: "any" }),
      ]);
      got.push(text.message.text, press.callbackQuery.data);
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/both"));
    await bot.handleUpdate(user.text("t"));
    await bot.handleUpdate(user.press("p", 1));
    expect(got).toEqual(["t", "p"]);
  });
});

describe("grammY integration", () => {
  it("session() before the plugin saves changes made through the answer's context", async () => {
    const stored = new Map<string, { count: number }>();
    const { bot } = createTestBot({
      before: (b) => b.use(countingSession(stored) as never),
    });
    type Counting = TestContext & SessionFlavor<{ count: number }>;
    const counting = bot as unknown as Bot<Counting>;
    counting.command("count", async (ctx) => {
      let current: Counting = ctx;
      for (let i = 0; i < 3; i++) {
        current = await current.ask(`Answer ${i + 1}`);
        current.session.count++;
      }
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/count"));
    await bot.handleUpdate(user.text("a"));
    expect(stored.get("7")).toEqual({ count: 1 });
    await bot.handleUpdate(user.text("b"));
    await bot.handleUpdate(user.text("c"));
    expect(stored.get("7")).toEqual({ count: 3 });
  });

  it("warns once in development when the original context's session is written after a wait", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { bot } = createTestBot({
      before: (b) => b.use(session({ initial: () => ({ count: 0 }) }) as never),
    });
    const counting = bot as unknown as Bot<TestContext & SessionFlavor<{ count: number }>>;
    counting.command("stale", async (ctx) => {
      await ctx.ask("First?");
      ctx.session.count++;
      await ctx.ask("Second?");
      ctx.session.count++;
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/stale"));
    await bot.handleUpdate(user.text("a"));
    await bot.handleUpdate(user.text("b"));
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain("answer.session");
    warn.mockRestore();
  });

  it("webhookCallback on node:http answers while the handler waits; the reply resumes it", async () => {
    const { bot, sent } = createTestBot();
    bot.command("name", async (ctx) => {
      const answer = await ctx.ask("Name?");
      await answer.reply(`Hello, ${answer.message?.text}!`);
    });
    const { post, close } = await serveOnLoopback(webhookCallback(bot, "http"));
    const user = new UpdateFactory({ from: ann });
    try {
      expect((await post(user.command("/name"))).status).toBe(200);
      expect(sent()).toEqual(["Name?"]);
      expect((await post(user.text("Ann"))).status).toBe(200);
      expect(sent()).toEqual(["Name?", "Hello, Ann!"]);
    } finally {
      close();
    }
  });

  it("works under @grammyjs/runner with sequentialize installed before the plugin", async () => {
    const { bot, sent } = createTestBot({
      before: (b) => b.use(sequentialize((ctx) => String(ctx.chat?.id))),
    });
    bot.command("name", async (ctx) => {
      const answer = await ctx.ask("Name?");
      await answer.reply(`Hi ${answer.message?.text}`);
    });
    const user = new UpdateFactory({ from: ann });
    feedUpdates(bot.api, [user.command("/name"), user.text("Ann"), user.text("ignored")]);
    bot.on("message", (ctx) => ctx.reply("fallthrough"));
    const handle = run(bot, { runner: { silent: true } });
    await vi.waitFor(() => expect(sent()).toEqual(["Name?", "Hi Ann", "fallthrough"]));
    await handle.stop();
  });
});
