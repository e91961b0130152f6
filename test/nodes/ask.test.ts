import {
  defineNode,
  goto,
  ListenerCancelledError,
  MemoryLock,
  type Storage,
  stay,
  VersionConflictError,
} from "colloquy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { TestContext } from "../support/grammy.js";
import { annScope, createFlowBot } from "./harness.js";

const profile = defineNode({ key: "profile", schema: z.object({ name: z.string().optional() }) });
const elsewhere = defineNode({ key: "elsewhere", schema: z.object({}) });

/** On "rename", the profile node asks for a name in the middle of its event. */
function askingFlow(storage?: Storage) {
  const lock = new MemoryLock();
  const setup = createFlowBot({
    lock,
    ...(storage === undefined ? {} : { storage }),
    start: () => goto(profile, {}),
    nodes: [
      profile.handle<TestContext>({
        async event(ctx, data) {
          if (ctx.message?.text !== "rename") {
            await ctx.reply(`name: ${data.name ?? "none"}`);
            return stay();
          }
          const answer = await ctx.ask("Your name?");
          return stay({ name: answer.message?.text ?? "?" });
        },
      }),
      elsewhere.handle<TestContext>({ event: () => stay() }),
    ],
  });
  return { ...setup, lock };
}

describe("a node waiting in ctx.ask", () => {
  it("holds no lease while it waits, and stores its transition when the answer comes", async () => {
    const { send, lock, flow, sent } = askingFlow();
    await send("/go");
    await send("rename");
    expect(sent()).toEqual(["Your name?"]);
    // The update's handleUpdate returned at the ask, and nothing holds Ann's lease.
    expect(lock.size).toBe(0);
    await send("Ann");
    expect(await flow.user(annScope).get()).toEqual({ node: "profile", data: { name: "Ann" } });
    await send("who");
    expect(sent()).toEqual(["Your name?", "name: Ann"]);
  });

  it("discards the transition with VersionConflictError when the user was moved meanwhile", async () => {
    const { send, flow, errors } = askingFlow();
    await send("/go");
    await send("rename");
    // Not blocked by the pending ask: the move takes the free lease at once.
    await flow.user(annScope).to(elsewhere, {});
    await send("Ann");
    expect(errors).toEqual([expect.any(VersionConflictError)]);
    expect(await flow.user(annScope).get()).toEqual({ node: "elsewhere", data: {} });
  });

  it("lets a command restart the flow while the ask waits; the stale turn stores nothing", async () => {
    const { send, flow, errors, sent } = askingFlow();
    await send("/go");
    await send("rename");
    await send("/go");
    expect(errors).toEqual([expect.any(ListenerCancelledError)]);
    await send("who");
    expect(sent()).toEqual(["Your name?", "name: none"]);
    expect(await flow.user(annScope).get()).toEqual({ node: "profile", data: {} });
  });

  it("loses the wait on a restart: the next update reaches the stored node's event", async () => {
    const before = askingFlow();
    await before.send("/go");
    await before.send("rename");
    // A new process on the same storage knows nothing of the pending ask.
    const after = askingFlow(before.storage);
    await after.send("Ann");
    expect(after.sent()).toEqual(["name: none"]);
    expect(await after.flow.user(annScope).get()).toEqual({ node: "profile", data: {} });
  });
});
