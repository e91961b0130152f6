import { describe, expect, it } from "vitest";
import { StorageHistory } from "../../src/histories/storage.js";
import { RedisStorage } from "../../src/storages/redis.js";
import { testHistory } from "../../src/testing/history-suite.js";
import { ManualClock } from "../../src/testing/manual-clock.js";
import { advanceRedisTtls } from "../storages/redis-time.js";
import { useRedisServer } from "../support/redis-server.js";

const redis = useRedisServer();
const skip = redis.skip;

testHistory(
  "StorageHistory on Redis",
  async (limits) => {
    await redis.server().flush();
    const clock = new ManualClock();
    return {
      history: new StorageHistory(new RedisStorage({ client: redis.client(), prefix: "test:" }), {
        ...limits,
        clock,
      }),
      clock,
      advance: async (ms) => {
        clock.advance(ms);
        await advanceRedisTtls(redis.client(), ms);
      },
    };
  },
  { skip },
);

describe.skipIf(skip !== undefined)("StorageHistory on Redis", () => {
  it("keeps one namespaced key per scope whose TTL each write restarts", async () => {
    await redis.server().flush();
    const storage = new RedisStorage({ client: redis.client(), prefix: "bot1:" });
    const history = new StorageHistory(storage, { prefix: "history:", ttlMs: 60_000 });
    await history.push("chat:1/user:2", { step: "a" });
    await redis.client().pexpire("bot1:history:chat:1/user:2", 1_000);
    await history.push("chat:1/user:2", { step: "b" });
    expect(await redis.client().keys("*")).toEqual(["bot1:history:chat:1/user:2"]);
    expect(await redis.client().pttl("bot1:history:chat:1/user:2")).toBeGreaterThan(59_000);
  });
});
