import { defineNode, goto, stay } from "colloquy";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RedisLock } from "../../src/locks/redis.js";
import { RedisStorage } from "../../src/storages/redis.js";
import type { TestContext } from "../support/grammy.js";
import { useRedisServer } from "../support/redis-server.js";
import { annScope, createFlowBot } from "./harness.js";

const redis = useRedisServer();

const list = defineNode({ key: "list", schema: z.object({ items: z.array(z.string()) }) });

describe.skipIf(redis.skip !== undefined)("a node flow on Redis, two bot instances", () => {
  it("runs ten concurrent events of one user one at a time, each once, in order per instance", async () => {
    const handled: string[] = [];
    const track = { active: 0, most: 0 };
    const node = list.handle<TestContext>({
      async event(ctx, { items }) {
        const text = ctx.message?.text ?? "";
        track.active++;
        track.most = Math.max(track.most, track.active);
        handled.push(text);
        // Gives the other instance every chance to overlap with this one.
        await new Promise((resolve) => setTimeout(resolve, 2));
        track.active--;
        return stay({ items: [...items, text] });
      },
    });
    // Each instance has its own connections, as two processes would.
    const instance = () =>
      createFlowBot({
        nodes: [node],
        start: () => goto(list, { items: [] }),
        storage: new RedisStorage({ client: redis.server().client(), prefix: "bot1:" }),
        lock: new RedisLock({ client: redis.server().client(), prefix: "bot1:lock:" }),
      });
    const [a, b] = [instance(), instance()];
    await a.send("/go");
    const texts = Array.from({ length: 10 }, (_, i) => `m${i}`);
    // One user's updates, spread over both instances the way a load balancer would.
    await Promise.all(texts.map((text, i) => (i % 2 === 0 ? a : b).send(text)));

    expect(track.most).toBe(1);
    expect([...handled].sort()).toEqual(texts);
    expect(handled.filter((t) => Number(t.slice(1)) % 2 === 0)).toEqual([
      "m0",
      "m2",
      "m4",
      "m6",
      "m8",
    ]);
    expect(handled.filter((t) => Number(t.slice(1)) % 2 === 1)).toEqual([
      "m1",
      "m3",
      "m5",
      "m7",
      "m9",
    ]);
    // What is stored is every event, once, in the order they ran.
    expect(await b.flow.user(annScope).get()).toEqual({ node: "list", data: { items: handled } });
  });
});
