/**
 * The demo bot, run by `npm start`.
 * - No BOT_TOKEN: you chat with it in this terminal; no token and no network needed.
 * - BOT_TOKEN: long polling against Telegram, or against TELEGRAM_API_ROOT.
 * - BOT_TOKEN + WEBHOOK_PORT: a webhook at / on 127.0.0.1 (WEBHOOK_HOST to change), checking
 *   WEBHOOK_SECRET; setWebhook only when WEBHOOK_URL is set. With STORAGE=redis://… several
 *   processes form one bot: each update is handled once, each chat in order.
 * Environment: ASK_TIMEOUT_MS (60000), COUNT_IDLE_MS (10000), COLLOQUY_DATA (./.colloquy),
 * STORAGE (sqlite:<data>/demo.db | memory: | file:DIR | redis://…), WEATHER (offline | open-meteo).
 */
import { runInTerminal } from "colloquy/terminal";
import { Bot } from "grammy";
import { type DemoContext, installDemo } from "./bot.js";
import { openStorage } from "./storage.js";
import { commands } from "./texts.js";
import { OfflineWeather, weatherProviderNamed } from "./weather/index.js";
import { serveWebhook } from "./webhook.js";

async function crossInstanceAsksOn(bot: Bot<DemoContext>, url: string) {
  const [{ Redis }, { crossInstanceAsks }] = await Promise.all([
    import("ioredis"),
    import("colloquy/redis"),
  ]);
  const client = new Redis(url);
  const subscriber = new Redis(url);
  const asks = crossInstanceAsks({
    client,
    subscriber,
    bot,
    instanceId: `${process.pid}-${Date.now().toString(36)}`,
  });
  const stop = async () => {
    await asks.stop();
    await Promise.all([client.quit(), subscriber.quit()]);
  };
  return Object.assign(asks, { stopAndDisconnect: stop });
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${raw} must be a positive number of milliseconds.`);
  }
  return value;
}

const token = process.env.BOT_TOKEN || undefined;
const apiRoot = process.env.TELEGRAM_API_ROOT || undefined;
const webhookPort = process.env.WEBHOOK_PORT || undefined;
if (webhookPort !== undefined && token === undefined) {
  throw new Error("WEBHOOK_PORT needs BOT_TOKEN: a webhook serves a bot that Telegram knows.");
}

const bot = new Bot<DemoContext>(token ?? "terminal", apiRoot ? { client: { apiRoot } } : {});
// A bot token starts with the bot's id: shared storage keys carry it without asking Telegram.
const botId = token?.split(":", 1)[0] ?? "local";
const stored = await openStorage(
  process.env.STORAGE,
  process.env.COLLOQUY_DATA ?? ".colloquy",
  botId,
);
// Several webhook instances on one Redis: a reply that reaches another instance than the one its
// ask waits on is handed over (before coordinate(), which installDemo puts first).
const asks =
  webhookPort !== undefined && stored.redisUrl !== undefined
    ? await crossInstanceAsksOn(bot, stored.redisUrl)
    : undefined;
if (asks !== undefined) bot.use(asks);
const demo = installDemo(bot, {
  askTimeoutMs: numberFromEnv("ASK_TIMEOUT_MS", 60_000),
  countIdleMs: numberFromEnv("COUNT_IDLE_MS", 10_000),
  weather: weatherProviderNamed(process.env.WEATHER),
  cities: new OfflineWeather(),
  storage: stored.storage,
  lock: stored.lock,
  ...(webhookPort === undefined ? {} : { coordinator: stored.coordinator }),
  ...(asks === undefined ? {} : { onWaitsChanged: asks.onWaitsChanged }),
});
bot.catch((error) =>
  console.error(`colloquy demo: update ${error.ctx.update.update_id} failed:`, error.error),
);

const stop = new AbortController();
const signals = ["SIGTERM", "SIGINT"] as const;
const onSignal = () => stop.abort();
for (const signal of signals) process.once(signal, onSignal);
/** Ends the demo's flows; a second Ctrl+C or SIGTERM from now on quits at once. */
const stopping = () => {
  for (const signal of signals) process.removeListener(signal, onSignal);
  demo.stop();
};

if (token === undefined) {
  // Stopping inside the run, so that the goodbyes of the flows still show in the terminal.
  await runInTerminal(bot, { signal: stop.signal, onInputEnd: stopping });
} else if (webhookPort !== undefined) {
  await bot.init();
  await asks?.start();
  const server = await serveWebhook(bot, {
    port: numberFromEnv("WEBHOOK_PORT", 8080),
    ...(process.env.WEBHOOK_HOST ? { host: process.env.WEBHOOK_HOST } : {}),
    ...(process.env.WEBHOOK_SECRET ? { secret: process.env.WEBHOOK_SECRET } : {}),
    ...(process.env.WEBHOOK_URL ? { url: process.env.WEBHOOK_URL } : {}),
  });
  console.log(`colloquy demo: webhook for @${bot.botInfo.username} on port ${webhookPort}`);
  await new Promise((resolve) => stop.signal.addEventListener("abort", resolve));
  stopping();
  await new Promise((resolve) => server.close(resolve));
  await asks?.stopAndDisconnect();
} else {
  // A minimal Bot API server may lack these; the bot works without them.
  await bot.api.setMyCommands([...commands]).catch((error: unknown) => {
    console.warn(`colloquy demo: setMyCommands failed (${String(error)}); continuing.`);
  });
  stop.signal.addEventListener("abort", () => void bot.stop());
  await bot.start({ onStart: (me) => console.log(`colloquy demo running as @${me.username}`) });
  stopping();
}
await stored.close();
