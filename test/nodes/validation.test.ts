import type { StandardSchemaV1 } from "@standard-schema/spec";
import { MemoryStorage } from "colloquy";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineNode, goto, stay } from "../../src/nodes/index.js";
import type { TestContext } from "../support/grammy.js";
import { createFlowBot } from "./harness.js";

/** zod's schema of a counter, with every validation counted. */
function countedSchema() {
  const inner = z.object({ n: z.number() });
  const validate = vi.fn((value: unknown) => inner["~standard"].validate(value));
  const schema: StandardSchemaV1<{ n: number }, { n: number }> = {
    "~standard": { ...inner["~standard"], validate },
  };
  return { schema, validate };
}

function counterBot(storage: MemoryStorage) {
  const { schema, validate } = countedSchema();
  const counter = defineNode({ key: "counter", schema });
  const nodes = [
    counter.handle<TestContext>({
      enter: (ctx, { n }) => ctx.reply(`at ${n}`),
      event: (ctx, { n }) => (ctx.message?.text === "same" ? stay() : stay({ n: n + 1 })),
    }),
  ];
  const setup = createFlowBot({ nodes, start: () => goto(counter, { n: 0 }), storage });
  return { ...setup, validate };
}

describe("validation of stored snapshots", () => {
  it("validates each transition's data, not the flow's own snapshot when it loads it back", async () => {
    const { send, validate, flow } = counterBot(new MemoryStorage());
    await send("/go");
    expect(validate).toHaveBeenCalledTimes(1);
    await send("+");
    await send("same");
    await send("+");
    // The two stays with data; the loads of what this flow had stored ran no schema.
    expect(validate).toHaveBeenCalledTimes(3);
    expect(await flow.user("chat:1/user:1").get()).toEqual({ node: "counter", data: { n: 2 } });
  });

  it("validates a snapshot written by anyone else: another process, or by hand", async () => {
    const storage = new MemoryStorage();
    const first = counterBot(storage);
    await first.send("/go");
    // Another process on the same storage: its first load of the snapshot is validated.
    const second = counterBot(storage);
    await second.send("same");
    expect(second.validate).toHaveBeenCalledTimes(1);
    await second.send("same");
    expect(second.validate).toHaveBeenCalledTimes(1);
    // The first process loads what the second wrote: validated.
    await first.send("same");
    expect(first.validate).toHaveBeenCalledTimes(2);
    // Written by hand, at a version this flow never stored: validated, and refused.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const stored = (await storage.get(first.key)) as object;
    await storage.set(first.key, { ...stored, data: { n: "two" } });
    await first.send("same");
    expect(warn).toHaveBeenCalledOnce();
    expect(first.sent().at(-1)).toBe("at 0");
    warn.mockRestore();
  });
});
