/**
 * Bot API calls made inside a durable conversation go through its journal: live, the result (or
 * the failure) is recorded; on replay, nothing is sent and the recorded result is returned, so a
 * replayed `ctx.reply` yields the message id the user actually saw.
 *
 * @module
 */
import { type Api, GrammyError, HttpError } from "grammy";
import type { JournalEntry } from "../../../conversations/journal.js";
import type { JsonObject, JsonValue } from "../../../json.js";

/** Runs one Bot API call through a conversation's journal. */
export type ApiStep = (
  method: string,
  payload: unknown,
  send: () => Promise<unknown>,
) => Promise<unknown>;

/**
 * An `Api` whose every method goes through `step`. grammY's methods all call `this.raw[method]`,
 * so replacing `raw` on an object that inherits from `api` covers `ctx.reply`, `ctx.api.*` and
 * the shortcuts alike, with `api`'s transformers still applied to what is really sent.
 */
export function journaledApi(api: Api, step: ApiStep): Api {
  const target = api.raw as unknown as Record<string, (p: unknown, s?: AbortSignal) => unknown>;
  // One function per method, made on first use: a conversation calls the same few again and again.
  const methods = new Map<string, (payload: unknown, signal?: AbortSignal) => Promise<unknown>>();
  const raw = new Proxy(
    {},
    {
      get(_, method) {
        if (typeof method !== "string") return undefined;
        let call = methods.get(method);
        if (call === undefined) {
          call = (payload, signal) =>
            step(method, payload, () => target[method]?.(payload, signal) as Promise<unknown>);
          methods.set(method, call);
        }
        return call;
      },
    },
  );
  const journaled = Object.create(api) as Api;
  Object.defineProperty(journaled, "raw", { value: raw });
  return journaled;
}

/** A failed call, as a journal entry keeps it. */
export function apiFailure(error: unknown): JsonObject {
  if (error instanceof GrammyError) {
    const failure: JsonObject = { code: error.error_code, description: error.description };
    if (error.parameters !== undefined) {
      failure.parameters = error.parameters as unknown as JsonValue;
    }
    return failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { network: message };
}

/** The error a journaled failure stands for, thrown again on replay. */
export function apiError(entry: JournalEntry, payload: unknown): Error {
  const failure = entry.e ?? {};
  if (typeof failure.network === "string") {
    return new HttpError(`Network request for '${entry.d}' failed!`, new Error(failure.network));
  }
  return new GrammyError(
    `Call to '${entry.d}' failed!`,
    {
      ok: false,
      error_code: Number(failure.code),
      description: String(failure.description),
      ...(failure.parameters === undefined ? {} : { parameters: failure.parameters as never }),
    },
    entry.d,
    payload as Record<string, unknown>,
  );
}
