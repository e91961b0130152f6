/**
 * Two instances of one bot on one real redis-server, each with its own bot, plugin, conversation
 * and storage object: updates of one conversation alternate between them. The instance that held
 * a live copy finds at its next answer that the journal moved on, gives the answer back without
 * running or sending anything, and the conversation goes on from the journal.
 */
import { RedisStorage } from "colloquy/redis";
import { UpdateFactory } from "colloquy/testing";
import { Context } from "grammy";
import { beforeEach, describe, expect, it } from "vitest";
import { useRedisServer } from "../support/redis-server.js";
import { type Incarnation, type Install, restartable } from "./harness.js";

const redis = useRedisServer();
const ann = new UpdateFactory({ from: { id: 7, is_bot: false, first_name: "Ann" } });
const STEPS = 6;

function quiz() {
  const counts = { finally: 0 };
  const setup = restartable(
    "quiz",
    async (conv) => {
      const answers: string[] = [];
      try {
        for (let step = 1; step <= STEPS; step++) {
          const answer = await conv.ask(`Q${step}? (so far: ${answers.join(",") || "-"})`);
          answers.push(answer.message?.text ?? "");
        }
        await conv.external(() => undefined, "done");
        const last = await conv.ask("Sure?");
        await last.reply(`Saved: ${answers.join(",")}`);
      } finally {
        counts.finally++;
      }
    },
    { storage: new RedisStorage({ client: redis.client(), prefix: "instances:" }) },
  );
  return { setup, counts };
}

describe.skipIf(redis.skip !== undefined)("a durable conversation across two instances", () => {
  beforeEach(async () => {
    await redis.server().flush();
  });

  const twoInstances = (setup: ReturnType<typeof quiz>["setup"]) => {
    const open = () => new RedisStorage({ client: redis.server().client(), prefix: "instances:" });
    const after: Install<undefined> = (bot, handle) => {
      bot.command("leave", async (ctx) => {
        await handle.exit(ctx);
      });
    };
    return [
      setup.start({ storage: open(), after }),
      setup.start({ storage: open(), after }),
    ] as const;
  };

  it("alternating step by step, ends with every answer, each message sent once", async () => {
    const { setup, counts } = quiz();
    const [a, b] = twoInstances(setup);
    await a.bot.handleUpdate(ann.command("/quiz"));
    const texts = ["one", "two", "three", "four", "five", "six", "yes"];
    for (const [at, text] of texts.entries()) {
      await (at % 2 === 0 ? b : a).bot.handleUpdate(ann.text(text));
    }
    expect(setup.sent()).toEqual([
      "Q1? (so far: -)",
      "Q2? (so far: one)",
      "Q3? (so far: one,two)",
      "Q4? (so far: one,two,three)",
      "Q5? (so far: one,two,three,four)",
      "Q6? (so far: one,two,three,four,five)",
      "Sure?",
      "Saved: one,two,three,four,five,six",
    ]);
    // Each instance sent the messages of the steps it handled, and nothing from a stale copy.
    expect(a.calls() + b.calls()).toBe(8);
    expect(a.calls()).toBe(4);
    // Only the copy that ended the conversation ran its finally; the stale ones never did.
    expect(counts.finally).toBe(1);
    expect(setup.errors).toEqual([]);
    // b ended it; a still holds the copy that asked "Sure?", stale now: it learns so at its next
    // answer, or goes when idle for idleEvictMs.
    expect(b.handle.stats().live).toBe(0);
    expect(a.handle.stats().live).toBe(1);
    expect(await redis.client().keys("instances:*")).toEqual(
      expect.not.arrayContaining([expect.stringContaining("#")]),
    );
  });

  it("a stale copy whose conversation ended elsewhere passes the update on to later handlers", async () => {
    const { setup } = quiz();
    const [a, b] = twoInstances(setup);
    await a.bot.handleUpdate(ann.command("/quiz"));
    await a.bot.handleUpdate(ann.text("one"));
    // The user leaves the conversation through instance b.
    await b.bot.handleUpdate(ann.command("/leave"));
    expect(await b.handle.active(await contextOf(b))).toBe(false);
    const before = a.calls();
    await a.bot.handleUpdate(ann.text("hello"));
    expect(a.calls() - before).toBe(1);
    expect(setup.sent().at(-1)).toBe("fallthrough: hello");
    expect(a.handle.stats().live).toBe(0);
  });
});

/** A context of Ann in her chat on `instance`, as a handler would get it. */
async function contextOf(instance: Incarnation<undefined>) {
  const bot = instance.bot;
  await bot.init();
  return new Context(ann.text("probe"), bot.api, bot.botInfo) as never;
}
