/**
 * What `safeWebhookCallback()` checks in a request before any handler runs: the body's size (for
 * node:http, read by an adapter of its own with a limit), that it is JSON, that it is an update,
 * and the secret token, compared in constant time.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "@grammyjs/types";
import { WebhookRequestError } from "../../webhook-errors.js";

const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/** Whether `value` has the one field every update has: a whole-number `update_id`. */
export function isUpdate(value: unknown): value is Update {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Number.isSafeInteger((value as { update_id?: unknown }).update_id)
  );
}

/**
 * Whether `given` equals `secret`, in time that depends only on the length of `given` (which its
 * sender knows): every byte is compared, and a length mismatch counts as one more difference.
 */
export function secretMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const encoder = new TextEncoder();
  const a = encoder.encode(given);
  const b = encoder.encode(secret);
  let difference = a.length ^ b.length;
  for (let at = 0; at < a.length; at++) {
    difference |= (a[at] as number) ^ (b.length === 0 ? 0 : (b[at % b.length] as number));
  }
  return difference === 0;
}

/** Reads `request`'s body as JSON, refusing one over `maxBytes` as soon as it passes the limit. */
function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (declared > maxBytes) {
      reject(new WebhookRequestError("too-large"));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Drain the rest unread, so the connection can still carry the 413 back.
      request.off("data", onData);
      request.resume();
      reject(new WebhookRequestError("too-large"));
    };
    request.on("data", onData);
    request.once("error", reject);
    request.once("end", () => {
      if (size > maxBytes) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf-8")));
      } catch (error) {
        reject(new WebhookRequestError("not-json", { cause: error }));
      }
    });
  });
}

/**
 * grammY's adapter for node:http (`"http"`, `"https"`), with a body limit. The secret header is
 * checked here, in constant time: grammY is handed the token itself when it matched, so its own
 * comparison (whose time depends on the lengths) only repeats the verdict.
 */
export function boundedHttpAdapter(
  maxBytes: number,
  secretToken: string | undefined,
): (request: IncomingMessage, response: ServerResponse) => HttpRequestHandler {
  return (request, response) => {
    const given = [request.headers[SECRET_HEADER]].flat()[0];
    let update: Promise<Update> | undefined;
    const handler: HttpRequestHandler = {
      get update(): Promise<Update> {
        update ??= readJson(request, maxBytes) as Promise<Update>;
        return update;
      },
      end: () => void response.end(),
      respond: (json) =>
        void response.writeHead(200, { "Content-Type": "application/json" }).end(json),
      unauthorized: () => void response.writeHead(401).end('"secret token is wrong"'),
    };
    if (secretToken !== undefined && secretMatches(given, secretToken))
      handler.header = secretToken;
    return handler;
  };
}

/** What grammY's `webhookCallback` needs from an adapter, for one request. */
export interface HttpRequestHandler {
  readonly update: Promise<Update>;
  /** The secret token, present only when the request's header matched it. */
  header?: string;
  end(): void;
  respond(json: string): void;
  unauthorized(): void;
}
