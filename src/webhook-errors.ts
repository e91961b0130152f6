/**
 * The errors of webhook requests: refused before their update was handled, or not answered
 * within the webhook's deadline.
 *
 * @module
 */
import { ColloquyError } from "./errors.js";

/**
 * A webhook request reached its deadline before its update was handled: the request fails, so the
 * sender (Telegram, a balancer) delivers the update again. The handling goes on in the background;
 * with `coordinate()` the redelivery is skipped if it finishes, or takes the update over if not.
 */
export class WebhookTimeoutError extends ColloquyError {
  static override readonly code = "WEBHOOK_TIMEOUT" as const;
  /** The update that was not handled in time. */
  readonly updateId: number;
  /** The webhook's timeout, in milliseconds. */
  readonly timeoutMs: number;

  constructor(updateId: number, timeoutMs: number) {
    super(
      "WEBHOOK_TIMEOUT",
      `Update ${updateId} was not handled within the webhook's ${timeoutMs} ms, so its request ` +
        "fails and the sender delivers it again; its handling goes on, and a late failure is " +
        "logged. Move slow work after markHandled(ctx), or pass a larger timeoutMs.",
    );
    this.updateId = updateId;
    this.timeoutMs = timeoutMs;
  }
}

/** Why a webhook request was refused before its update was handled. */
export type WebhookRequestProblem = "not-json" | "not-an-update" | "too-large";

const webhookRequestHelp: Record<WebhookRequestProblem, string> = {
  "not-json": "its body is not JSON",
  "not-an-update": "its body is not a Telegram update (an object with a whole-number update_id)",
  "too-large": "its body is larger than maxBodyBytes",
};

/**
 * A webhook request whose body is not an update: nothing was handled. Answer its `status` (400,
 * or 413 for a body over the size limit) so the sender sees the request was refused.
 */
export class WebhookRequestError extends ColloquyError {
  static override readonly code = "WEBHOOK_REQUEST" as const;
  /** What was wrong with the request. */
  readonly problem: WebhookRequestProblem;
  /** The HTTP status to answer: 413 for a body over the limit, 400 otherwise. */
  readonly status: 400 | 413;

  constructor(problem: WebhookRequestProblem, options?: ErrorOptions) {
    super(
      "WEBHOOK_REQUEST",
      `A webhook request was refused: ${webhookRequestHelp[problem]}. Nothing was handled. ` +
        "Answer the error's status; if Telegram sent it, check the URL the webhook is set to.",
      options,
    );
    this.problem = problem;
    this.status = problem === "too-large" ? 413 : 400;
  }
}
