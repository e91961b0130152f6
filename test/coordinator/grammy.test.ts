/**
 * coordinate() and markHandled() on grammY bots, with a memory coordinator on a ManualClock and
 * with RedisCoordinators on a real Redis (a connection per instance).
 */
import { BotError } from "grammy";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type CoordinateOptions,
  type CoordinationFlavor,
  coordinate,
  markHandled,
} from "../../src/adapters/grammy/coordinate.js";
import { type Clock, systemClock } from "../../src/clock.js";
import type { Coordinator } from "../../src/coordinator.js";
import { createCoordinator } from "../../src/coordinators/memory.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import { InvalidArgumentError, LockTimeoutError, UnhandledUpdateError } from "../../src/errors.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { createTestBot, type TestContext } from "../support/grammy.js";
import { useRedisServer } from "../support/redis-server.js";
import { elapse, track, turn } from "./contract.js";

/** Gives each instance of a test its coordinator (all sharing one backend). */
type MakeCoordinator = () => Coordinator;

/** A backend: coordinators for the instances of one test, and the clock they run on. */
interface Backend {
  open(options?: { waitMs?: number }): { make: MakeCoordinator; clock: Clock };
}

/** A bot instance; every instance has the same bot id. */
function instance(make: MakeCoordinator, options: CoordinateOptions<TestContext> = {}) {
  return createTestBot({ before: (bot) => bot.use(coordinate(make(), options)) });
}

function pair(make: MakeCoordinator, options: CoordinateOptions<TestContext> = {}) {
  return [instance(make, options), instance(make, options)] as const;
}

const coordinationOf = (ctx: TestContext) => (ctx as TestContext & CoordinationFlavor).coordination;

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ann = { id: 7, is_bot: false, first_name: "Ann" };
const group = { id: -100, type: "supergroup" as const, title: "g" };

