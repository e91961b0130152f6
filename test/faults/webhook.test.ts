/**
 * Webhook requests that carry no update (issue 19, §6): a wrong or missing secret answers 401, a
 * body that is not JSON or not an update 400, a body over 1 MiB 413 — and nothing is handled.
 */
import type { AddressInfo } from "node:net";
import { WebhookRequestError } from "colloquy";
import { safeWebhookCallback } from "colloquy/grammy";
import { UpdateFactory } from "colloquy/testing";
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWebhook } from "../../examples/demo/webhook.js";
import { secretMatches } from "../../src/adapters/grammy/webhook-request.js";
import { LocalBotApi } from "../../src/adapters/local-api.js";
import { InvalidArgumentError } from "../../src/errors.js";
import { serveOnLoopback } from "../support/webhook-server.js";

const SECRET = "s3cret-token";

/** A bot that counts the updates its handlers saw. */
function countingBot() {
  const api = new LocalBotApi();
  const bot = new Bot("123:test", { botInfo: api.botInfo });
  bot.api.config.use(api.transformer);
  const handled: number[] = [];
  bot.use((ctx) => void handled.push(ctx.update.update_id));
  return { bot, handled };
}

/** Posts `body` as is, with the secret header when given. */
const post = (url: string, body: string | ReadableStream<Uint8Array>, secret?: string) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
    },
    body,
    // A body streamed without a length: the limit must hold while reading, not only up front.
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);

const update = JSON.stringify(new UpdateFactory({}, 10).command("/start"));
const overMiB = JSON.stringify({ update_id: 1, message: { text: "x".repeat(1024 * 1024) } });

/** A body of `bytes` sent in chunks, with no content-length header. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      const size = Math.min(left, 64 * 1024);
      controller.enqueue(new Uint8Array(size).fill(0x20));
      left -= size;
      if (left === 0) controller.close();
    },
  });
}

/** The cases every server below must answer alike. */
function refusesWhatIsNoUpdate(target: () => { url: string; handled: number[] }) {
  it.each([
    ["a wrong secret of the same length", "s3cret-tokeN"],
    ["a wrong secret of another length", "s3cret"],
    ["a secret that only starts right", `${SECRET}-and-more`],
    ["no secret", undefined],
  ])("answers 401 to %s and handles nothing", async (_, secret) => {
    const { url, handled } = target();
    const response = await post(url, update, secret);
    expect(response.status).toBe(401);
    expect(handled).toEqual([]);
  });

  it.each([
    ["not JSON", "{update_id: 1"],
    ["empty", ""],
    ["a JSON array", "[1, 2]"],
    ["JSON null", "null"],
    ["an object without update_id", '{"message": {"text": "hi"}}'],
    ["an update_id that is a string", '{"update_id": "7"}'],
    ["an update_id that is a fraction", '{"update_id": 7.5}'],
  ])("answers 400 to a body that is %s and handles nothing", async (_, body) => {
    const { url, handled } = target();
    const response = await post(url, body, SECRET);
    expect(response.status).toBe(400);
    expect(handled).toEqual([]);
  });

  it("answers 413 to a body over 1 MiB, declared or streamed, and handles nothing", async () => {
    const { url, handled } = target();
    expect((await post(url, overMiB, SECRET)).status).toBe(413);
    expect((await post(url, streamed(2 * 1024 * 1024), SECRET)).status).toBe(413);
    expect(handled).toEqual([]);
  });

  it("handles an update with the right secret, after all the refusals", async () => {
    const { url, handled } = target();
    const response = await post(url, update, SECRET);
    expect(response.status).toBe(200);
    expect(handled).toEqual([10]);
  });
}

describe("safeWebhookCallback on node:http", () => {
  const { bot, handled } = countingBot();
  const refused: unknown[] = [];
  let url = "";
  let close = () => {};
  beforeAll(async () => {
    const handle = safeWebhookCallback(bot, "http", { secretToken: SECRET });
    const server = await serveOnLoopback((request, response) =>
      handle(request, response).catch((error: unknown) => {
        refused.push(error);
        response.statusCode = error instanceof WebhookRequestError ? error.status : 500;
        response.end();
      }),
    );
    ({ url, close } = server);
  });
  afterAll(() => close());

  refusesWhatIsNoUpdate(() => ({ url, handled }));

  it("refused each bad body with a WebhookRequestError naming the problem", () => {
    const problems = refused.map((error) => (error as WebhookRequestError).problem);
    expect(refused.every((error) => error instanceof WebhookRequestError)).toBe(true);
    expect(new Set(problems)).toEqual(new Set(["not-json", "not-an-update", "too-large"]));
    expect((refused[0] as Error).message).toContain("Answer the error's status");
  });

  it("refuses a body limit that is not a positive whole number", () => {
    for (const maxBodyBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => safeWebhookCallback(bot, "http", { maxBodyBytes })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});

describe("safeWebhookCallback with another framework's adapter", () => {
  it("turns the framework's JSON parse failure and a non-update into a 400 WebhookRequestError", async () => {
    const { bot, handled } = countingBot();
    const handle = safeWebhookCallback(bot, "std/http");
    const request = (body: string) => new Request("http://bot.example/", { method: "POST", body });
    const notJson = await (handle(request("nope")) as Promise<unknown>).catch((e: unknown) => e);
    const notUpdate = await (handle(request("[]")) as Promise<unknown>).catch((e: unknown) => e);
    expect(notJson).toMatchObject({ status: 400, problem: "not-json" });
    expect(notUpdate).toMatchObject({ status: 400, problem: "not-an-update" });
    expect(handled).toEqual([]);
  });
});

describe("the demo's webhook server", () => {
  const { bot, handled } = countingBot();
  let url = "";
  let server: Awaited<ReturnType<typeof serveWebhook>>;
  beforeAll(async () => {
    server = await serveWebhook(bot, { port: 0, secret: SECRET });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => server.close());

  refusesWhatIsNoUpdate(() => ({ url, handled }));
});

describe("secretMatches", () => {
  it("accepts only the exact secret, whatever the lengths", () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretMatches("", SECRET)).toBe(false);
    expect(secretMatches("", "")).toBe(true);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches("ü", "ü")).toBe(true);
  });
});
