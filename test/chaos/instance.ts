/**
 * One chaos-test instance, run as a child process: the demo bot as a webhook, behind
 * `crossInstanceAsks` and `coordinate()` on one Redis, with a recorder between `coordinate()` and
 * the demo that logs every claimed update to a second Redis (so the bot's own Redis traffic can
 * be counted alone). The demo does not know it is being tested.
 *
 * Environment: REDIS_URL, RECORD_URL, TELEGRAM_API_ROOT, WEBHOOK_PORT, INSTANCE_ID, LEASE_MS.
 */
import { coordinate } from "colloquy/grammy";
import { Bot, type Context, type MiddlewareFn } from "grammy";
import { Redis } from "ioredis";
import { type DemoContext, type DemoOptions, installDemo } from "../../examples/demo/bot.js";
import { openStorage } from "../../examples/demo/storage.js";
import { OfflineWeather } from "../../examples/demo/weather/index.js";
import { serveWebhook } from "../../examples/demo/webhook.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import { crossInstanceAsks } from "../../src/crossinstance/asks.js";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`chaos instance: ${name} is not set`);
  return value;
}

const instanceId = env("INSTANCE_ID");
const leaseMs = Number(env("LEASE_MS"));
const bot = new Bot<DemoContext>("123:chaos", { client: { apiRoot: env("TELEGRAM_API_ROOT") } });
await bot.init();
const stored = await openStorage(env("REDIS_URL"), ".colloquy-chaos");
const client = new Redis(env("REDIS_URL"));
const record = new Redis(env("RECORD_URL"));
const asks = crossInstanceAsks({
  client,
  subscriber: new Redis(env("REDIS_URL")),
  bot,
  instanceId,
  leaseMs,
  handoffTimeoutMs: 2 * leaseMs,
});

/**
 * Records each claimed update: `started` when its handlers begin, `done` when they return (or
 * suspend in an ask), `failed` when they throw (a run fenced off by a lost lease, say), with the
 * instance and, per chat, the order handling began in.
 */
const recorder: MiddlewareFn<Context> = async (ctx, next) => {
  const id = ctx.update.update_id;
  await record.pipeline().hincrby("started", String(id), 1).rpush(`order:${ctx.chatId}`, id).exec();
  let outcome = "failed";
  try {
    await next();
    outcome = "done";
  } finally {
    await record
      .pipeline()
      .hincrby(outcome, String(id), 1)
      .hset("by", String(id), instanceId)
      .hsetnx("firstBy", String(id), instanceId)
      .exec();
  }
};

bot.use(asks);
bot.use(coordinate(new RedisCoordinator({ client, leaseMs, maxRetryMs: 20 })));
bot.use(recorder as MiddlewareFn<DemoContext>);
// Built apart so that a demo that does not forward `onWaitsChanged` still type-checks.
const options: DemoOptions & { onWaitsChanged: typeof asks.onWaitsChanged } = {
  askTimeoutMs: 60_000,
  countIdleMs: 10_000,
  weather: new OfflineWeather(),
  cities: new OfflineWeather(),
  storage: stored.storage,
  lock: stored.lock,
  onWaitsChanged: asks.onWaitsChanged,
};
installDemo(bot, options);
bot.catch((error) => console.error(`chaos ${instanceId}: update failed:`, error.error));
await asks.start();
await serveWebhook(bot, { port: Number(env("WEBHOOK_PORT")), secret: "chaos" });
console.log(`chaos instance ${instanceId} ready`);