function middlewareTests(name: string, backend: Backend) {
  describe(`coordinate() with ${name}`, () => {
    it("completes duplicates of an update once; the second instance answers only after", async () => {
      const [a, b] = pair(backend.open().make);
      const { opened, open } = gate();
      const handled: number[] = [];
      for (const { bot } of [a, b]) {
        bot.on("message", async (ctx) => {
          await opened;
          handled.push(ctx.update.update_id);
        });
      }
      const update = new UpdateFactory({ from: ann }).text("hi");
      const first = track(a.bot.handleUpdate(update));
      const second = track(b.bot.handleUpdate(update));
      await sleep(20);
      expect([first.settled, second.settled]).toEqual([false, false]);
      open();
      await expect.poll(() => first.settled && second.settled).toBe(true);
      expect(handled).toEqual([update.update_id]);
      expect([first.error, second.error]).toEqual([undefined, undefined]);
    });

    it("counts a handler suspended in ask as handled, and frees the chat for its reply", async () => {
      const [a, b] = pair(backend.open().make);
      for (const { bot } of [a, b]) {
        bot.command("name", async (ctx) => {
          const answer = await ctx.ask("Your name?");
          await answer.reply(`Hello, ${answer.message?.text}!`);
        });
      }
      const user = new UpdateFactory({ from: ann });
      const start = user.command("/name");
      await a.bot.handleUpdate(start);
      await b.bot.handleUpdate(start); // a duplicate delivery: skipped
      await a.bot.handleUpdate(user.text("Ann"));
      expect(a.sent()).toEqual(["Your name?", "Hello, Ann!"]);
      expect(b.sent()).toEqual([]);
    });

    it("releases an update declined with UnhandledUpdateError and fails its request; the redelivery is handled", async () => {
      const [a, b] = pair(backend.open().make);
      const handledBy: string[] = [];
      a.bot.on("message", () => {
        throw new UnhandledUpdateError("not ready");
      });
      b.bot.on("message", () => {
        handledBy.push("b");
      });
      const update = new UpdateFactory({ from: ann }).text("hi");
      const failed = await a.bot.handleUpdate(update).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(BotError);
      expect((failed as BotError).error).toBeInstanceOf(UnhandledUpdateError);
      await b.bot.handleUpdate(update);
      await a.bot.handleUpdate(update);
      expect(handledBy).toEqual(["b"]);
    });

    it("counts any other failure as handled: onError sees it and the request succeeds", async () => {
      const errors: unknown[] = [];
      const [a, b] = pair(backend.open().make, { onError: (error) => errors.push(error) });
      let runs = 0;
      for (const { bot } of [a, b]) {
        bot.on("message", () => {
          runs++;
          throw new Error("boom");
        });
      }
      const update = new UpdateFactory({ from: ann }).text("hi");
      await a.bot.handleUpdate(update);
      await b.bot.handleUpdate(update);
      expect(runs).toBe(1);
      expect(errors).toEqual([new Error("boom")]);
    });

    it("with message identity, hands a message no handler completed to another client", async () => {
      const errors: unknown[] = [];
      const onError = (error: unknown) => errors.push(error);
      const [a, b] = pair(backend.open().make, { identity: "message", onError });
      const handled: string[] = [];
      b.bot.on("message", (ctx) => {
        handled.push(`b:${ctx.message.text}`);
      });
      // Two clients see the same messages, each with its own update ids.
      const seenByA = new UpdateFactory({ chat: group, from: ann }, 1);
      const seenByB = new UpdateFactory({ chat: group, from: ann }, 500);
      let entered = gate();
      let finish = gate();
      a.bot.on("message", async (ctx) => {
        entered.open();
        await finish.opened;
        if (ctx.message.text === "declined") throw new UnhandledUpdateError();
        throw new Error("a failed");
      });
      for (const text of ["failed", "declined"]) {
        entered = gate();
        finish = gate();
        const first = a.bot.handleUpdate(seenByA.text(text));
        await entered.opened; // a holds the message; b's copy waits for it
        const second = b.bot.handleUpdate(seenByB.text(text));
        await sleep(10);
        finish.open();
        await Promise.all([first, second]);
      }
      expect(handled).toEqual(["b:failed", "b:declined"]);
      expect(errors).toEqual([new Error("a failed")]);
    });

    it("markHandled ends the claim early: duplicates are skipped and the chat moves on", async () => {
      const [a, b] = pair(backend.open().make);
      const marked = gate();
      const finish = gate();
      const done: string[] = [];
      a.bot.command("report", async (ctx) => {
        await markHandled(ctx);
        marked.open();
        await finish.opened;
        done.push("report");
      });
      b.bot.on("message", () => {
        done.push("next");
      });
      const user = new UpdateFactory({ from: ann });
      const report = user.command("/report");
      const long = a.bot.handleUpdate(report);
      await marked.opened;
      await b.bot.handleUpdate(report);
      await b.bot.handleUpdate(user.text("meanwhile"));
      expect(done).toEqual(["next"]);
      finish.open();
      await long;
      expect(done).toEqual(["next", "report"]);
    });

    it("puts the identity, the leased chat and the lease's signal on ctx.coordination", async () => {
      const a = instance(backend.open().make);
      let seen: CoordinationFlavor["coordination"] | undefined;
      a.bot.on("message", (ctx) => {
        seen = coordinationOf(ctx);
      });
      await a.bot.handleUpdate(new UpdateFactory({ chat: group, from: ann }, 42).text("hi"));
      const botId = a.bot.botInfo.id;
      expect(seen?.identity).toBe(`bot:${botId}/update:42`);
      expect(seen?.scope).toBe(`bot:${botId}/chat:-100`);
      expect(seen?.signal.aborted).toBe(false);
    });

    it("sets ctx.coordination.late on an update older than its chat's last handled one, and handles it", async () => {
      const [a, b] = pair(backend.open().make);
      const seen: [number, boolean][] = [];
      for (const { bot } of [a, b]) {
        bot.on("message", (ctx) => {
          seen.push([ctx.update.update_id, coordinationOf(ctx).late]);
        });
      }
      const older = new UpdateFactory({ chat: group, from: ann }, 48).text("first");
      const newer = new UpdateFactory({ chat: group, from: ann }, 50).text("second");
      await a.bot.handleUpdate(newer);
      await b.bot.handleUpdate(older); // arrives after its successor was handled elsewhere
      await a.bot.handleUpdate(older); // a duplicate: skipped
      await b.bot.handleUpdate(new UpdateFactory({ chat: group, from: ann }, 51).text("third"));
      expect(seen).toEqual([
        [50, false],
        [48, true],
        [51, false],
      ]);
    });

    it("fails the request when another instance holds the chat for longer than waitMs", async () => {
      const { make, clock } = backend.open({ waitMs: 100 });
      const [a, b] = pair(make);
      const entered = gate();
      const finish = gate();
      a.bot.on("message", () => {
        entered.open();
        return finish.opened;
      });
      const user = new UpdateFactory({ from: ann });
      const holding = a.bot.handleUpdate(user.text("slow"));
      await entered.opened;
      const waiting = track(b.bot.handleUpdate(user.text("next")));
      await turn();
      await elapse(clock, 150);
      await expect.poll(() => waiting.settled).toBe(true);
      expect((waiting.error as BotError).error).toBeInstanceOf(LockTimeoutError);
      finish.open();
      await holding;
    });

    it("keeps each chat in order across three instances, one update at a time", async () => {
      const { make } = backend.open();
      const bots = [instance(make), instance(make), instance(make)];
      const order: number[] = [];
      let active = 0;
      let overlapped = false;
      for (const { bot } of bots) {
        bot.on("message", async (ctx) => {
          overlapped ||= active++ > 0;
          await sleep(3);
          order.push(ctx.update.update_id);
          active--;
        });
      }
      // Running instances: connected, and Redis knows the scripts (else the first updates race).
      const warm = new UpdateFactory({ from: { id: 99, is_bot: false, first_name: "W" } }, 100);
      for (const { bot } of bots) await bot.handleUpdate(warm.text("warm"));
      order.length = 0;
      const user = new UpdateFactory({ from: ann });
      const feeds: Promise<void>[] = [];
      for (let i = 0; i < 9; i++) {
        feeds.push(bots[i % 3]?.bot.handleUpdate(user.text(`m${i}`)) ?? Promise.resolve());
        await sleep(1);
      }
      await Promise.all(feeds);
      expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(overlapped).toBe(false);
    });
  });
}

middlewareTests("a memory coordinator", {
  open(options = {}) {
    const clock = new ManualClock();
    const coordinator = createCoordinator({ ...options, clock });
    return { make: () => coordinator, clock };
  },
});

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("on Redis", () => {
  beforeEach(() => redis.server().flush());

  middlewareTests("RedisCoordinators, a connection each", {
    open(options = {}) {
      const make = () =>
        new RedisCoordinator({ client: redis.server().client(), maxRetryMs: 10, ...options });
      return { make, clock: systemClock };
    },
  });
});

describe("markHandled", () => {
  it("rejects for a context coordinate() did not see", async () => {
    const { bot } = createTestBot();
    let failure: unknown;
    bot.on("message", async (ctx) => {
      failure = await markHandled(ctx).catch((error: unknown) => error);
    });
    await bot.handleUpdate(new UpdateFactory({ from: ann }).text("hi"));
    expect(failure).toBeInstanceOf(InvalidArgumentError);
  });
});
