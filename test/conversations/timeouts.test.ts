import { ListenerTimeoutError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import { restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

const patient = () =>
  restartable("patient", async (conv) => {
    try {
      const name = await conv.ask("Name? (a minute)", { timeoutMs: 60_000 });
      await name.reply(`Hi ${name.message?.text}`);
    } catch (error) {
      if (!(error instanceof ListenerTimeoutError)) throw error;
      await conv.ask("Too slow. Name, again?");
    }
  });

describe("timeouts in durable conversations", () => {
  it("fire live at the deadline, with no update needed", async () => {
    const setup = patient();
    await setup.start().bot.handleUpdate(new UpdateFactory({ from: ann }).command("/patient"));
    await setup.advance(59_999);
    expect(setup.sent()).toEqual(["Name? (a minute)"]);
    await setup.advance(1);
    expect(setup.sent()).toEqual(["Name? (a minute)", "Too slow. Name, again?"]);
  });

  it("keep their deadline across a restart: not yet due, the answer is taken", async () => {
    const setup = patient();
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/patient"));
    await setup.advance(30_000);
    const after = setup.start();
    await after.bot.handleUpdate(user.text("Ann"));
    expect(setup.sent()).toEqual(["Name? (a minute)", "Hi Ann"]);
  });

  it("overdue after a restart, time out at the next update, which is no answer", async () => {
    const setup = patient();
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/patient"));
    const after = setup.start();
    await setup.advance(90_000);
    await after.bot.handleUpdate(user.text("Ann"));
    expect(setup.sent()).toEqual([
      "Name? (a minute)",
      "Too slow. Name, again?",
      "fallthrough: Ann",
    ]);
    await after.bot.handleUpdate(user.text("Ann"));
    expect(setup.sent()).toHaveLength(3);
  });

  it("a deadline recovered and still ahead fires at its original time", async () => {
    const setup = patient();
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/patient"));
    await setup.advance(20_000);
    const after = setup.start();
    // Recovered by an update that is no answer (an edit): the wait goes on with 40 s left.
    await after.bot.handleUpdate(user.edited("typo", 1));
    await setup.advance(39_999);
    expect(setup.sent()).not.toContain("Too slow. Name, again?");
    await setup.advance(1);
    expect(setup.sent()).toContain("Too slow. Name, again?");
  });

  it("conv.sleep is durable: after a restart it ends at its deadline", async () => {
    const setup = restartable("nap", async (conv, ctx) => {
      await ctx.reply("Napping");
      await conv.sleep(10_000);
      await ctx.reply("Awake");
    });
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/nap"));
    await setup.advance(4_000);
    const after = setup.start();
    await after.bot.handleUpdate(user.text("still there?"));
    expect(setup.sent()).toEqual(["Napping", "fallthrough: still there?"]);
    await setup.advance(5_999);
    expect(setup.sent()).not.toContain("Awake");
    await setup.advance(1);
    expect(setup.sent()).toEqual(["Napping", "fallthrough: still there?", "Awake"]);
  });
});

describe("deadlines that no live coroutine holds (the due sweep)", () => {
  const bob = { id: 8, is_bot: false, first_name: "Bob" };
  const texts = (setup: ReturnType<typeof patient>, chat: number) =>
    setup.api.calls
      .filter((c) => c.method === "sendMessage" && c.payload.chat_id === chat)
      .map((c) => String(c.payload.text));

  it("an overdue wait times out at start-up, without an update of its own", async () => {
    const setup = patient();
    const ann7 = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(ann7.command("/patient"));
    const after = setup.start();
    await setup.advance(90_000);
    // Any update starts the sweep: Bob's, here.
    await after.bot.handleUpdate(new UpdateFactory({ from: bob }).text("hello"));
    await setup.advance(0);
    expect(texts(setup, 7)).toEqual(["Name? (a minute)", "Too slow. Name, again?"]);
    await after.bot.handleUpdate(ann7.text("Ann"));
    expect(texts(setup, 7)).toEqual(["Name? (a minute)", "Too slow. Name, again?"]);
  });

  it("a deadline still ahead after a restart fires at its time", async () => {
    const setup = patient();
    await setup.start().bot.handleUpdate(new UpdateFactory({ from: ann }).command("/patient"));
    const after = setup.start();
    await setup.advance(30_000);
    await after.bot.handleUpdate(new UpdateFactory({ from: bob }).text("hello"));
    await setup.advance(29_999);
    expect(texts(setup, 7)).toEqual(["Name? (a minute)"]);
    await setup.advance(1);
    expect(texts(setup, 7)).toEqual(["Name? (a minute)", "Too slow. Name, again?"]);
  });

  it("skips waits answered since, and keeps no timer once nothing lies ahead", async () => {
    const setup = patient();
    const ann7 = new UpdateFactory({ from: ann });
    const first = setup.start();
    await first.bot.handleUpdate(ann7.command("/patient"));
    await first.bot.handleUpdate(ann7.text("Ann"));
    const after = setup.start();
    await setup.advance(120_000);
    await after.bot.handleUpdate(new UpdateFactory({ from: bob }).text("hello"));
    await setup.advance(0);
    expect(texts(setup, 7)).toEqual(["Name? (a minute)", "Hi Ann"]);
    expect(setup.clock.pendingTimers).toBe(0);
  });
});
