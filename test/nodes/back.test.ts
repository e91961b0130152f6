import {
  back,
  defineNode,
  end,
  goto,
  MemoryHistory,
  MemoryStorage,
  stay,
  VersionConflictError,
} from "colloquy";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { BotFlow } from "../../src/adapters/grammy/flow.js";
import type { TestContext } from "../support/grammy.js";
import { annScope, createFlowBot, type FlowBotOptions } from "./harness.js";

const first = defineNode({ key: "first", schema: z.object({ n: z.number() }) });
const second = defineNode({ key: "second", schema: z.object({ words: z.array(z.string()) }) });
const third = defineNode({ key: "third", schema: z.object({}) });

/** "next" moves on, "back" goes back, "+" and other texts change the data, "wait" asks first. */
const nodes = [
  first.handle<TestContext>({
    enter: (ctx, { n }) => ctx.reply(`first ${n}`),
    event(ctx, { n }) {
      const text = ctx.message?.text;
      if (text === "next") return goto(second, { words: [] });
      if (text === "back") return back();
      return stay({ n: n + 1 });
    },
  }),
  second.handle<TestContext>({
    enter: (ctx, { words }) => ctx.reply(`second ${words.join(",")}`),
    async event(ctx, { words }) {
      const text = ctx.message?.text ?? "";
      if (text === "next") return goto(third, {});
      if (text === "back") return back();
      if (text === "first") return goto(first, { n: 100 });
      if (text === "wait") {
        await ctx.ask("Sure?");
        return goto(third, {});
      }
      return stay({ words: [...words, text] });
    },
  }),
  third.handle<TestContext>({
    enter: (ctx) => ctx.reply("third"),
    event: (ctx) => (ctx.message?.text === "end" ? end() : back()),
  }),
];

/** The flow of `nodes` on a test bot; `/back` calls `flow.back(ctx)` and says what it returned. */
function backBot(options: Partial<FlowBotOptions> = {}) {
  let flow: BotFlow<TestContext> | undefined;
  const setup = createFlowBot({
    nodes,
    start: () => goto(first, { n: 0 }),
    bot: {
      before: (bot) =>
        bot.command("back", async (ctx) => {
          await ctx.reply(`in flow: ${String(await flow?.back(ctx))}`);
        }),
    },
    ...options,
  });
  flow = setup.flow;
  const said = async (...texts: string[]) => {
    const start = setup.sent().length;
    for (const text of texts) await setup.send(text);
    return setup.sent().slice(start);
  };
  return { ...setup, said };
}

const historyScope = `t:${annScope}`;

