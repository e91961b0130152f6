/**
 * "Avoid: losing an update that arrives while a delegate is closing." Each update must reach the
 * closing delegate or a fresh one — or, when no delegate will have it, the next middleware.
 */
import fc from "fast-check";
import type { Context } from "grammy";
import { describe, expect, it } from "vitest";
import { delegate } from "../../src/adapters/grammy/delegate.js";
import { seeders } from "../../src/delegation/seeders.js";
import type { DelegateControl, DelegateHandler } from "../../src/delegation/types.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { UpdateFactory } from "../../src/testing/updates.js";
import { deferred, flush, testBot, track } from "./harness.js";

const chat = (id: number) => new UpdateFactory({ from: { id, is_bot: false, first_name: "A" } });

/** Numbers each delegate's updates from 1; "!" closes it; onClose takes as long as `goodbye`. */
function numbering(seen: string[], goodbye: () => Promise<void>) {
  let generation = 0;
  return class Numbering implements DelegateHandler<Context> {
    readonly #generation = ++generation;
    #count = 0;
    constructor(readonly control: DelegateControl) {}
    onMessage(ctx: Context) {
      seen.push(`${ctx.chat?.id}:${ctx.msg?.text}@${this.#generation}#${++this.#count}`);
      if (ctx.msg?.text?.endsWith("!")) this.control.close();
    }
    onClose() {
      return goodbye();
    }
  };
}

describe("an update that arrives while its delegate closes", () => {
  it("goes to a fresh delegate once an idle close has finished", async () => {
    const { bot } = testBot();
    const clock = new ManualClock();
    const slowGoodbye = deferred();
    const seen: string[] = [];
    const counters = delegate(
      seeders.perChat(),
      numbering(seen, () => slowGoodbye.promise),
      {
        idleTimeoutMs: 100,
        clock,
      },
    );
    bot.use(counters);
    const a = chat(1);
    await bot.handleUpdate(a.text("a"));
    await clock.advanceAsync(100); // idle: onClose starts and waits on slowGoodbye
    const late = track(bot.handleUpdate(a.text("late")));
    await flush();
    expect(late.settled).toBe(false);
    slowGoodbye.resolve();
    await flush();
    expect(late.settled).toBe(true);
    expect(seen).toEqual(["1:a@1#1", "1:late@2#1"]);
    expect(counters.size).toBe(1);
  });

  it("goes to a fresh delegate when close() was called while it was queued", async () => {
    const { bot } = testBot();
    const seen: string[] = [];
    bot.use(
      delegate(
        seeders.perChat(),
        numbering(seen, async () => {}),
      ),
    );
    const a = chat(1);
    await Promise.all(
      [a.text("x"), a.text("bye!"), a.text("y"), a.text("z")].map((u) => bot.handleUpdate(u)),
    );
    expect(seen).toEqual(["1:x@1#1", "1:bye!@1#2", "1:y@2#1", "1:z@2#2"]);
  });

  it("goes on to the next middleware when no fresh delegate will have it", async () => {
    const { bot } = testBot();
    const goodbye = deferred();
    const rest: string[] = [];
    bot.use(delegate(seeders.perChat(), async () => goodbye.promise, { spawnOn: "::bot_command" }));
    bot.on("message:text", (ctx) => {
      rest.push(ctx.msg.text);
    });
    const a = chat(1);
    const start = bot.handleUpdate(a.command("/start"));
    const late = bot.handleUpdate(a.text("late"));
    goodbye.resolve();
    await Promise.all([start, late]);
    expect(rest).toEqual(["late"]);
  });

  it("is never lost, in any interleaving of updates, closes and idle timeouts", async () => {
    const step = fc.oneof(
      fc.record({ chat: fc.nat(2), text: fc.constantFrom("m", "bye!", "-skip") }),
      fc.record({ advance: fc.nat(30) }),
      fc.constant("flush" as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const { bot } = testBot();
        const clock = new ManualClock();
        const seen: string[] = [];
        const rest: string[] = [];
        const goodbye = () => new Promise<void>((resolve) => clock.setTimer(5, resolve));
        const counters = delegate(seeders.perChat(), numbering(seen, goodbye), {
          idleTimeoutMs: 10,
          clock,
          spawnOn: (ctx) => !ctx.msg?.text?.startsWith("-"),
        });
        bot.use(counters);
        bot.on("message:text", (ctx) => {
          rest.push(`${ctx.chat.id}:${ctx.msg.text}`);
        });
        const factories = [chat(1), chat(2), chat(3)];
        const sent: string[] = [];
        const handled: { readonly settled: boolean }[] = [];
        for (const [i, s] of steps.entries()) {
          if (s === "flush") await flush();
          else if ("advance" in s) await clock.advanceAsync(s.advance);
          else {
            const text = `${s.text}${i}`;
            sent.push(`${s.chat + 1}:${text}`);
            handled.push(track(bot.handleUpdate((factories[s.chat] as UpdateFactory).text(text))));
          }
        }
        for (let i = 0; i < 20; i++) {
          await clock.advanceAsync(50);
          await flush();
        }
        const delivered = [...seen.map((s) => s.replace(/@.*/, "")), ...rest];
        expect(delivered.sort()).toEqual([...sent].sort());
        expect(handled.every((h) => h.settled)).toBe(true);
        for (const id of [1, 2, 3]) {
          const inChat = (s: string) => s.startsWith(`${id}:`) && !s.includes(":-");
          expect(seen.filter(inChat).map((s) => s.replace(/@.*/, ""))).toEqual(sent.filter(inChat));
        }
        expect(counters.size).toBe(0);
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
