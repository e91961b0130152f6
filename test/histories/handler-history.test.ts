import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import { handlerHistory } from "../../src/adapters/grammy/handler-history.js";
import { InvalidArgumentError, NonJsonValueError, UnknownStepError } from "../../src/errors.js";
import { MemoryHistory } from "../../src/histories/memory.js";
import { StorageHistory } from "../../src/histories/storage.js";
import type { History } from "../../src/history.js";
import { scopes } from "../../src/keys.js";
import { MemoryStorage } from "../../src/storages/memory.js";
import { createTestBot, type TestContext } from "../support/grammy.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };
const bob = { id: 8, is_bot: false, first_name: "Bob" };
const group = { id: -100, type: "group" as const, title: "Shop" };

/** A shop bot: /menu, /item N, /buy, and a Back button; `steps` records its named handlers. */
function shopBot(given?: History) {
  const test = createTestBot();
  const history = given ?? new MemoryHistory({ clock: test.clock });
  const steps = handlerHistory<TestContext>(history);
  const { bot } = test;
  bot.command(
    "menu",
    steps.named("menu", (ctx) => ctx.reply("Menu")),
  );
  bot.command(
    "item",
    steps.named("item", {
      data: (ctx) => ({ id: Number(ctx.message?.text?.split(" ")[1]) }),
      handler: (ctx, item) => ctx.reply(`Item ${item.id}`),
    }),
  );
  bot.command(
    "buy",
    steps.named("buy", () => {
      throw new Error("out of stock");
    }),
  );
  bot.command(
    "pay",
    steps.named("pay", (ctx) => ctx.reply("Paid")),
  );
  bot.callbackQuery("back", async (ctx) => {
    if ((await steps.back(ctx)) === undefined) await ctx.reply("Nothing to go back to");
  });
  bot.command("again", (ctx) => steps.replay(ctx));
  return { ...test, steps, history };
}

