import { ReplayMismatchError } from "colloquy";
import type { Conversation } from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import type { MemoryStorage } from "../../src/storages/memory.js";
import { type ConvContext, restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

/** The code before the change asks twice; after it, it sends a greeting first. */
let changed = false;
const survey = async (conv: Conversation<ConvContext>) => {
  if (changed) await conv.external(() => "new path", "greeting");
  const name = await conv.ask("Name?");
  await conv.ask(`Age, ${name.message?.text}?`);
  await conv.ask("Done?");
};

describe("replay mismatch", () => {
  it("ends the conversation, reports the step and both sides, and lets the update through", async () => {
    changed = false;
    const setup = restartable("survey", survey);
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/survey"));
    await setup.start().bot.handleUpdate(user.text("Ann"));
    changed = true;
    const after = setup.start();
    await after.bot.handleUpdate(user.text("33"));
    const [error] = setup.errors;
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toMatchObject({
      conversation: "survey",
      step: 0,
      journaled: "api sendMessage",
      requested: "external greeting",
    });
    expect(setup.sent().at(-1)).toBe("fallthrough: 33");
    // The journal is gone: nothing of the ended conversation stays in storage.
    expect((setup.storage as MemoryStorage).size).toBe(0);
  });

  it('"restart" starts it over with its arguments; the update is not taken as an answer', async () => {
    changed = false;
    const setup = restartable("survey", survey, { onReplayMismatch: "restart" });
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/survey"));
    changed = true;
    const after = setup.start();
    await after.bot.handleUpdate(user.text("Ann"));
    expect(setup.sent()).toEqual(["Name?", "Name?", "fallthrough: Ann"]);
    await after.bot.handleUpdate(user.text("Bo"));
    expect(setup.sent().at(-1)).toBe("Age, Bo?");
  });

  it("a code path that ends earlier than its journal is a mismatch too", async () => {
    let short = false;
    const setup = restartable("short", async (conv) => {
      await conv.ask("One?");
      if (short) return;
      await conv.ask("Two?");
      await conv.ask("Three?");
    });
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/short"));
    await setup.start().bot.handleUpdate(user.text("1"));
    short = true;
    await setup.start().bot.handleUpdate(user.text("2"));
    expect(setup.errors[0]).toMatchObject({ requested: "the end", journaled: "api sendMessage" });
  });
});

describe("versions", () => {
  const versioned = (version: number, onVersionChange?: "continue" | "restart") =>
    restartable(
      "v",
      async (conv) => {
        await conv.ask(`v${version} one?`);
        await conv.ask(`v${version} two?`);
      },
      { version, ...(onVersionChange ? { onVersionChange } : {}) },
    );

  it("a journal of another version is a mismatch by default", async () => {
    const old = versioned(1);
    const user = new UpdateFactory({ from: ann });
    await old.start().bot.handleUpdate(user.command("/v"));
    const next = restartable("v", async (conv) => void (await conv.ask("v2 one?")), {
      version: 2,
      storage: old.storage,
    });
    await next.start().bot.handleUpdate(user.text("x"));
    expect(next.errors[0]).toMatchObject({
      code: "REPLAY_MISMATCH",
      journaled: "a journal of version 1",
      requested: "version 2",
    });
  });

  it('"continue" replays the old journal with the new code; "restart" starts over', async () => {
    const user = new UpdateFactory({ from: ann });
    const old = versioned(1);
    await old.start().bot.handleUpdate(user.command("/v"));
    const cont = restartable(
      "v",
      async (conv) => {
        await conv.ask("v1 one?");
        await conv.ask("v2 two?");
      },
      { version: 2, onVersionChange: "continue", storage: old.storage },
    );
    const running = cont.start();
    await running.bot.handleUpdate(user.text("x"));
    expect(cont.sent()).toEqual(["v2 two?"]);
    expect(cont.errors).toEqual([]);

    const restart = restartable("v", async (conv) => void (await conv.ask("v3 one?")), {
      version: 3,
      onVersionChange: "restart",
      storage: old.storage,
    });
    await restart.start().bot.handleUpdate(user.text("y"));
    expect(restart.sent()).toEqual(["v3 one?", "fallthrough: y"]);
  });
});
