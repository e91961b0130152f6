/**
 * Errors as a journal keeps them. A wait that timed out or was cancelled, or an external call
 * that threw, is journaled so that the replay throws the same error at the same place: colloquy's
 * wait errors come back as themselves, anything else as an `Error` with the same name and message.
 *
 * @module
 */
import { ListenerCancelledError, ListenerTimeoutError } from "../errors.js";
import type { JsonObject } from "../json.js";

/** `error` as JSON for a journal entry. */
export function failureOf(error: unknown): JsonObject {
  if (error instanceof ListenerTimeoutError) {
    return { code: error.code, scope: error.scope, timeoutMs: error.timeoutMs };
  }
  if (error instanceof ListenerCancelledError) {
    return { code: error.code, scope: error.scope, reason: error.reason };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** The error a journaled failure stands for. */
export function errorOf(failure: JsonObject): Error {
  const scope = String(failure.scope);
  if (failure.code === ListenerTimeoutError.code) {
    return new ListenerTimeoutError(scope, Number(failure.timeoutMs));
  }
  if (failure.code === ListenerCancelledError.code) {
    return new ListenerCancelledError(scope, failure.reason as ListenerCancelledError["reason"]);
  }
  const error = new Error(String(failure.message));
  error.name = String(failure.name);
  return error;
}
