import { createFlow, MemoryLock, MemoryStorage, SchemaError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineNode, end, goto, stay } from "../../src/nodes/index.js";
import type { TestContext } from "../support/grammy.js";
import { annScope, createFlowBot } from "./harness.js";

const list = defineNode({ key: "list", schema: z.object({ items: z.array(z.string()) }) });
const broken = defineNode({ key: "broken", schema: z.object({}) });
const dated = defineNode({ key: "dated", schema: z.object({ at: z.date() }) });

/** Appends every text to the list; "fail" goes to a node whose enter throws. */
function listFlow(events: string[] = [], track = { active: 0, most: 0 }) {
  const enterBroken = vi.fn(() => {
    throw new Error("enter failed");
  });
  const enterDated = vi.fn();
  const nodes = [
    list.handle<TestContext>({
      enter: (ctx, { items }) => ctx.reply(`list: ${items.join(",")}`),
      async event(ctx, { items }) {
        const text = ctx.message?.text ?? "";
        events.push(text);
        track.active++;
        track.most = Math.max(track.most, track.active);
        // Lets every other pending update try to run meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
        track.active--;
        if (text === "fail") return goto(broken, {});
        if (text === "throw") throw new Error("event failed");
        if (text === "date") return goto(dated, { at: new Date() });
        if (text === "end") return end();
        return stay({ items: [...items, text] });
      },
    }),
    broken.handle<TestContext>({ enter: enterBroken, event: () => stay() }),
    dated.handle<TestContext>({ enter: enterDated, event: () => stay() }),
  ];
  // start may be async (it could read a profile first).
  const start = async () => goto(list, { items: [] });
  return { nodes, start, enterBroken, enterDated, track };
}

describe("a node flow on memory", () => {
  it("runs ten concurrent events of one user one at a time, in order, each once", async () => {
    const events: string[] = [];
    const setup = listFlow(events);
    const { send, flow } = createFlowBot(setup);
    await send("/go");
    const texts = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await Promise.all(texts.map((text) => send(text)));
    expect(events).toEqual(texts);
    expect(setup.track.most).toBe(1);
    expect(await flow.user(annScope).get()).toEqual({ node: "list", data: { items: texts } });
  });

  it("passes the updates of users outside the flow on, and takes none once they leave", async () => {
    const { send, flow, passed, sent } = createFlowBot(listFlow());
    await send("before");
    await send("/go");
    await send("a");
    expect(await flow.user(annScope).leave()).toBe(true);
    expect(await flow.user(annScope).leave()).toBe(false);
    await send("after");
    expect(passed).toEqual(["before", "after"]);
    expect(sent()).toEqual(["list: "]);
  });

  it("takes no lease for the updates of users outside the flow", async () => {
    const lock = new MemoryLock();
    const acquire = vi.spyOn(lock, "acquire");
    const { send } = createFlowBot({ ...listFlow(), lock });
    await send("outside");
    expect(acquire).not.toHaveBeenCalled();
    await send("/go");
    await send("inside");
    expect(acquire).toHaveBeenCalledTimes(2);
  });

  it("ends the flow on end(): the snapshot is gone", async () => {
    const { send, flow, storage, key } = createFlowBot(listFlow());
    await send("/go");
    await send("end");
    expect(await storage.getEntry(key)).toBeUndefined();
    expect(await flow.user(annScope).get()).toBeUndefined();
  });

  it("persists nothing when enter throws, and the error reaches grammY", async () => {
    const setup = listFlow();
    const { send, storage, key } = createFlowBot(setup);
    await send("/go");
    await send("a");
    const before = await storage.getEntry(key);
    await expect(send("fail")).rejects.toMatchObject({ error: new Error("enter failed") });
    expect(setup.enterBroken).toHaveBeenCalledOnce();
    expect(await storage.getEntry(key)).toEqual(before);
    await send("b");
    expect(await storage.get(key)).toMatchObject({ node: "list", data: { items: ["a", "b"] } });
  });

  it("persists nothing when event throws", async () => {
    const { send, storage, key } = createFlowBot(listFlow());
    await send("/go");
    const before = await storage.getEntry(key);
    await expect(send("throw")).rejects.toMatchObject({ error: new Error("event failed") });
    expect(await storage.getEntry(key)).toEqual(before);
  });

  it("does not enter a user whose start node's enter throws", async () => {
    const setup = listFlow();
    const { send, storage, key } = createFlowBot({ ...setup, start: () => goto(broken, {}) });
    await expect(send("/go")).rejects.toMatchObject({ error: new Error("enter failed") });
    expect(await storage.getEntry(key)).toBeUndefined();
  });

  it("fails a Date in node data at validation, not at save: nothing runs, nothing is stored", async () => {
    const setup = listFlow();
    const { send, storage, key } = createFlowBot(setup);
    await send("/go");
    const before = await storage.getEntry(key);
    const failure = await send("date").catch((e) => e.error);
    expect(failure).toBeInstanceOf(SchemaError);
    expect(failure.message).toContain('node "dated" of flow "t"');
    expect(setup.enterDated).not.toHaveBeenCalled();
    expect(await storage.getEntry(key)).toEqual(before);
  });

  it("moves a user from outside any update; the node's enter runs with their next update", async () => {
    const { send, flow, sent, storage, key } = createFlowBot(listFlow());
    await flow.user(annScope).to(list, { items: ["x"] });
    expect(await storage.get(key)).toMatchObject({ node: "list", enter: true });
    expect(sent()).toEqual([]);
    await send("hi");
    expect(sent()).toEqual(["list: x"]);
    await send("y");
    expect(await flow.user(annScope).get()).toEqual({ node: "list", data: { items: ["x", "y"] } });
    await expect(flow.user(annScope).to(list, { items: [1] } as never)).rejects.toThrow(
      SchemaError,
    );
  });

  it("says what start must return when it returns stay()", async () => {
    const { flow, updateOf } = createFlowBot({ ...listFlow(), start: () => stay() as never });
    const ctx = { update: updateOf("/go") } as TestContext;
    await expect(flow.enter(ctx)).rejects.toThrow(/start or onInvalidState .* must be goto/);
  });

  it("expires a snapshot ttlMs after the last transition", async () => {
    const { send, flow, clock, passed } = createFlowBot({ ...listFlow(), ttlMs: 60_000 });
    await send("/go");
    clock.advance(59_000);
    await send("a");
    clock.advance(59_000);
    expect(await flow.user(annScope).get()).toMatchObject({ data: { items: ["a"] } });
    clock.advance(2_000);
    await send("b");
    expect(passed).toEqual(["b"]);
  });
});

