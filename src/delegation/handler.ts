/**
 * Runs a class delegate (telepot's `create_open`) as a function delegate: `open`, then
 * `onMessage` / `onEvent` for each delivery until it closes, then `onClose` with the reason.
 *
 * @module
 */
import { IdleTimeoutError } from "../errors.js";
import type {
  CloseReason,
  DelegateClass,
  DelegateControl,
  DelegateFunction,
  DelegateHandler,
  Inbox,
} from "./types.js";

/** A delegate factory: a {@link DelegateFunction} or a {@link DelegateClass}. */
export type DelegateFactory<U> = DelegateFunction<U> | DelegateClass<U>;

/**
 * The function form of any factory. A class is told from a function by an `onMessage` method on
 * its prototype (arrow and async functions have no prototype).
 */
export function toDelegateFunction<U>(factory: DelegateFactory<U>): DelegateFunction<U> {
  const prototype = (factory as { prototype?: Partial<DelegateHandler<U>> }).prototype;
  return typeof prototype?.onMessage === "function"
    ? runHandler(factory as DelegateClass<U>)
    : (factory as DelegateFunction<U>);
}

function runHandler<U>(Handler: DelegateClass<U>): DelegateFunction<U> {
  return async (first, inbox) => {
    // close() aborts with its CloseReason: a pending read wakes, rejecting with that very object.
    const closing = new AbortController();
    const handler = new Handler(controlOf(inbox, closing));
    let reason: CloseReason;
    try {
      if ((await handler.open?.(first)) !== true) await handler.onMessage(first);
      while (!closing.signal.aborted) {
        const delivery = await inbox.receive({ signal: closing.signal });
        if (delivery.kind === "update") await handler.onMessage(delivery.update);
        else await handler.onEvent?.(delivery.event);
      }
      reason = closing.signal.reason as CloseReason;
    } catch (error) {
      if (closing.signal.aborted && error === closing.signal.reason) reason = error as CloseReason;
      else if (error instanceof IdleTimeoutError) reason = { kind: "idle", error };
      else reason = { kind: "error", error };
    }
    await handler.onClose?.(reason);
    if (reason.kind === "error") throw reason.error;
  };
}

function controlOf<U>(inbox: Inbox<U>, closing: AbortController): DelegateControl {
  return {
    seed: inbox.seed,
    at: (timeMs, data) => inbox.at(timeMs, data),
    after: (delayMs, data) => inbox.after(delayMs, data),
    cancel: (event) => inbox.cancel(event),
    close(value?: unknown) {
      const reason: CloseReason = { kind: "closed", value };
      closing.abort(reason);
    },
  };
}
