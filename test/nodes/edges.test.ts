import { describe, expect, it } from "vitest";
import { z } from "zod";
import { back, defineNode, end, goto, stay } from "../../src/nodes/index.js";
import type { TestContext } from "../support/grammy.js";
import { annScope, createFlowBot } from "./harness.js";

const ask = defineNode({ key: "ask", schema: z.object({}) });
const age = defineNode({ key: "age", schema: z.object({ name: z.string() }) });
const done = defineNode({ key: "done", schema: z.object({ name: z.string() }) });
// The same data as `age`: only the key tells them apart in a `to` list.
const twin = defineNode({ key: "twin", schema: z.object({ name: z.string() }) });

describe("declared edges (to)", () => {
  it("types a node's event against its to list: goto elsewhere, back or end undeclared fail", () => {
    ask.handle({
      to: [age, ask],
      event: (ctx: TestContext) => (ctx.message?.text ? goto(age, { name: "Ann" }) : goto(ask, {})),
    });
    // @ts-expect-error -- `twin` has the same data as `done` but is not in the list.
    age.handle({
      to: [done],
      event: (_ctx: TestContext) => goto(twin, { name: "Ann" }),
    });
    // @ts-expect-error -- back() is not declared.
    age.handle({
      to: [done],
      event: (_ctx: TestContext) => back(),
    });
    // @ts-expect-error -- end() is not declared.
    age.handle({
      to: [done],
      event: (_ctx: TestContext) => end(),
    });
    age.handle({
      to: [done, back, end],
      event: (ctx: TestContext, data) =>
        ctx.message?.text === "back" ? back() : ctx.message ? end() : stay(data),
    });
    age.handle({
      to: [done],
      // @ts-expect-error -- the data is checked against the target's schema as before.
      event: (_ctx: TestContext) => goto(done, { name: 7 }),
    });
    // A to list with an explicit context type cannot be inferred: refused rather than ignored.
    // @ts-expect-error -- type ctx in the handlers instead of writing handle<TestContext>.
    age.handle<TestContext>({ to: [done], event: () => goto(twin, { name: "Ann" }) });
    // Without a to list, any node goes, as before.
    age.handle<TestContext>({ event: () => goto(twin, { name: "Ann" }) });
  });

  it("refuses at run time a goto to an undeclared node (JavaScript, a cast)", async () => {
    const nodes = [
      ask.handle({
        to: [age],
        event: (_ctx: TestContext) => goto(twin, { name: "Ann" }) as never,
      }),
      age.handle<TestContext>({ event: () => stay() }),
      twin.handle<TestContext>({ event: () => stay() }),
    ];
    const { send, flow } = createFlowBot({ nodes, start: () => goto(ask, {}) });
    await send("/go");
    await expect(send("hi")).rejects.toMatchObject({
      error: expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(
          /node "ask" of flow "t" must be .*\(to: age\); got "goto\(twin\)"/,
        ),
      }),
    });
    expect(await flow.user(annScope).get()).toEqual({ node: "ask", data: {} });
  });

  it("refuses a to list that is no list, or that names a node outside the flow", () => {
    expect(() => age.handle({ to: done as never, event: () => stay() })).toThrow(
      /to of node "age"/,
    );
    const nodes = [ask.handle({ to: [age], event: (_ctx: TestContext) => stay() })];
    expect(() => createFlowBot({ nodes, start: goto(ask, {}) })).toThrow(
      /to of node "ask" in flow "t" must be a list of this flow's nodes.*; got "age"/,
    );
  });
});