describe("stored state that no longer fits", () => {
  afterEach(() => vi.restoreAllMocks());

  const poisons: [string, unknown][] = [
    ["data failing its schema", { v: [1, 0], node: "list", data: { items: "x" } }],
    ["an unknown node", { v: [1, 0], node: "gone", data: {} }],
    ["a value that is no snapshot", "garbage"],
    ["a newer snapshot format", { v: [2, 0], node: "list", data: { items: [] } }],
  ];

  it.each(poisons)("recovers from %s: logs and restarts at the start node", async (_, poison) => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { send, storage, key, sent, flow } = createFlowBot(listFlow());
    await storage.set(key, poison);
    await send("hello");
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain(`state of ${annScope} in flow "t"`);
    expect(sent()).toEqual(["list: "]);
    await send("a");
    expect(await flow.user(annScope).get()).toEqual({ node: "list", data: { items: ["a"] } });
  });

  it("lets onInvalidState decide, with the error and the stored value", async () => {
    const onInvalidState = vi.fn(() => end());
    const { send, storage, key, passed } = createFlowBot({ ...listFlow(), onInvalidState });
    await storage.set(key, { v: [1, 0], node: "gone", data: {} });
    await send("consumed");
    expect(onInvalidState).toHaveBeenCalledWith(
      expect.objectContaining({ code: "UNKNOWN_NODE" }),
      expect.objectContaining({
        scopeKey: annScope,
        stored: { v: [1, 0], node: "gone", data: {} },
      }),
    );
    expect(await storage.getEntry(key)).toBeUndefined();
    await send("next");
    expect(passed).toEqual(["next"]);
  });

  it("tells onPresence whether the user is still in, also when onInvalidState ends them", async () => {
    const storage = new MemoryStorage();
    const presence: boolean[] = [];
    const only = defineNode({ key: "only", schema: z.object({}) });
    const flow = createFlow({
      id: "t",
      storage,
      lock: new MemoryLock(),
      nodes: [only.handle({ event: () => stay() })],
      start: () => goto(only, {}),
      onInvalidState: () => end(),
      onPresence: (_, inFlow) => presence.push(inFlow),
    });
    const ctx = {
      update: new UpdateFactory({ from: { id: 1, is_bot: false, first_name: "A" } }).text("x"),
    };
    await flow.enter(ctx);
    await flow.handle(ctx);
    await storage.set(`colloquy:flow:t:${annScope}`, { v: [1, 0], node: "gone", data: {} });
    await flow.handle(ctx);
    expect(presence).toEqual([true, true, false]);
  });
});

describe("appVersion and migrate", () => {
  const cart = defineNode({ key: "cart", schema: z.object({ items: z.array(z.string()) }) });
  const cart2 = defineNode({
    key: "cart",
    schema: z.object({ lines: z.array(z.object({ name: z.string(), qty: z.number() })) }),
  });

  it("migrates a snapshot written under another appVersion, then stores the new one", async () => {
    const v1 = createFlowBot({
      appVersion: 1,
      nodes: [
        cart.handle({
          event: (ctx, { items }) => stay({ items: [...items, ctx.msg?.text ?? ""] }),
        }),
      ],
      start: () => goto(cart, { items: [] }),
    });
    await v1.send("/go");
    await v1.send("Tea");
    const migrate = vi.fn(({ node, data }: { node: string; data: unknown }) => ({
      node,
      data: { lines: (data as { items: string[] }).items.map((name) => ({ name, qty: 1 })) },
    }));
    const seen: unknown[] = [];
    const v2 = createFlowBot({
      storage: v1.storage,
      appVersion: "2.0",
      migrate,
      nodes: [
        cart2.handle({
          event(_, data) {
            seen.push(data);
            return stay();
          },
        }),
      ],
      start: () => goto(cart2, { lines: [] }),
    });
    await v2.send("again");
    expect(migrate).toHaveBeenCalledWith({ node: "cart", data: { items: ["Tea"] }, appVersion: 1 });
    expect(seen).toEqual([{ lines: [{ name: "Tea", qty: 1 }] }]);
    expect(await v2.storage.get(v2.key)).toEqual({
      v: [1, "2.0"],
      node: "cart",
      data: { lines: [{ name: "Tea", qty: 1 }] },
    });
    await v2.send("once more");
    expect(migrate).toHaveBeenCalledOnce();
  });
});
