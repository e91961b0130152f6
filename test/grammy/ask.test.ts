import { ListenerCancelledError, ListenerTimeoutError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it, vi } from "vitest";
import { createTestBot } from "../support/grammy.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const bob = { id: 8, is_bot: false, first_name: "Bob" };
const group = { id: -100, type: "supergroup" as const, title: "g" };

describe("ctx.ask under a sequential feed", () => {
  it("completes a three-question conversation, each handleUpdate returning at the next ask", async () => {
    const { bot, sent } = createTestBot();
    const finished = vi.fn();
    bot.command("profile", async (ctx) => {
      const name = await ctx.ask("Name?");
      const age = await name.ask("Age?");
      const city = await age.ask("City?");
      await city.reply(`${name.message?.text}, ${age.message?.text}, ${city.message?.text}`);
      finished();
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/profile"));
    expect(sent()).toEqual(["Name?"]);
    await bot.handleUpdate(user.text("Ann"));
    expect(sent()).toEqual(["Name?", "Age?"]);
    await bot.handleUpdate(user.text("33"));
    await bot.handleUpdate(user.text("Oslo"));
    expect(sent()).toEqual(["Name?", "Age?", "City?", "Ann, 33, Oslo"]);
    expect(finished).toHaveBeenCalledOnce();
  });

  it("in a group, answers only from the asking user; others flow on to the normal handlers", async () => {
    const { bot, sent } = createTestBot();
    bot.command("name", async (ctx) => {
      const answer = await ctx.ask("Your name?");
      await answer.reply(`Hello, ${answer.message?.text}!`);
    });
    const echoed: string[] = [];
    bot.on("message:text", (ctx) => {
      echoed.push(ctx.message.text);
    });
    const a = new UpdateFactory({ chat: group, from: ann });
    const b = new UpdateFactory({ chat: group, from: bob });
    await bot.handleUpdate(a.command("/name"));
    await bot.handleUpdate(b.text("I am Bob"));
    expect(echoed).toEqual(["I am Bob"]);
    await bot.handleUpdate(a.text("Ann"));
    expect(echoed).toEqual(["I am Bob"]);
    expect(sent()).toEqual(["Your name?", "Hello, Ann!"]);
  });

  it("with answering, only a reply to that message (or a press on it) answers", async () => {
    const { bot } = createTestBot();
    const got: string[] = [];
    bot.command("w", async (ctx) => {
      const answer = await ctx.waitFor("message:text", { answering: 77 });
      got.push(answer.message.text);
    });
    const user = new UpdateFactory({ chat: group, from: ann });
    await bot.handleUpdate(user.command("/w"));
    await bot.handleUpdate(user.text("no reply"));
    await bot.handleUpdate(user.text("reply to another", { replyTo: 78 }));
    await bot.handleUpdate(user.text("the reply", { replyTo: 77 }));
    expect(got).toEqual(["the reply"]);
  });

  it('with from: "chat", anyone in the chat answers', async () => {
    const { bot, sent } = createTestBot();
    bot.command("poll", async (ctx) => {
      const answer = await ctx.ask("Anyone?", { from: "chat" });
      await answer.reply(`${answer.from?.first_name} answered`);
    });
    await bot.handleUpdate(new UpdateFactory({ chat: group, from: ann }).command("/poll"));
    await bot.handleUpdate(new UpdateFactory({ chat: group, from: bob }).text("me"));
    expect(sent()).toEqual(["Anyone?", "Bob answered"]);
  });

  it("does not take edited, service or the bot's own messages as answers", async () => {
    const { bot, api, sent } = createTestBot();
    bot.command("q", async (ctx) => {
      const answer = await ctx.ask("Q?");
      await answer.reply(`got ${answer.message?.text}`);
    });
    const passed: string[] = [];
    bot.use((ctx) => {
      passed.push(Object.keys(ctx.update)[1] ?? "");
    });
    const a = new UpdateFactory({ chat: group, from: ann });
    await bot.handleUpdate(a.command("/q"));
    await bot.handleUpdate(a.edited("changed", 1));
    await bot.handleUpdate(a.message({ new_chat_title: "t" }));
    await bot.handleUpdate(a.text("mine", { from: { ...api.botInfo, is_bot: true } }));
    expect(passed).toEqual(["edited_message", "message", "message"]);
    await bot.handleUpdate(a.text("real"));
    expect(sent()).toEqual(["Q?", "got real"]);
  });

  it("sends the prompt into the forum topic and hears answers only there", async () => {
    const { bot, api } = createTestBot();
    const answers: string[] = [];
    bot.command("t", async (ctx) => {
      const answer = await ctx.ask("In topic?");
      answers.push(answer.message?.text ?? "");
    });
    const topic5 = new UpdateFactory({ chat: group, from: ann, threadId: 5 });
    const topic6 = new UpdateFactory({ chat: group, from: ann, threadId: 6 });
    await bot.handleUpdate(topic5.command("/t"));
    expect(api.calls.at(-1)?.payload).toMatchObject({ message_thread_id: 5, text: "In topic?" });
    await bot.handleUpdate(topic6.text("wrong topic"));
    await bot.handleUpdate(topic5.text("right topic"));
    expect(answers).toEqual(["right topic"]);
  });

  it("keeps business connections apart and sends the prompt through the connection", async () => {
    const { bot, api } = createTestBot();
    const answers: string[] = [];
    bot.on("business_message", async (ctx) => {
      if (ctx.businessMessage.text !== "start") return;
      const answer = await ctx.ask("Via business?");
      answers.push(answer.businessMessage?.text ?? "");
    });
    const business = new UpdateFactory({ from: ann, businessConnectionId: "bc1" });
    const plain = new UpdateFactory({ from: ann });
    await bot.handleUpdate(business.text("start"));
    expect(api.calls.at(-1)?.payload).toMatchObject({ business_connection_id: "bc1" });
    await bot.handleUpdate(plain.text("not via business"));
    await bot.handleUpdate(business.text("yes"));
    expect(answers).toEqual(["yes"]);
  });

  it("edits a message into the prompt with editMessageId, and passes send options through", async () => {
    const { bot, api } = createTestBot();
    bot.command("e", async (ctx) => {
      const first = await ctx.ask("first", {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
      });
      await first.ask("<b>second</b>", { editMessageId: 42, parse_mode: "HTML" });
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/e"));
    expect(api.calls.at(-1)).toMatchObject({
      method: "sendMessage",
      payload: { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
    });
    expect(api.calls.at(-1)?.payload).not.toHaveProperty("timeoutMs");
    await bot.handleUpdate(user.text("one"));
    expect(api.calls.at(-1)).toMatchObject({
      method: "editMessageText",
      payload: { chat_id: 7, message_id: 42, text: "<b>second</b>", parse_mode: "HTML" },
    });
  });

  it("with requireReply, only a reply to the prompt answers", async () => {
    const { bot, api } = createTestBot();
    const answers: string[] = [];
    bot.command("r", async (ctx) => {
      answers.push((await ctx.ask("Reply to me", { requireReply: true })).message?.text ?? "");
    });
    const user = new UpdateFactory({ chat: group, from: ann });
    await bot.handleUpdate(user.command("/r"));
    const prompt = api.calls.at(-1)?.result as { message_id: number };
    await bot.handleUpdate(user.text("not a reply"));
    await bot.handleUpdate(user.text("a reply", { replyTo: prompt.message_id }));
    expect(answers).toEqual(["a reply"]);
  });
});

describe("timeouts, cancellation and errors", () => {
  it("fires the timeout at the deadline through the clock; the handler catches it", async () => {
    const { bot, clock, sent, plugin } = createTestBot();
    const onTimeout = vi.fn();
    bot.command("name", async (ctx) => {
      try {
        await ctx.ask("Name?", { timeoutMs: 60_000, onTimeout });
      } catch (error) {
        if (error instanceof ListenerTimeoutError) await ctx.reply("You took too long.");
        else throw error;
      }
    });
    await bot.handleUpdate(new UpdateFactory({ from: ann }).command("/name"));
    await clock.advanceAsync(59_999);
    expect(onTimeout).not.toHaveBeenCalled();
    await clock.advanceAsync(1);
    expect(onTimeout).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(sent()).toEqual(["Name?", "You took too long."]));
    expect(plugin.stats()).toMatchObject({ pending: 0, timeouts: 1 });
  });

  it("uses the plugin-wide timeout and calls wait-error hooks without swallowing the error", async () => {
    const pluginHook = vi.fn();
    const { bot, clock } = createTestBot({ timeoutMs: 1000, onWaitError: pluginHook });
    const callHook = vi.fn();
    const caught = vi.fn();
    bot.command("x", async (ctx) => {
      await ctx.ask("?", { onWaitError: callHook }).catch(caught);
    });
    await bot.handleUpdate(new UpdateFactory({ from: ann }).command("/x"));
    await clock.advanceAsync(1000);
    await vi.waitFor(() => expect(caught).toHaveBeenCalledOnce());
    expect(callHook.mock.calls[0]?.[0]).toBeInstanceOf(ListenerTimeoutError);
    expect(pluginHook.mock.calls[0]?.[0]).toBeInstanceOf(ListenerTimeoutError);
    expect(caught.mock.calls[0]?.[0]).toBeInstanceOf(ListenerTimeoutError);
  });

  it("a command cancels the pending wait (reason bypass) and runs its own handler", async () => {
    const { bot, sent } = createTestBot();
    const reasons: string[] = [];
    bot.command("name", async (ctx) => {
      try {
        await ctx.ask("Name?");
      } catch (error) {
        if (error instanceof ListenerCancelledError) reasons.push(error.reason);
      }
    });
    bot.command("help", (ctx) => ctx.reply("Help!"));
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/name"));
    await bot.handleUpdate(user.command("/help"));
    await vi.waitFor(() => expect(reasons).toEqual(["bypass"]));
    expect(sent()).toEqual(["Name?", "Help!"]);
  });

  it("bypass can be a list of commands, and is off for a wait that asks for a command", async () => {
    const { bot } = createTestBot({ bypass: ["cancel"] });
    const got: string[] = [];
    bot.command("go", async (ctx) => {
      got.push((await ctx.ask("?")).message?.text ?? "");
      got.push((await ctx.waitFor("::bot_command")).message?.text ?? "");
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/go"));
    await bot.handleUpdate(user.command("/other"));
    await bot.handleUpdate(user.command("/cancel"));
    expect(got).toEqual(["/other", "/cancel"]);
  });

  it("an error before the first suspension reaches bot.catch; after it, onError", async () => {
    const { bot, errors } = createTestBot();
    bot.command("early", () => {
      throw new Error("early");
    });
    bot.command("late", async (ctx) => {
      await ctx.ask("?");
      throw new Error("late");
    });
    const user = new UpdateFactory({ from: ann });
    await expect(bot.handleUpdate(user.command("/early"))).rejects.toThrow("early");
    await bot.handleUpdate(user.command("/late"));
    await bot.handleUpdate(user.text("answer"));
    expect(errors).toEqual([new Error("late")]);
  });

  it("logs a resumed handler's failure by default, but not a shutdown it let through", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { bot, plugin } = createTestBot({ onError: undefined as never });
    bot.command("a", async (ctx) => {
      await ctx.ask("A?");
      throw new Error("after the answer");
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/a"));
    await bot.handleUpdate(user.text("x"));
    await bot.handleUpdate(user.command("/a"));
    plugin.shutdown();
    await vi.waitFor(() => expect(plugin.stats().pending).toBe(0));
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0]?.[0])).toContain("resumed by update");
    logged.mockRestore();
  });

  it("shutdown ends every wait with reason shutdown and sends nothing", async () => {
    const { bot, plugin, sent } = createTestBot();
    const reasons: string[] = [];
    bot.command("a", async (ctx) => {
      await ctx.ask("A?").catch((e: ListenerCancelledError) => reasons.push(e.reason));
    });
    await bot.handleUpdate(new UpdateFactory({ from: ann }).command("/a"));
    await bot.handleUpdate(new UpdateFactory({ from: bob }).command("/a"));
    expect(plugin.stats().pending).toBe(2);
    plugin.shutdown();
    await vi.waitFor(() => expect(reasons).toEqual(["shutdown", "shutdown"]));
    expect(sent()).toEqual(["A?", "A?"]);
    expect(plugin.stats()).toMatchObject({ pending: 0, cancellations: 2 });
  });
});
