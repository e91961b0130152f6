/**
 * Telegraf calls node-fetch directly, so it cannot be given a `fetch`; its stub replaces
 * `Telegram.prototype.callApi` instead, and does the same (de)serialisation work the grammY
 * fetch stub leaves to grammY: the request body is stringified, the response parsed. What it
 * skips — Telegraf's own request set-up — grammY still pays (an AbortController and a timer per
 * call), so Telegraf's rows are, if anything, slightly flattered.
 *
 * @module
 */
import { Telegram } from "telegraf";
import { botApiRespond } from "./bot-api.js";

let installed = false;

/** Routes every Telegraf API call in this process to the in-memory Bot API. Idempotent. */
export function stubTelegraf(): void {
  if (installed) return;
  installed = true;
  const callApi = async (method: string, payload: unknown): Promise<unknown> => {
    const body = JSON.stringify(payload ?? {});
    const data = JSON.parse(botApiRespond(method, body)) as { result: unknown };
    return data.result;
  };
  (Telegram.prototype as unknown as { callApi: typeof callApi }).callApi = callApi;
}
