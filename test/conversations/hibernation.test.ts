/**
 * Hibernation: live copies past `maxLive`, or idle for `idleEvictMs`, are evicted — their waits
 * leave the registry unsettled, no code of theirs runs again — and their next update (or the due
 * sweep, at a deadline) rebuilds them from the journal.
 */
import { ListenerTimeoutError } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import { type ConvContext, restartable } from "./harness.js";

const userOf = (id: number) =>
  new UpdateFactory({ from: { id, is_bot: false, first_name: `U${id}` } });

/** A three-question conversation whose `finally` counts how often it ran. */
function survey(options: { maxLive?: number; idleEvictMs?: number } = {}) {
  const counts = { finally: 0, starts: 0 };
  const setup = restartable(
    "survey",
    async (conv, ctx) => {
      counts.starts++;
      try {
        const name = await conv.ask(`Name, ${ctx.from?.id}?`);
        const city = await conv.ask(`City, ${name.message?.text}?`);
        const dish = await conv.ask("Dish?");
        await dish.reply(`${name.message?.text}/${city.message?.text}/${dish.message?.text}`);
      } finally {
        counts.finally++;
      }
    },
    options,
  );
  return { setup, counts };
}

describe("hibernation of durable conversations", () => {
  it("keeps at most maxLive copies and waits; evicted ones answer right after a replay", async () => {
    const { setup, counts } = survey({ maxLive: 100 });
    const { bot, handle, plugin } = setup.start();
    const users = 3000;
    for (let id = 1; id <= users; id++) await bot.handleUpdate(userOf(id).command("/survey"));
    expect(handle.stats()).toMatchObject({ live: 100, evicted: users - 100, replays: 0 });
    expect(plugin.stats().pending).toBe(100);
    expect(counts.finally).toBe(0);

    // 300 users picked at random answer all three questions, interleaved.
    const picked = new Set<number>();
    let seed = 42;
    while (picked.size < 300) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      picked.add(1 + (seed % users));
    }
    const order = [...picked];
    for (const step of ["ann", "rome", "soup"]) {
      for (const id of order) await bot.handleUpdate(userOf(id).text(`${step}${id}`));
    }
    const sent = setup.sent();
    for (const id of order) {
      expect(sent).toContain(`City, ann${id}?`);
      expect(sent).toContain(`ann${id}/rome${id}/soup${id}`);
    }
    expect(sent.filter((text) => text.startsWith("fallthrough"))).toEqual([]);
    // Every finished conversation ran its finally once; the evicted copies never did.
    expect(counts.finally).toBe(300);
    expect(handle.stats().live).toBeLessThanOrEqual(100);
    expect(handle.stats().replays).toBeGreaterThanOrEqual(300);
    expect(plugin.stats().pending).toBe(handle.stats().live);
    expect(setup.errors).toEqual([]);
  });

  it("loses no answer when answers of many evicted conversations arrive at once", async () => {
    const { setup, counts } = survey({ maxLive: 5 });
    const { bot, handle } = setup.start();
    const ids = Array.from({ length: 60 }, (_, at) => at + 1);
    await Promise.all(ids.map((id) => bot.handleUpdate(userOf(id).command("/survey"))));
    for (const step of ["ann", "rome", "soup"]) {
      await Promise.all(ids.map((id) => bot.handleUpdate(userOf(id).text(`${step}${id}`))));
    }
    const sent = setup.sent();
    expect(sent.filter((text) => text.startsWith("fallthrough"))).toEqual([]);
    for (const id of ids) expect(sent).toContain(`ann${id}/rome${id}/soup${id}`);
    expect(counts.finally).toBe(60);
    expect(handle.stats().live).toBe(0);
    expect(setup.errors).toEqual([]);
  });

  it("evicts a copy idle for idleEvictMs; its next answer replays it once and goes on live", async () => {
    const { setup, counts } = survey({ idleEvictMs: 60_000 });
    const { bot, handle, plugin } = setup.start();
    const user = userOf(7);
    await bot.handleUpdate(user.command("/survey"));
    await bot.handleUpdate(user.text("Ann"));
    await setup.advance(59_999);
    expect(handle.stats()).toMatchObject({ live: 1, evicted: 0 });
    await setup.advance(1);
    expect(handle.stats()).toMatchObject({ live: 0, evicted: 1 });
    expect(plugin.stats().pending).toBe(0);
    expect(setup.clock.pendingTimers).toBe(0);

    await bot.handleUpdate(user.text("Rome"));
    await bot.handleUpdate(user.text("soup"));
    expect(setup.sent()).toEqual(["Name, 7?", "City, Ann?", "Dish?", "Ann/Rome/soup"]);
    expect(handle.stats()).toMatchObject({ live: 0, evicted: 1, replays: 1, replayedSteps: 2 });
    expect(counts).toEqual({ finally: 1, starts: 2 });
  });

  it("never evicts a copy that is handling an update", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const setup = restartable(
      "slow",
      async (conv) => {
        const name = await conv.ask("Name?");
        await conv.external(() => gate);
        await name.reply(`Hi ${name.message?.text}`);
      },
      { maxLive: 1 },
    );
    const { bot, handle } = setup.start();
    await bot.handleUpdate(userOf(1).command("/slow"));
    const answering = bot.handleUpdate(userOf(1).text("Ann"));
    await setup.advance(0);
    // User 2 enters while user 1's copy awaits its external: past maxLive, the copy evicted is
    // user 2's, waiting, not user 1's, busy.
    await bot.handleUpdate(userOf(2).command("/slow"));
    expect(handle.stats()).toMatchObject({ live: 1, evicted: 1 });
    release();
    await answering;
    expect(setup.sent()).toEqual(["Name?", "Name?", "Hi Ann"]);
    expect(handle.stats()).toMatchObject({ live: 0, evicted: 1 });
    await bot.handleUpdate(userOf(2).text("Bob"));
    expect(setup.sent().at(-1)).toBe("Hi Bob");
  });

  it("fires the deadline of an evicted wait at its time, through the due sweep", async () => {
    const setup = restartable(
      "patient",
      async (conv) => {
        try {
          await conv.ask("Name? (ten minutes)", { timeoutMs: 600_000 });
        } catch (error) {
          if (!(error instanceof ListenerTimeoutError)) throw error;
          await conv.ask("Too slow. Name, again?");
        }
      },
      { idleEvictMs: 60_000, dueBucketMs: 60_000 },
    );
    const { bot, handle } = setup.start();
    await bot.handleUpdate(userOf(7).command("/patient"));
    await setup.advance(60_000);
    expect(handle.stats()).toMatchObject({ live: 0, evicted: 1 });
    await setup.advance(539_999);
    expect(setup.sent()).toEqual(["Name? (ten minutes)"]);
    await setup.advance(1);
    await setup.advance(0);
    expect(setup.sent()).toEqual(["Name? (ten minutes)", "Too slow. Name, again?"]);
    expect(handle.stats().replays).toBe(1);
  });

  it("wakes an evicted conv.sleep at its time", async () => {
    const setup = restartable(
      "nap",
      async (conv, ctx: ConvContext) => {
        await ctx.reply("Napping.");
        await conv.sleep(300_000);
        await ctx.reply("Awake.");
      },
      { idleEvictMs: 60_000 },
    );
    const { bot, handle } = setup.start();
    await bot.handleUpdate(userOf(7).command("/nap"));
    await setup.advance(60_000);
    expect(handle.stats()).toMatchObject({ live: 0, evicted: 1 });
    await setup.advance(240_000);
    await setup.advance(0);
    expect(setup.sent()).toEqual(["Napping.", "Awake."]);
  });
});