describe("handlerHistory", () => {
  it("records each named handler that completes, with its data, and not one that throws", async () => {
    const { bot, steps, history, clock } = shopBot();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/menu"));
    await bot.handleUpdate(user.command("/item 5"));
    await expect(bot.handleUpdate(user.command("/buy"))).rejects.toThrow("out of stock");
    const scope = "chat:7/user:7";
    expect(await history.list(scope)).toEqual([
      { step: "menu", data: null, at: clock.now() },
      { step: "item", data: { id: 5 }, at: clock.now() },
    ]);
    let seen: string | undefined;
    bot.command("where", (ctx) => {
      seen = steps.scopeOf(ctx);
    });
    await bot.handleUpdate(user.command("/where"));
    expect(seen).toBe(scope);
  });

  it("replays the last step with the data it had, leaving the history as it is", async () => {
    const { bot, steps, sent } = shopBot();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/menu"));
    await bot.handleUpdate(user.command("/item 5"));
    await bot.handleUpdate(user.command("/again"));
    expect(sent()).toEqual(["Menu", "Item 5", "Item 5"]);
    bot.command("inspect", async (ctx) => {
      const names = (await steps.steps(ctx)).map((r) => r.step);
      await ctx.reply(names.join(" > "));
    });
    await bot.handleUpdate(user.command("/inspect"));
    expect(sent().at(-1)).toBe("menu > item");
  });

  it("goes back one step per Back press, and stays at the first step", async () => {
    const { bot, history, sent } = shopBot();
    const user = new UpdateFactory({ from: ann });
    for (const text of ["/menu", "/item 5", "/item 9", "/pay"]) {
      await bot.handleUpdate(user.command(text));
    }
    for (let i = 0; i < 4; i++) await bot.handleUpdate(user.press("back", 1));
    expect(sent()).toEqual([
      "Menu",
      "Item 5",
      "Item 9",
      "Paid",
      "Item 9",
      "Item 5",
      "Menu",
      "Nothing to go back to",
    ]);
    expect((await history.list("chat:7/user:7")).map((r) => r.step)).toEqual(["menu"]);
  });

  it("keeps each user's steps apart in a group, or shares them with scopes.chat", async () => {
    for (const [scope, expected] of [
      // Per user, Bob is at his first step: his back does nothing.
      [undefined, ["Item 1", "Item 2", "Menu"]],
      [scopes.chat, ["Item 1", "Item 2", "Item 1", "Menu"]],
    ] as const) {
      const test = createTestBot();
      const steps = handlerHistory<TestContext>(new MemoryHistory(), scope ? { scope } : {});
      test.bot.command(
        "menu",
        steps.named("menu", (ctx) => ctx.reply("Menu")),
      );
      test.bot.command(
        "item",
        steps.named("item", {
          data: (ctx) => Number(ctx.message?.text?.split(" ")[1]),
          handler: (ctx, item) => ctx.reply(`Item ${item}`),
        }),
      );
      test.bot.command("back", (ctx) => steps.back(ctx));
      const a = new UpdateFactory({ from: ann, chat: group });
      const b = new UpdateFactory({ from: bob, chat: group });
      await test.bot.handleUpdate(a.command("/menu"));
      await test.bot.handleUpdate(a.command("/item 1"));
      await test.bot.handleUpdate(b.command("/item 2"));
      await test.bot.handleUpdate(a.command("/back"));
      await test.bot.handleUpdate(b.command("/back"));
      expect(test.sent().slice(1)).toEqual(expected);
    }
  });

  it("goes back across a restart when the history lives in a storage", async () => {
    const storage = new MemoryStorage();
    const user = new UpdateFactory({ from: ann });
    const before = shopBot(new StorageHistory(storage));
    await before.bot.handleUpdate(user.command("/item 3"));
    await before.bot.handleUpdate(user.command("/pay"));
    const after = shopBot(new StorageHistory(storage));
    await after.bot.handleUpdate(user.press("back", 1));
    expect(after.sent()).toEqual(["Item 3"]);
  });

  it("records a step that awaits ctx.ask once the reply came and the handler returned", async () => {
    const { bot, plugin } = createTestBot();
    const history = new MemoryHistory();
    const steps = handlerHistory<TestContext>(history);
    bot.command(
      "name",
      steps.named("name", async (ctx) => {
        const answer = await ctx.ask("Your name?");
        await answer.reply(`Hi ${answer.message?.text}`);
      }),
    );
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/name"));
    expect(await history.list("chat:7/user:7")).toEqual([]);
    await bot.handleUpdate(user.text("Ann"));
    expect((await history.list("chat:7/user:7")).map((r) => r.step)).toEqual(["name"]);
    plugin.shutdown();
  });

  it("refuses non-JSON data before the handler runs", async () => {
    const { bot } = createTestBot();
    const history = new MemoryHistory();
    const steps = handlerHistory<TestContext>(history);
    let ran = false;
    bot.command(
      "when",
      steps.named("when", {
        data: () => ({ at: new Date(0) }) as never,
        handler: () => {
          ran = true;
        },
      }),
    );
    const user = new UpdateFactory({ from: ann });
    const handled = bot.handleUpdate(user.command("/when"));
    await expect(handled).rejects.toMatchObject({ error: expect.any(NonJsonValueError) });
    expect(ran).toBe(false);
    expect(await history.list("chat:7/user:7")).toEqual([]);
  });

  it("runs steps unrecorded for updates its scope has no key for", async () => {
    const { bot, sent } = createTestBot();
    const history = new MemoryHistory();
    const steps = handlerHistory<TestContext>(history, { scope: () => undefined });
    bot.command(
      "menu",
      steps.named("menu", (ctx) => ctx.reply("Menu")),
    );
    bot.command("back", async (ctx) => {
      expect(await steps.back(ctx)).toBeUndefined();
      expect(await steps.replay(ctx)).toBeUndefined();
      expect(await steps.steps(ctx)).toEqual([]);
      await steps.clear(ctx);
    });
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/menu"));
    await bot.handleUpdate(user.command("/back"));
    expect(sent()).toEqual(["Menu"]);
    expect(history.size).toBe(0);
  });

  it("refuses a step name used twice, and replaying a step no longer registered", async () => {
    const { bot } = createTestBot();
    const history = new MemoryHistory();
    const steps = handlerHistory<TestContext>(history);
    steps.named("menu", () => {});
    expect(() => steps.named("menu", () => {})).toThrow(InvalidArgumentError);
    expect(() => steps.named("", () => {})).toThrow(InvalidArgumentError);
    await history.push("chat:7/user:7", { step: "removed-in-v2" });
    bot.command("again", (ctx) => steps.replay(ctx));
    const handled = bot.handleUpdate(new UpdateFactory({ from: ann }).command("/again"));
    await expect(handled).rejects.toMatchObject({ error: expect.any(UnknownStepError) });
    bot.command("forget", (ctx) => steps.clear(ctx));
    await bot.handleUpdate(new UpdateFactory({ from: ann }).command("/forget"));
    expect(await history.list("chat:7/user:7")).toEqual([]);
  });
});
