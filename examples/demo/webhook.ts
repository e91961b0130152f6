/**
 * The demo as a webhook on node:http: `WEBHOOK_PORT` (with `BOT_TOKEN`). Several processes on
 * different ports, with `STORAGE=redis://…`, form one bot behind any balancer: `coordinate()`
 * on Redis hands each update to exactly one of them and keeps each chat in order.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { WebhookRequestError } from "colloquy";
import { safeWebhookCallback } from "colloquy/grammy";
import type { Bot, Context } from "grammy";

/** Where and how to serve. */
export interface WebhookOptions {
  readonly port: number;
  /** Default `127.0.0.1`; set `0.0.0.0` to accept connections from other hosts. */
  readonly host?: string;
  /** Compared with the `X-Telegram-Bot-Api-Secret-Token` header; requests without it get 401. */
  readonly secret?: string;
  /** When set, `setWebhook` points Telegram at it (with the secret). */
  readonly url?: string;
  /** How long a request may take to handle its update, in milliseconds. Default: 10 000. */
  readonly timeoutMs?: number;
}

/**
 * Serves `bot` at `/`. A body that is not an update answers 400 (413 over 1 MiB), and nothing
 * is handled. A handler error answers 500, so Telegram (or the balancer's retry)
 * delivers the update again — `coordinate()` makes sure it is still handled once. So does a
 * request whose update is not handled within `timeoutMs`: its handling goes on, and if it fails
 * after that, `safeWebhookCallback` logs it instead of letting it end the process.
 */
export async function serveWebhook<C extends Context>(
  bot: Bot<C>,
  options: WebhookOptions,
): Promise<Server> {
  if (options.secret === undefined) {
    console.warn(
      "colloquy demo: WEBHOOK_SECRET is not set, so anyone who finds this address can post " +
        "updates to the bot. Set it (and WEBHOOK_URL) to check Telegram's secret token.",
    );
  }
  // The secret is compared there, in constant time; a wrong or missing one answers 401.
  const handle = safeWebhookCallback(bot, "http", {
    secretToken: options.secret,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?", 1)[0];
    if (request.method !== "POST" || path !== "/") {
      response.statusCode = 404;
      response.end();
      return;
    }
    handle(request, response).catch((error: unknown) => {
      if (error instanceof WebhookRequestError) {
        // Not an update: nothing to deliver again.
        response.statusCode = error.status;
        response.end();
        return;
      }
      console.error("colloquy demo: update failed; answering 500 so it is delivered again:", error);
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    });
  });
  server.listen(options.port, options.host ?? "127.0.0.1");
  await once(server, "listening");
  if (options.url !== undefined) {
    await bot.api.setWebhook(options.url, {
      ...(options.secret === undefined ? {} : { secret_token: options.secret }),
    });
  }
  return server;
}
