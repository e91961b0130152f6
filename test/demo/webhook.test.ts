import type { ChildProcess } from "node:child_process";
import type { Update } from "@grammyjs/types";
import { UpdateFactory } from "colloquy/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { spawnTs, stop, waitForOutput } from "../support/child.js";
import { freePort, useRedisServer } from "../support/redis-server.js";

const redis = useRedisServer();

/** One demo process in webhook mode; resolves once it listens. */
async function startInstance(
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnTs("examples/demo/main.ts", { env: { ...env, WEBHOOK_PORT: String(port) } });
  await waitForOutput(child, "webhook for", "instance");
  return { port, child };
}

describe.skipIf(redis.skip !== undefined)("the demo as a webhook cluster on one Redis", () => {
  let api: BotApiServer;
  const instances: { port: number; child: ChildProcess }[] = [];

  beforeAll(async () => {
    api = await startBotApiServer();
    const env = {
      BOT_TOKEN: "123:test",
      TELEGRAM_API_ROOT: api.url,
      STORAGE: `${redis.server().url}/0`,
      WEBHOOK_SECRET: "s3cret",
      WEBHOOK_URL: "https://bot.example/hook",
    };
    instances.push(...(await Promise.all([startInstance(env), startInstance(env)])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map(({ child }) => stop(child, "SIGTERM")));
    await api?.stop();
  });

  const post = (port: number, update: Update, secret = "s3cret") =>
    fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(update),
    });
  const sentTexts = () =>
    api.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));

  it("points Telegram at WEBHOOK_URL with the secret", () => {
    const calls = api.calls.filter((call) => call.method === "setWebhook");
    expect(calls.map((call) => call.payload)).toEqual([
      { url: "https://bot.example/hook", secret_token: "s3cret" },
      { url: "https://bot.example/hook", secret_token: "s3cret" },
    ]);
  });

  it("refuses a request without the secret", async () => {
    const [a] = instances;
    const response = await post(a?.port ?? 0, new UpdateFactory().command("/start"), "wrong");
    expect(response.status).toBe(401);
  });

  it("handles an update delivered to both instances once", async () => {
    const [a, b] = instances;
    const update = new UpdateFactory(
      { from: { id: 50, is_bot: false, first_name: "Eve" } },
      500,
    ).command("/start");
    const before = sentTexts().length;
    const responses = await Promise.all([post(a?.port ?? 0, update), post(b?.port ?? 0, update)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(sentTexts().slice(before)).toEqual([
      "Welcome to the colloquy demo. Try /name, /order, /weather, /count, /form or /survey. /cancel stops any flow.",
    ]);
  });

  it("hands the answer to an ask over to the instance that waits for it", async () => {
    const [a, b] = instances;
    const user = new UpdateFactory({ from: { id: 70, is_bot: false, first_name: "Ann" } }, 700);
    const before = sentTexts().length;
    expect((await post(a?.port ?? 0, user.command("/name"))).status).toBe(200);
    expect((await post(b?.port ?? 0, user.text("Ann"))).status).toBe(200);
    expect(sentTexts().slice(before)).toEqual(["What is your name?", "Hello, Ann!"]);
  });

  it("keeps a durable /order going across instances", async () => {
    const [a, b] = instances;
    const user = new UpdateFactory({ from: { id: 60, is_bot: false, first_name: "Ann" } }, 600);
    const before = sentTexts().length;
    const steps: [number, Update][] = [
      [a?.port ?? 0, user.command("/order")],
      [b?.port ?? 0, user.text("Yes")],
      [a?.port ?? 0, user.text("Tea")],
      [b?.port ?? 0, user.text("Finish")],
    ];
    for (const [port, update] of steps) expect((await post(port, update)).status).toBe(200);
    expect(sentTexts().slice(before)).toEqual([
      "Hello, Ann! Are you hungry?",
      "No worries, I've got your back!",
      "What are you gonna order? Cart: Empty",
      "Added Tea",
      "What are you gonna order? Cart: Tea",
      "Ordering Tea",
      "Ordered!",
      "Again main menu! Are you hungry?",
    ]);
  });
});
