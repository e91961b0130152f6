/**
 * A Bot API that fails on demand: a grammY transformer that answers chosen calls with Telegram's
 * errors (429 with retry_after, 403 blocked, 400 not modified) or fails them as the network does,
 * and passes every other call on (to a LocalBotApi installed before it).
 */
import type { ApiError } from "@grammyjs/types";
import { HttpError, type Transformer } from "grammy";

/** A Telegram error answer, or `"network"` for a request that never got one. */
export type ApiFailure = ApiError | "network";

/** Telegram's answer when the bot sends too fast: retry after `seconds`. */
export const tooManyRequests = (seconds: number): ApiFailure => ({
  ok: false,
  error_code: 429,
  description: `Too Many Requests: retry after ${seconds}`,
  parameters: { retry_after: seconds },
});

/** Telegram's answer when the user blocked the bot. */
export const blocked: ApiFailure = {
  ok: false,
  error_code: 403,
  description: "Forbidden: bot was blocked by the user",
};

/** Telegram's answer to an edit that changes nothing. */
export const notModified: ApiFailure = {
  ok: false,
  error_code: 400,
  description:
    "Bad Request: message is not modified: specified new message content and reply markup are " +
    "exactly the same as a current content and reply markup of the message",
};

/** Failures queued per method, each used by one call. */
export class ApiFailures {
  readonly #queued: { method: string; failure: ApiFailure }[] = [];
  /** Every call that was failed, oldest first. */
  readonly failed: { method: string; payload: unknown }[] = [];

  /** Fails the next call of `method` with `failure`. */
  failNext(method: string, failure: ApiFailure): void {
    this.#queued.push({ method, failure });
  }

  /** Install after the API that answers (so this runs first). */
  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    const at = this.#queued.findIndex((queued) => queued.method === method);
    if (at === -1) return prev(method, payload, signal);
    const { failure } = this.#queued.splice(at, 1)[0] as { failure: ApiFailure };
    this.failed.push({ method, payload });
    if (failure === "network") {
      throw new HttpError(`Network request for '${method}' failed!`, new Error("socket hang up"));
    }
    return failure as never;
  };
}
