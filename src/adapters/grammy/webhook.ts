/**
 * `safeWebhookCallback()`: grammY's `webhookCallback` whose timeout cannot end the process.
 *
 * grammY's own timeout answers the request and leaves the update's handling running, with a
 * promise derived from it that nobody listens to: when the handling fails later (a claim that
 * waited out a Redis stall, say), Node's `unhandledRejection` ends the process. Here the deadline
 * is kept by the bot's `handleUpdate` itself, and grammY's is switched off, so grammY never sees
 * a promise that settles after it answered.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import createDebug from "debug";
import { type Bot, BotError, type Context, webhookCallback } from "grammy";
import { type Clock, systemClock } from "../../clock.js";
import { detachedHook } from "../../detached.js";
import { assertDurationMs, assertPositiveInteger } from "../../validate.js";
import { WebhookRequestError, WebhookTimeoutError } from "../../webhook-errors.js";
import { boundedHttpAdapter, isUpdate } from "./webhook-request.js";

const debug = createDebug("colloquy:webhook");

/** The adapters grammY's `webhookCallback` takes: a framework's name or an adapter function. */
export type WebhookAdapter = Parameters<typeof webhookCallback>[1];

/** Options of {@link safeWebhookCallback}. */
export interface SafeWebhookOptions {
  /** How long a request may take to handle its update, in milliseconds. Default: 10 000. */
  readonly timeoutMs?: number;
  /**
   * What a request that reaches `timeoutMs` answers: `"throw"` (default) fails it with a
   * `WebhookTimeoutError`, so the sender delivers the update again (`coordinate()` makes sure it
   * still runs once); `"return"` answers success, so it is not delivered again.
   */
  readonly onTimeout?: "throw" | "return";
  /**
   * Compared with the `X-Telegram-Bot-Api-Secret-Token` header, as grammY does; requests without
   * it are refused. Unset (or `undefined`, as from an unset variable): no check.
   */
  readonly secretToken?: string | undefined;
  /**
   * Receives the failure of an update whose request was already answered at the timeout (the
   * handler's own error, unwrapped from grammY's `BotError`). Called once per such update.
   * Default: `console.error` with the update id.
   */
  readonly onLateError?: (error: unknown, update: Update) => void;
  /**
   * The largest body accepted, in bytes; a larger one is refused with a `WebhookRequestError`
   * of status 413, unread. Default: 1 MiB (Telegram's updates are far smaller). Enforced for the
   * `"http"` and `"https"` adapters; other frameworks apply their own body parser's limit.
   */
  readonly maxBodyBytes?: number;
  /** Drives the deadline (tests pass a `ManualClock`). Default: `systemClock`. */
  readonly clock?: Clock;
}

/**
 * A drop-in for grammY's `webhookCallback(bot, adapter, options)`, for any of its adapters, that
 * no failure of an update's handling can crash. At `timeoutMs` the request fails with a
 * `WebhookTimeoutError` (or succeeds, with `onTimeout: "return"`); the handling goes on, and if it
 * fails after that, the failure goes to `onLateError` — logged once with the update id — never to
 * Node's unhandled-rejection handler. A failure before the deadline rejects the callback, as
 * grammY's does: answer 500 in its `catch`, so the sender delivers the update again.
 *
 * A request that carries no update is refused before any handler runs, with a
 * `WebhookRequestError` whose `status` to answer is 400 (a body that is not JSON, or not an
 * update) or 413 (a body over `maxBodyBytes`). With the `"http"` adapter the secret token is
 * compared in constant time (grammY's own comparison takes longer for a longer match).
 *
 * Keep the coordinator's `waitMs` under `timeoutMs` (the defaults, 8 000 and 10 000, are), so that
 * a claim that cannot get its chat fails its own request rather than going on after it.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { safeWebhookCallback } from "colloquy/grammy";
 * import { WebhookRequestError } from "colloquy";
 *
 * const handle = safeWebhookCallback(bot, "http", { secretToken: process.env.WEBHOOK_SECRET });
 * createServer((req, res) =>
 *   handle(req, res).catch((error: unknown) => {
 *     // 400 or 413 for a request without an update; else 500: the sender delivers it again.
 *     res.statusCode = error instanceof WebhookRequestError ? error.status : 500;
 *     res.end();
 *   }),
 * ).listen(8080, "127.0.0.1");
 * ```
 */
export function safeWebhookCallback<C extends Context, A extends WebhookAdapter>(
  bot: Bot<C>,
  adapter: A,
  options: SafeWebhookOptions = {},
): ReturnType<typeof webhookCallback<C, A>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  assertDurationMs("timeoutMs", timeoutMs);
  const answer = options.onTimeout ?? "throw";
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  assertPositiveInteger("maxBodyBytes", maxBodyBytes);
  const onLateError = detachedHook(
    "onLateError",
    options.onLateError ??
      ((error: unknown, update: Update) =>
        console.error(
          `colloquy: update ${update.update_id} failed after its webhook request was answered ` +
            `at the ${timeoutMs} ms timeout:`,
          error,
        )),
  );

  const handleUpdate: Bot<C>["handleUpdate"] = (update, envelope) =>
    new Promise<void>((resolve, reject) => {
      if (!isUpdate(update)) {
        reject(new WebhookRequestError("not-an-update"));
        return;
      }
      let answered = false;
      const cancel = clock.setTimer(timeoutMs, () => {
        answered = true;
        if (answer === "return") resolve();
        else reject(new WebhookTimeoutError(update.update_id, timeoutMs));
      });
      bot.handleUpdate(update, envelope).then(
        () => {
          cancel();
          if (answered) debug("update %d was handled after its timeout", update.update_id);
          resolve();
        },
        (error: unknown) => {
          cancel();
          if (!answered) reject(error);
          else onLateError(error instanceof BotError ? error.error : error, update);
        },
      );
    });

  // Everything but handleUpdate is the bot's own, called on the bot itself, so what grammY sets
  // (`init`'s bot info, the guard on `start`) lands on the real bot.
  const timed = new Proxy(bot, {
    get(target, key) {
      if (key === "handleUpdate") return handleUpdate;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const node = adapter === "http" || adapter === "https";
  const callback = webhookCallback(
    timed,
    node ? boundedHttpAdapter(maxBodyBytes, options.secretToken) : adapter,
    {
      timeoutMilliseconds: Number.POSITIVE_INFINITY,
      ...(options.secretToken === undefined ? {} : { secretToken: options.secretToken }),
    },
  );
  // Handler errors reach here wrapped in grammY's BotError: a bare SyntaxError can only be a
  // framework's JSON parser refusing the body.
  return (async (...args: unknown[]) => {
    try {
      return await (callback as (...args: unknown[]) => Promise<unknown>)(...args);
    } catch (error) {
      if (error instanceof SyntaxError) throw new WebhookRequestError("not-json", { cause: error });
      throw error;
    }
  }) as ReturnType<typeof webhookCallback<C, A>>;
}
