import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidArgumentError, SchemaError, UnknownNodeError } from "../errors.js";
import { MemoryLock } from "../locks/memory.js";
import { MemoryStorage } from "../storages/memory.js";
import { UpdateFactory } from "../testing/updates.js";
import { createFlow } from "./flow.js";
import { defineNode } from "./node.js";
import type { FlowContext } from "./options.js";
import { end, goto, stay } from "./transitions.js";

interface Ctx extends FlowContext {
  readonly said: string[];
}

const updates = new UpdateFactory();
const ctxFor = (text: string): Ctx => ({ update: updates.text(text), said: [] });

const counter = defineNode({ key: "counter", schema: z.object({ n: z.number().int() }) });
// Any Standard Schema validator works: valibot here, zod above.
const done = defineNode({ key: "done", schema: v.object({ total: v.number() }) });
const dated = defineNode({ key: "dated", schema: z.object({ at: z.date() }) });
const loose = defineNode({ key: "loose", schema: z.object({ when: z.unknown() }) });

function flowOf() {
  return createFlow<Ctx>({
    id: "count",
    storage: new MemoryStorage(),
    lock: new MemoryLock(),
    start: () => goto(counter, { n: 0 }),
    nodes: [
      counter.handle({
        event(ctx, { n }) {
          const text = ctx.update.message?.text;
          if (text === "+") return stay({ n: n + 1 });
          if (text === "=") return goto(done, { total: n });
          if (text === "date") return goto(dated, { at: new Date(0) });
          if (text === "bad") return stay({ n: 0.5 });
          if (text === "oops") return undefined as never;
          return stay();
        },
      }),
      done.handle({
        enter: (ctx, { total }) => void ctx.said.push(`total ${total}`),
        event: () => end(),
      }),
      dated.handle({ enter: (ctx) => void ctx.said.push("dated"), event: () => stay() }),
      loose.handle({ event: () => stay({ when: new Date(0) }) }),
    ],
  });
}

describe("flow.step (no storage, no lock)", () => {
  const flow = flowOf();

  it("stays with new data, or with the data it had", async () => {
    expect(await flow.step(ctxFor("+"), { node: "counter", data: { n: 1 } })).toEqual({
      node: "counter",
      data: { n: 2 },
    });
    expect(await flow.step(ctxFor("?"), { node: "counter", data: { n: 1 } })).toEqual({
      node: "counter",
      data: { n: 1 },
    });
  });

  it("goes to a node and runs its enter with the validated data; end() ends", async () => {
    const ctx = ctxFor("=");
    expect(await flow.step(ctx, { node: "counter", data: { n: 3 } })).toEqual({
      node: "done",
      data: { total: 3 },
    });
    expect(ctx.said).toEqual(["total 3"]);
    expect(await flow.step(ctxFor("x"), { node: "done", data: { total: 3 } })).toBeUndefined();
  });

  it("refuses data that fails the schema, naming the node and the path", async () => {
    const error = await flow
      .step(ctxFor("bad"), { node: "counter", data: { n: 1 } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain('node "counter" of flow "count"');
    expect(error.issues[0].path).toBe("$.n");
  });

  it("refuses a Date in node data at validation, before enter runs", async () => {
    const ctx = ctxFor("date");
    const error = await flow.step(ctx, { node: "counter", data: { n: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.issues).toEqual([expect.objectContaining({ path: "$.at" })]);
    expect(error.message).toMatch(/Date at \$\.at/);
    expect(ctx.said).toEqual([]);
    // Even when the schema lets anything through, the JSON check does not.
    await expect(flow.step(ctxFor("x"), { node: "loose", data: { when: 1 } })).rejects.toThrow(
      SchemaError,
    );
  });

  it("says what an event must return when it returns something else", async () => {
    await expect(flow.step(ctxFor("oops"), { node: "counter", data: { n: 1 } })).rejects.toThrow(
      /return value of the event of node "counter" of flow "count" must be stay/,
    );
  });

  it("names the known nodes for an unknown key", async () => {
    const error = await flow.step(ctxFor("x"), { node: "nope", data: {} }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect(error.message).toContain("known: counter, done, dated, loose");
  });
});

describe("definitions", () => {
  it("refuses empty keys, non-schemas, missing event, duplicate keys and no nodes", () => {
    expect(() => defineNode({ key: "", schema: z.object({}) })).toThrow(InvalidArgumentError);
    expect(() => defineNode({ key: "a", schema: {} as never })).toThrow(/Standard Schema/);
    expect(() => counter.handle({} as never)).toThrow(/event/);
    const base = {
      id: "f",
      storage: new MemoryStorage(),
      lock: new MemoryLock(),
      start: () => goto(counter, { n: 0 }),
    };
    const node = counter.handle({ event: () => stay() });
    expect(() => createFlow({ ...base, nodes: [node, node] })).toThrow(
      /unique .* twice; got "counter"/,
    );
    expect(() => createFlow({ ...base, nodes: [] })).toThrow(/non-empty array/);
    expect(() => createFlow({ ...base, id: "", nodes: [node] })).toThrow(/id must be/);
    expect(() => createFlow({ ...base, nodes: [node], ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
