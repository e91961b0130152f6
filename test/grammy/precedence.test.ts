/**
 * Precedence among a user's dialogs (issue 22, §1): a wait (`ask`), an Io flow, node flows, a next
 * step and a delegate, each entered by a command. The newest dialog the user entered gets their
 * message, whatever order the middleware is installed in; once it ends, the one before it does.
 */
import {
  defineNode,
  end,
  goto,
  MemoryLock,
  MemoryStorage,
  StateStore,
  StepRegistry,
  seeders,
} from "colloquy";
import {
  createFlow,
  delegate,
  leadingCommand,
  nextStep,
  nextSteps,
  telegramIo,
} from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import type { Bot } from "grammy";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createTestBot, type TestContext } from "../support/grammy.js";

const ann = { id: 1, is_bot: false, first_name: "Ann" };
const bob = { id: 2, is_bot: false, first_name: "Bob" };
const group = { id: -100, type: "supergroup" as const, title: "g" };

/** A one-node flow: it prompts on entry, answers one message with `<id>: text`, and ends. */
function echoFlow(id: string, storage: MemoryStorage, lock: MemoryLock) {
  const node = defineNode({ key: "echo", schema: z.object({}) });
  return createFlow<TestContext>({
    id,
    storage,
    lock,
    start: () => goto(node, {}),
    nodes: [
      node.handle({
        enter: (ctx) => ctx.reply(`${id}?`),
        event: async (ctx) => {
          await ctx.reply(`${id}: ${ctx.message?.text}`);
          return end();
        },
      }),
    ],
  });
}

type Kind = "ask" | "io" | "flow" | "flow2" | "step" | "count";
const kinds: readonly Kind[] = ["ask", "io", "flow", "flow2", "step", "count"];

/**
 * A bot with one dialog of each kind, each entered by the command of its name. The next steps'
 * middleware comes before the commands (the handlers that call `nextStep` need it), the delegate
 * sits with the commands (it is started by one), and the flows come after them, in `order`.
 * `storage` holds the flows' users and the next steps: share it between two bots to play a restart.
 */
function createBot(order: readonly ("flow" | "flow2")[], storage = new MemoryStorage()) {
  const test = createTestBot();
  const { bot, clock } = test;
  const lock = new MemoryLock({ clock });
  const flows = { flow: echoFlow("flow", storage, lock), flow2: echoFlow("flow2", storage, lock) };
  const steps = new StepRegistry<TestContext>();
  const echoStep = steps.register("echo", (ctx) => ctx.reply(`step: ${ctx.message?.text}`));

  bot.use(nextSteps(new StateStore(storage), steps));
  bot.command("ask", async (ctx) => {
    const answer = await ctx.ask("ask?");
    await answer.reply(`ask: ${answer.message?.text}`);
  });
  bot.command("io", async (ctx) => {
    const io = telegramIo(ctx);
    try {
      await io.print(`io: ${await io.input("io?")}`);
    } finally {
      io.close();
    }
  });
  bot.command("flow", (ctx) => flows.flow.enter(ctx));
  // A way in that is no command, so that it leaves a pending ask be.
  bot.callbackQuery("flow", (ctx) => flows.flow.enter(ctx));
  bot.command("flow2", (ctx) => flows.flow2.enter(ctx));
  bot.command("step", async (ctx) => {
    await ctx.reply("step?");
    await nextStep(ctx, echoStep);
  });
  bot.use(
    delegate<TestContext>(
      seeders.perChat(),
      async (ctx, inbox) => {
        await ctx.reply("count?");
        for (;;) {
          const next = await inbox.next();
          await next.reply(`count: ${next.message?.text}`);
        }
      },
      {
        spawnOn: (ctx) => leadingCommand(ctx) === "count",
        capture: { message: { _: (message) => message.entities?.[0]?.type !== "bot_command" } },
      },
    ),
  );
  for (const name of order) bot.use(flows[name]);
  bot.on("message:text", (ctx) => ctx.reply(`none: ${ctx.message.text}`));
  return test;
}

/** Sends a line as `from` and returns what the bot said to it, once it has said something. */
function talker(bot: Bot<TestContext>, sent: () => string[], from = ann, chat?: typeof group) {
  const user = new UpdateFactory({ from, ...(chat === undefined ? {} : { chat }) });
  return async (text: string): Promise<string[]> => {
    const before = sent().length;
    await bot.handleUpdate(text.startsWith("/") ? user.command(text) : user.text(text));
    // The Io flow sends from its own promise chain, after its update was handled.
    await vi.waitFor(() => expect(sent().length).toBeGreaterThan(before));
    return sent().slice(before);
  };
}

/** Who answers the message after the second dialog's: the first if it is still waiting. */
function afterwards(first: Kind, second: Kind): string {
  if (second === "count") return "count"; // the delegate never ends by itself
  // A command ends the pending waits and next step by default; flows and delegates stay.
  return first === "ask" || first === "io" || first === "step" ? "none" : first;
}

const pairs = kinds.flatMap((first) =>
  kinds.filter((second) => second !== first).map((second) => [first, second] as const),
);

describe.each([
  ["flow installed before flow2", ["flow", "flow2"] as const],
  ["flow2 installed before flow", ["flow2", "flow"] as const],
])("precedence with %s", (_, order) => {
  it.each(pairs)("in %s, then %s: the second gets the message", async (first, second) => {
    const { bot, sent } = createBot(order);
    const say = talker(bot, sent);
    expect(await say(`/${first}`)).toEqual([`${first}?`]);
    expect(await say(`/${second}`)).toEqual([`${second}?`]);
    expect(await say("hi")).toEqual([`${second}: hi`]);
    expect(await say("again")).toEqual([`${afterwards(first, second)}: again`]);
  });
});

describe("precedence between a wait and a dialog entered after it", () => {
  it("the older wait waits its turn, and gets the answer once the dialog has ended", async () => {
    const { bot, sent } = createBot(["flow", "flow2"]);
    const say = talker(bot, sent);
    expect(await say("/ask")).toEqual(["ask?"]);
    await bot.handleUpdate(new UpdateFactory({ from: ann }).press("flow", 1));
    expect(sent().at(-1)).toBe("flow?");
    expect(await say("hi")).toEqual(["flow: hi"]);
    expect(await say("again")).toEqual(["ask: again"]);
  });
});

describe("precedence between users of one chat", () => {
  it("a delegate someone else started gets only what none of the user's dialogs waits for", async () => {
    const { bot, sent } = createBot(["flow", "flow2"]);
    const annSays = talker(bot, sent, ann, group);
    const bobSays = talker(bot, sent, bob, group);
    expect(await annSays("/flow")).toEqual(["flow?"]);
    expect(await bobSays("/count")).toEqual(["count?"]);
    expect(await annSays("mine")).toEqual(["flow: mine"]);
    expect(await bobSays("his")).toEqual(["count: his"]);
    expect(await annSays("free")).toEqual(["count: free"]);
  });
});

describe("precedence after a restart", () => {
  it("dialogs entered since count as newer than the flow the user was in before", async () => {
    const storage = new MemoryStorage();
    const before = createBot(["flow", "flow2"], storage);
    await talker(before.bot, before.sent)("/flow");
    const after = createBot(["flow", "flow2"], storage);
    const say = talker(after.bot, after.sent);
    expect(await say("/flow2")).toEqual(["flow2?"]);
    expect(await say("hi")).toEqual(["flow2: hi"]);
    expect(await say("again")).toEqual(["flow: again"]);
  });
});
