import { UpdateFactory } from "colloquy/testing";
import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

describe("recovery by replay", () => {
  it("returns the journaled message ids, and a second update after recovery replays nothing", async () => {
    const seen: { id: number; replaying: boolean }[] = [];
    let runs = 0;
    const setup = restartable("ids", async (conv, ctx) => {
      runs++;
      const replaying = conv.replaying;
      const note = await ctx.reply("Tracking this message.");
      seen.push({ id: note.message_id, replaying });
      await conv.waitFor("message:text");
      await conv.waitFor("message:text");
      const replayingEdit = conv.replaying;
      const edited = await ctx.api.editMessageText(ctx.chat?.id ?? 0, note.message_id, "Done.");
      seen.push({ id: (edited as { message_id: number }).message_id, replaying: replayingEdit });
    });
    const user = new UpdateFactory({ from: ann });
    const first = setup.start();
    await first.bot.handleUpdate(user.command("/ids"));
    const second = setup.start();
    await second.bot.handleUpdate(user.text("one"));
    expect(runs).toBe(2);
    expect(seen[1]).toEqual({ id: seen[0]?.id, replaying: true });
    expect(second.calls()).toBe(0);
    await second.bot.handleUpdate(user.text("two"));
    expect(runs).toBe(2);
    expect(seen[2]).toEqual({ id: seen[0]?.id, replaying: false });
    expect(setup.errors).toEqual([]);
  });

  it("replays externals, the time and random numbers as they were, and their errors", async () => {
    const values: unknown[] = [];
    let lookups = 0;
    const setup = restartable("values", async (conv) => {
      const price = await conv.external(() => ++lookups * 10, "price");
      const failure = await conv
        .external(() => Promise.reject(new RangeError("no stock")), "stock")
        .catch((error: Error) => `${error.name}: ${error.message}`);
      const nothing = await conv.external(() => undefined, "log");
      values.push([price, failure, nothing, conv.now(), conv.random()]);
      await conv.waitFor("message:text");
    });
    const user = new UpdateFactory({ from: ann });
    setup.clock.advance(1234);
    const startedAt = setup.clock.now();
    await setup.start().bot.handleUpdate(user.command("/values"));
    setup.clock.advance(1000);
    await setup.start().bot.handleUpdate(user.text("again"));
    expect(lookups).toBe(1);
    expect(values[1]).toEqual(values[0]);
    expect(values[0]).toEqual([
      10,
      "RangeError: no stock",
      undefined,
      startedAt,
      expect.any(Number),
    ]);
  });

  it("throws a journaled Bot API failure again on replay without sending", async () => {
    const failures: string[] = [];
    const setup = restartable("blocked", async (conv, ctx) => {
      try {
        await ctx.api.sendMessage(999, "to a chat that does not exist");
      } catch (error) {
        failures.push(error instanceof GrammyError ? `${error.error_code}` : String(error));
      }
      await conv.waitFor("message:text");
    });
    setup.failNext("sendMessage", 403, "Forbidden: bot was blocked by the user");
    const user = new UpdateFactory({ from: ann });
    await setup.start().bot.handleUpdate(user.command("/blocked"));
    const second = setup.start();
    await second.bot.handleUpdate(user.text("hi"));
    expect(failures).toEqual(["403", "403"]);
    expect(second.calls()).toBe(0);
  });

  it("a value that is not JSON fails the external call with NonJsonValueError", async () => {
    const setup = restartable("date", async (conv) => {
      await conv.external(() => new Date(0) as never, "when");
    });
    const user = new UpdateFactory({ from: ann });
    await expect(setup.start().bot.handleUpdate(user.command("/date"))).rejects.toThrow(
      /NonJsonValue|JSON/,
    );
  });
});