describe("back() and flow.back(ctx)", () => {
  it("returns to the node before, with the data it had when the user left it, running its enter", async () => {
    const { said, flow } = backBot();
    await said("/go", "+", "+", "next", "tea", "cake", "next");
    expect(await said("back")).toEqual(["second tea,cake"]);
    expect(await said("back")).toEqual(["first 2"]);
    expect(await flow.user(annScope).get()).toEqual({ node: "first", data: { n: 2 } });
    // The data changed since going back is what the user moves on with.
    expect(await said("+", "next", "back")).toEqual(["second ", "first 3"]);
  });

  it("stays at the first node: nothing runs and nothing changes", async () => {
    const { said, flow, storage, key } = backBot();
    await said("/go", "+");
    const before = await storage.getEntry(key);
    expect(await said("back", "/back")).toEqual(["in flow: true"]);
    expect(await storage.getEntry(key)).toEqual(before);
    expect(await flow.user(annScope).get()).toEqual({ node: "first", data: { n: 1 } });
  });

  it("goes back from a handler outside the nodes; users outside the flow are left alone", async () => {
    const { said } = backBot();
    expect(await said("/back")).toEqual(["in flow: false"]);
    await said("/go", "next", "x");
    expect(await said("/back")).toEqual(["first 0", "in flow: true"]);
  });

  it("pushes only moves to another node: stays and a goto to the same node push nothing", async () => {
    const history = new MemoryHistory();
    const { said } = backBot({ history });
    await said("/go", "+", "next", "a", "first", "next", "next");
    expect((await history.list(historyScope)).map((r) => [r.step, r.data])).toEqual([
      ["first", { n: 1 }],
      ["second", { words: ["a"] }],
      ["first", { n: 100 }],
      ["second", { words: [] }],
    ]);
  });

  it("forgets the path when the user starts again, ends, or is taken out", async () => {
    const history = new MemoryHistory();
    const { said, flow } = backBot({ history });
    await said("/go", "next", "next");
    expect(await said("/go", "back")).toEqual(["first 0"]);
    expect(await history.list(historyScope)).toEqual([]);
    await said("next", "next", "end");
    expect(await history.list(historyScope)).toEqual([]);
    await said("/go", "next");
    await flow.user(annScope).leave();
    expect(await history.list(historyScope)).toEqual([]);
  });

  it("lets user(key).to() push the node the user was on, so back() returns there", async () => {
    const { said, flow } = backBot();
    await said("/go", "+");
    await flow.user(annScope).to(third, {});
    expect(await said("hi", "back")).toEqual(["third", "first 1"]);
  });

  it("keeps the path in the snapshot by default, written with each move and across a restart", async () => {
    const storage = new MemoryStorage();
    const before = backBot({ storage });
    const writes = vi.spyOn(storage, "compareAndSet");
    await before.said("/go", "+", "next", "tea");
    // One write per transition, path included; nothing else is written.
    expect(writes).toHaveBeenCalledTimes(4);
    expect(await storage.get(before.key)).toMatchObject({
      node: "second",
      data: { words: ["tea"] },
      back: [{ node: "first", data: { n: 1 } }],
    });
    // A new process on the same storage.
    const after = backBot({ storage });
    expect(await after.said("back")).toEqual(["first 1"]);
    expect(await storage.get(before.key)).not.toHaveProperty("back");
    expect(await after.said("back")).toEqual([]);
  });

  it("pushes only moves to another node in the snapshot's path, and forgets it on a new start", async () => {
    const { said, storage, key } = backBot();
    await said("/go", "+", "next", "a", "first", "next", "next");
    expect(await storage.get(key)).toMatchObject({
      back: [
        { node: "first", data: { n: 1 } },
        { node: "second", data: { words: ["a"] } },
        { node: "first", data: { n: 100 } },
        { node: "second", data: { words: [] } },
      ],
    });
    await said("/go");
    expect(await storage.get(key)).not.toHaveProperty("back");
  });

  it("keeps the last 20 steps in the snapshot, dropping the oldest", async () => {
    const { said, storage, key } = backBot();
    await said("/go");
    for (let i = 0; i < 12; i++) await said("next", "first");
    const path = ((await storage.get(key)) as { back: { node: string }[] }).back;
    expect(path).toHaveLength(20);
    expect(path[0]).toEqual({ node: "first", data: { n: 100 } });
  });

  it("restarts a user whose snapshot's path is malformed, as any unusable snapshot", async () => {
    const { said, storage, key } = backBot({ onInvalidState: () => undefined });
    await said("/go", "next");
    const stored = (await storage.get(key)) as object;
    await storage.set(key, { ...stored, back: [{ node: 3 }] });
    expect(await said("back")).toEqual(["first 0"]);
  });

  it("skips the leftover of a crash between the history push and the snapshot write", async () => {
    const history = new MemoryHistory();
    const { said, storage, flow } = backBot({ history });
    await said("/go", "next", "tea");
    vi.spyOn(storage, "compareAndSet").mockRejectedValueOnce(new Error("crash"));
    await expect(said("next")).rejects.toMatchObject({ error: new Error("crash") });
    // "second" was pushed, but the user is still on it.
    expect((await history.list(historyScope)).map((r) => r.step)).toEqual(["first", "second"]);
    expect(await flow.user(annScope).get()).toMatchObject({ node: "second" });
    expect(await said("back")).toEqual(["first 0"]);
    expect(await history.list(historyScope)).toEqual([]);
  });

  it("skips the leftover of a crash between the snapshot write and the pop of a back", async () => {
    const history = new MemoryHistory();
    const { said, flow } = backBot({ history });
    await said("/go", "next", "next");
    vi.spyOn(history, "pop").mockRejectedValueOnce(new Error("crash"));
    await expect(said("back")).rejects.toMatchObject({ error: new Error("crash") });
    expect(await flow.user(annScope).get()).toMatchObject({ node: "second" });
    // "second" is still on top, naming the node the user is on: the next back skips it.
    expect(await said("back")).toEqual(["first 0"]);
  });

  it("skips records this release cannot use: an unknown node, data failing its schema", async () => {
    const history = new MemoryHistory();
    const { said } = backBot({ history });
    await said("/go", "+", "next", "next");
    await history.push(historyScope, { step: "gone", data: {} });
    await history.push(historyScope, { step: "second", data: { words: "not a list" } });
    expect(await said("back")).toEqual(["second "]);
    expect((await history.list(historyScope)).map((r) => r.step)).toEqual(["first"]);
  });

  it("stores a move after a wait under the lease again, and only if nothing moved the user", async () => {
    const history = new MemoryHistory();
    const { said, flow, errors } = backBot({ history });
    await said("/go", "next", "wait");
    await flow.user(annScope).to(first, { n: 7 });
    await said("yes");
    expect(errors).toEqual([expect.any(VersionConflictError)]);
    // Only the move by to() was recorded: the stale turn wrote nothing, in the history neither.
    expect((await history.list(historyScope)).map((r) => r.step)).toEqual(["first", "second"]);
    expect(await flow.user(annScope).get()).toEqual({ node: "first", data: { n: 7 } });
  });

  it("hands back() to the caller of flow.step, and refuses it from start", async () => {
    const { flow, updateOf } = backBot();
    const update = updateOf("back");
    const ctx = { update, message: update.message } as TestContext;
    expect(await flow.step(ctx, { node: "first", data: { n: 0 } })).toEqual(back());
    const backAtStart = backBot({ start: () => back() as never });
    await expect(backAtStart.flow.enter(ctx)).rejects.toThrow(/must be goto.*; got "back\(\)"/);
  });
});
