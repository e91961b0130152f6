import type { Redis } from "ioredis";

/**
 * Moves a Redis database's time forward for expiry purposes: every remaining TTL shrinks by `ms`,
 * and keys whose TTL runs out are deleted. Redis keeps its own clock, so this is how the contract
 * suite's `advance` stays deterministic without sleeping; tests keep margins of a second or more
 * around each deadline, far above the real time a test takes.
 */
export async function advanceRedisTtls(client: Redis, ms: number): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const ttl = await client.pttl(key);
      if (ttl < 0) continue;
      if (ttl <= ms) await client.del(key);
      else await client.pexpire(key, ttl - ms);
    }
  } while (cursor !== "0");
}
