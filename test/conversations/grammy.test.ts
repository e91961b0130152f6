import { run, sequentialize } from "@grammyjs/runner";
import { createCoordinator } from "colloquy";
import { coordinate } from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import { type SessionFlavor, webhookCallback } from "grammy";
import { describe, expect, it, vi } from "vitest";
import { countingSession, feedUpdates } from "../support/grammy.js";
import { serveOnLoopback } from "../support/webhook-server.js";
import { type ConvContext, restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

/** Asks for a name and greets: the conversation every host below runs. */
const greeter = (options = {}) =>
  restartable(
    "name",
    async (conv) => {
      const answer = await conv.ask("Name?");
      await answer.reply(`Hi ${answer.message?.text}`);
    },
    options,
  );

describe("durable conversations in grammY's hosts", () => {
  it("session() before the plugin: the answer's session is saved with its update", async () => {
    const stored = new Map<string, { count: number }>();
    const setup = restartable("count", async (conv) => {
      for (let i = 0; i < 2; i++) {
        const answer = (await conv.ask(`Answer ${i + 1}`)) as ConvContext &
          SessionFlavor<{ count: number }>;
        answer.session.count++;
      }
    });
    const { bot } = setup.start({
      before: (b) => b.use(countingSession(stored) as never),
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/count"));
    await bot.handleUpdate(user.text("a"));
    expect(stored.get("7")).toEqual({ count: 1 });
    await bot.handleUpdate(user.text("b"));
    expect(stored.get("7")).toEqual({ count: 2 });
  });

  it("coordinate(): an answer delivered twice is handled once", async () => {
    const coordinator = createCoordinator();
    const setup = greeter();
    const { bot } = setup.start({ before: (b) => b.use(coordinate(coordinator)) });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/name"));
    const answer = user.text("Ann");
    await Promise.all([bot.handleUpdate(answer), bot.handleUpdate(answer)]);
    expect(setup.sent()).toEqual(["Name?", "Hi Ann"]);
  });

  it("webhookCallback answers while the conversation waits; the reply resumes it", async () => {
    const setup = greeter();
    const { bot } = setup.start();
    const { post, close } = await serveOnLoopback(webhookCallback(bot, "http"));
    const user = new UpdateFactory({ from: ann });
    try {
      expect((await post(user.command("/name"))).status).toBe(200);
      expect(setup.sent()).toEqual(["Name?"]);
      expect((await post(user.text("Ann"))).status).toBe(200);
      expect(setup.sent()).toEqual(["Name?", "Hi Ann"]);
    } finally {
      close();
    }
  });

  it("bot.start(): long polling hands control back while the conversation waits", async () => {
    const setup = greeter();
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    feedUpdates(bot.api, [user.command("/name"), user.text("Ann"), user.text("later")]);
    const polling = bot.start();
    await vi.waitFor(() => expect(setup.sent()).toEqual(["Name?", "Hi Ann", "fallthrough: later"]));
    await bot.stop();
    await polling;
  });

  it("@grammyjs/runner with sequentialize before the plugin", async () => {
    const setup = greeter();
    const { bot } = setup.start({
      before: (b) => b.use(sequentialize((ctx) => String(ctx.chat?.id))),
    });
    const user = new UpdateFactory({ from: ann });
    feedUpdates(bot.api, [user.command("/name"), user.text("Ann"), user.text("later")]);
    const handle = run(bot, { runner: { silent: true } });
    await vi.waitFor(() => expect(setup.sent()).toEqual(["Name?", "Hi Ann", "fallthrough: later"]));
    await handle.stop();
  });
});
