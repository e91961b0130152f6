import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageHistory } from "../../src/histories/storage.js";
import { RedisStorage } from "../../src/storages/redis.js";
import { testHistory } from "../../src/testing/history-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { advanceRedisTtls } from "../storages/redis-time.js";
import { type RedisServer, redisSkipReason, startRedisServer } from "../support/redis-server.js";

const skip = redisSkipReason();
let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  if (skip !== undefined) return;
  server = await startRedisServer();
  client = server.client();
});

afterAll(async () => {
  await server?.stop();
});

testHistory(
  "StorageHistory on Redis",
  async (limits) => {
    await server.flush();
    const clock = new ManualClock();
    return {
      history: new StorageHistory(new RedisStorage({ client, prefix: "test:" }), {
        ...limits,
        clock,
      }),
      clock,
      advance: async (ms) => {
        clock.advance(ms);
        await advanceRedisTtls(client, ms);
      },
    };
  },
  { skip },
);

describe.skipIf(skip !== undefined)("StorageHistory on Redis", () => {
  it("keeps one namespaced key per scope whose TTL each write restarts", async () => {
    await server.flush();
    const storage = new RedisStorage({ client, prefix: "bot1:" });
    const history = new StorageHistory(storage, { prefix: "history:", ttlMs: 60_000 });
    await history.push("chat:1/user:2", { step: "a" });
    await client.pexpire("bot1:history:chat:1/user:2", 1_000);
    await history.push("chat:1/user:2", { step: "b" });
    expect(await client.keys("*")).toEqual(["bot1:history:chat:1/user:2"]);
    expect(await client.pttl("bot1:history:chat:1/user:2")).toBeGreaterThan(59_000);
  });
});
