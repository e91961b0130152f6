import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { batchedLua, ScriptBatch } from "../../src/redis/script-batch.js";
import { commandsDuring } from "../support/redis-commands.js";
import { freePort, useRedisServer } from "../support/redis-server.js";

// Adds ARGV[1] to the counter KEYS[1] and answers the counter with the call's tag, ARGV[2].
const ADD = `
local total = redis.call("incrby", KEYS[1], ARGV[1])
return {total, ARGV[2]}
`;
const shape = { keys: 1, args: 2 };

describe("batchedLua", () => {
  it("indexes every KEYS and ARGV of the body from the call's own offset", () => {
    const lua = batchedLua(`return {KEYS[1], KEYS[12], ARGV[3]}`, 12, 3);
    expect(lua).toContain("return {KEYS[k + 1], KEYS[k + 12], ARGV[a + 3]}");
    expect(lua).toContain("pcall(call, i * 12, i * 3)");
  });
});

const redis = useRedisServer();

describe.skipIf(redis.skip !== undefined)("ScriptBatch", () => {
  it("sends the calls of one turn as one EVALSHA, each with its own result, in order", async () => {
    const client = redis.client();
    await client.del("n");
    const batch = new ScriptBatch(client, ADD, shape);
    await batch.call(["warm"], [0, "warm"]); // Redis learns the script
    let results: unknown[] = [];
    const names = await commandsDuring([client], async () => {
      results = await Promise.all([1, 2, 3, 4].map((i) => batch.call(["n"], [i, `c${i}`])));
    });
    expect(names).toEqual(["evalsha"]);
    expect(results).toEqual([
      [1, "c1"],
      [3, "c2"],
      [6, "c3"],
      [10, "c4"],
    ]);
  });

  it("takes calls made in promise reactions of the same turn into the same batch", async () => {
    const client = redis.client();
    const batch = new ScriptBatch(client, ADD, shape);
    await batch.call(["warm"], [0, "warm"]);
    const names = await commandsDuring([client], async () => {
      await Promise.all([
        batch.call(["m"], [1, "now"]),
        Promise.resolve().then(() => batch.call(["m"], [1, "a reaction later"])),
      ]);
    });
    expect(names).toEqual(["evalsha"]);
  });

  it("sends calls of different turns apart", async () => {
    const client = redis.client();
    const batch = new ScriptBatch(client, ADD, shape);
    await batch.call(["warm"], [0, "warm"]);
    const names = await commandsDuring([client], async () => {
      await batch.call(["p"], [1, "first"]);
      await batch.call(["p"], [1, "second"]);
    });
    expect(names).toEqual(["evalsha", "evalsha"]);
  });

  it("splits a turn's calls into batches of maxCalls", async () => {
    const client = redis.client();
    await client.del("q");
    const batch = new ScriptBatch(client, ADD, shape, 3);
    await batch.call(["warm"], [0, "warm"]);
    let totals: unknown[] = [];
    const names = await commandsDuring([client], async () => {
      const results = await Promise.all(
        Array.from({ length: 7 }, () => batch.call(["q"], [1, "x"])),
      );
      totals = results.map((r) => (r as [number, string])[0]);
    });
    expect(names).toEqual(["evalsha", "evalsha", "evalsha"]);
    expect(totals).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects only the call that failed; the others of its batch go on", async () => {
    const client = redis.client();
    await client.del("z");
    await client.set("text", "not a number");
    const batch = new ScriptBatch(client, ADD, shape);
    const outcomes = await Promise.allSettled([
      batch.call(["z"], [1, "before"]),
      batch.call(["text"], [1, "fails"]),
      batch.call(["z"], [1, "after"]),
    ]);
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: [1, "before"] });
    expect(outcomes[1]).toMatchObject({
      status: "rejected",
      reason: { message: expect.stringContaining("not an integer") },
    });
    expect(outcomes[2]).toEqual({ status: "fulfilled", value: [2, "after"] });
  });

  it("answers null for a call that returns nothing, and keeps the later calls' places", async () => {
    const client = redis.client();
    const batch = new ScriptBatch(client, 'if ARGV[1] == "none" then return end\nreturn ARGV[1]', {
      keys: 1,
      args: 1,
    });
    const results = await Promise.all(
      ["a", "none", "c"].map((arg, i) => batch.call([`k${i}`], [arg])),
    );
    expect(results).toEqual(["a", null, "c"]);
  });

  it("rejects every call of a batch that never reached Redis", async () => {
    const offline = new Redis({
      port: await freePort(),
      host: "127.0.0.1",
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    const batch = new ScriptBatch(offline, ADD, shape);
    const outcomes = await Promise.allSettled([
      batch.call(["a"], [1, "x"]),
      batch.call(["b"], [1, "y"]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    offline.disconnect();
  });

  it("sends the script's text again when Redis forgot it", async () => {
    const client = redis.client();
    await client.del("r");
    const batch = new ScriptBatch(client, ADD, shape);
    await batch.call(["r"], [1, "before"]);
    await client.script("FLUSH");
    expect(await batch.call(["r"], [1, "after"])).toEqual([2, "after"]);
  });

  it("refuses a call shaped unlike the batch, and a shape without keys", () => {
    const batch = new ScriptBatch(redis.client(), ADD, shape);
    expect(() => batch.call(["a", "b"], [1, "x"])).toThrow(RangeError);
    // The calls are counted by their keys, so each needs one.
    expect(() => new ScriptBatch(redis.client(), ADD, { keys: 0, args: 1 })).toThrow(RangeError);
  });
});
