import { beforeEach, describe, expect, it } from "vitest";
import { RedisStorage } from "../../src/storages/redis.js";
import { testStorage } from "../../src/testing/storage-suite.js";
import { useRedisServer } from "../support/redis-server.js";
import { advanceRedisTtls } from "./redis-time.js";

const redis = useRedisServer();
const skip = redis.skip;

testStorage(
  "RedisStorage",
  async () => {
    await redis.server().flush();
    return {
      storage: new RedisStorage({ client: redis.client(), prefix: "test:" }),
      advance: (ms) => advanceRedisTtls(redis.client(), ms),
    };
  },
  { skip },
);

describe.skipIf(skip !== undefined)("RedisStorage", () => {
  beforeEach(() => redis.server().flush());

  it("puts its prefix before every key, so two bots on one database never collide", async () => {
    const one = new RedisStorage({ client: redis.client(), prefix: "bot1:" });
    const two = new RedisStorage({ client: redis.client(), prefix: "bot2:" });
    await one.set("user:7", "one");
    await two.set("user:7", "two");
    expect(await one.get("user:7")).toBe("one");
    expect(await two.get("user:7")).toBe("two");
    expect((await redis.client().keys("*")).sort()).toEqual(["bot1:user:7", "bot2:user:7"]);
    expect(await new RedisStorage({ client: redis.client() }).set("k", 1)).toBeGreaterThan(0);
    expect(await redis.client().exists("colloquy:k")).toBe(1);
  });

  it("expires through Redis itself (SET PX) and keeps the TTL on a merge", async () => {
    const storage = new RedisStorage({ client: redis.client() });
    const version = await storage.set("k", { a: 1 }, { ttlMs: 60_000 });
    expect(await redis.client().pttl("colloquy:k")).toBeGreaterThan(59_000);
    await storage.compareAndSet("k", version, { a: 1, b: 2 }, { keepTtl: true });
    expect(await redis.client().pttl("colloquy:k")).toBeGreaterThan(59_000);
    await storage.set("k", { a: 2 });
    expect(await redis.client().pttl("colloquy:k")).toBe(-1);
  });

  it("loads its scripts again after the server forgets them", async () => {
    const storage = new RedisStorage({ client: redis.client() });
    await storage.set("k", 1);
    await redis.client().script("FLUSH");
    expect(await storage.set("k", 2)).toBeGreaterThan(0);
    expect(await storage.compareAndDelete("k", 0)).toBe(false);
  });
});
