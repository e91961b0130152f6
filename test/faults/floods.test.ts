/**
 * Floods (issue 19, §3): process-wide bounds on live waits (`maxWaits`), running delegates
 * (`maxDelegates`) and the updates queued per key (`maxQueued`, node flows' queue): past each, the
 * newest fails at once with a typed error naming the bound, and what was there goes on.
 */
import { describe, expect, it } from "vitest";
import { DelegateRegistry } from "../../src/delegation/registry.js";
import {
  InvalidArgumentError,
  QueueFullError,
  TooManyDelegatesError,
  TooManyListenersError,
} from "../../src/errors.js";
import { KeyedMutex } from "../../src/keyed-mutex.js";
import { ListenerRegistry } from "../../src/listeners/registry.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { deferred, flush } from "../delegation/harness.js";
import { createTestBot } from "../support/grammy.js";

describe("maxWaits", () => {
  it("refuses a wait past the bound at once, naming it, and takes one again when a wait ends", async () => {
    const registry = new ListenerRegistry({ clock: new ManualClock(), maxWaits: 3 });
    const waits = [1, 2, 3].map((chatId) => registry.wait({ chatId }).catch((e: unknown) => e));
    const refused = await registry.wait({ chatId: 4 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyListenersError);
    expect((refused as TooManyListenersError).limit).toBe(3);
    expect((refused as Error).message).toContain("maxWaits");
    expect(registry.size).toBe(3);
    registry.cancel({ chatId: 1 });
    await waits[0];
    const again = registry.wait({ chatId: 4 });
    expect(registry.size).toBe(3);
    registry.shutdown();
    await again.catch(() => {});
  });

  it("defaults to 100 000 waits", async () => {
    const registry = new ListenerRegistry({ clock: new ManualClock() });
    const waits = Array.from({ length: 100_000 }, (_, chatId) =>
      registry.wait({ chatId }).catch(() => {}),
    );
    const refused = await registry.wait({ chatId: -1 }).catch((e: unknown) => e);
    expect((refused as TooManyListenersError).limit).toBe(100_000);
    registry.shutdown();
    await Promise.all(waits);
  });

  it("is colloquy()'s maxWaits: a wait past it fails at once, the others go on", async () => {
    const { bot, plugin } = createTestBot({ maxWaits: 2 });
    const failures: unknown[] = [];
    bot.command("wait", async (ctx) => {
      const answer = await ctx.waitFor("message:text").catch((error: unknown) => {
        failures.push(error);
      });
      if (answer) await answer.reply(`got ${answer.message.text}`);
    });
    for (const id of [1, 2, 3]) {
      const user = new UpdateFactory({ from: { id, is_bot: false, first_name: `U${id}` } });
      await bot.handleUpdate(user.command("/wait"));
    }
    expect(plugin.stats().pending).toBe(2);
    expect(failures).toHaveLength(1);
    expect((failures[0] as TooManyListenersError).limit).toBe(2);
    plugin.shutdown();
  });

  it("refuses a bound that is not a positive whole number", () => {
    expect(() => new ListenerRegistry({ maxWaits: 0 })).toThrow(InvalidArgumentError);
  });
});

describe("maxDelegates", () => {
  it("starts no delegate past the bound, keeps feeding those running, and starts one after a close", async () => {
    const stops = new Map<string, () => void>();
    const seen: string[] = [];
    const delegates = new DelegateRegistry<string>({
      clock: new ManualClock(),
      maxDelegates: 2,
      spawn: (_first, seed) => async (first, inbox) => {
        seen.push(first);
        const stop = deferred();
        stops.set(String(seed), stop.resolve);
        await Promise.race([stop.promise, inbox.next().then((next) => void seen.push(next))]);
      },
    });
    void delegates.deliver("a", "a1");
    void delegates.deliver("b", "b1");
    await flush();
    const refused = await delegates.deliver("c", "c1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyDelegatesError);
    expect((refused as TooManyDelegatesError).limit).toBe(2);
    expect((refused as Error).message).toContain("maxDelegates");
    await delegates.deliver("a", "a2");
    expect(seen).toEqual(["a1", "b1", "a2"]);
    stops.get("b")?.();
    await flush();
    void delegates.deliver("c", "c1");
    await flush();
    expect(seen).toContain("c1");
  });
});

describe("maxQueued (a node flow's per-user queue)", () => {
  it("keeps the bound of updates waiting behind the running one, in order, and refuses the newest", async () => {
    const mutex = new KeyedMutex({ maxQueued: 3 });
    const gate = deferred();
    const ran: number[] = [];
    const task = (n: number) => async () => {
      if (n === 0) await gate.promise;
      ran.push(n);
    };
    const queued = [0, 1, 2, 3].map((n) => mutex.run("chat:1/user:1", task(n)));
    const refused = await mutex.run("chat:1/user:1", task(4)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QueueFullError);
    expect((refused as QueueFullError).limit).toBe(3);
    // Another key is not held back by a full one.
    await mutex.run("chat:2/user:2", task(9));
    gate.resolve();
    await Promise.all(queued);
    expect(ran).toEqual([9, 0, 1, 2, 3]);
    await flush();
    expect(mutex.busy("chat:1/user:1")).toBe(false);
    await mutex.run("chat:1/user:1", task(5));
    expect(ran.at(-1)).toBe(5);
  });

  it("defaults to 1 000 waiting: a user who sends 1 005 updates while one runs has 5 refused", async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const first = mutex.run("k", () => gate.promise);
    const rest = Array.from({ length: 1_005 }, () =>
      mutex.run("k", async () => "ran").catch((e: unknown) => e),
    );
    gate.resolve();
    await first;
    const outcomes = await Promise.all(rest);
    expect(outcomes.filter((o) => o === "ran")).toHaveLength(1_000);
    expect(outcomes.slice(1_000).every((o) => o instanceof QueueFullError)).toBe(true);
  });
});
