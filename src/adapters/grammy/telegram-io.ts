/**
 * The Io contract in Telegram: a flow written once against `Io` talks to the user of a chat.
 *
 * @module
 */
import type { Context } from "grammy";
import { InvalidArgumentError } from "../../errors.js";
import { matchChoice, tryAgainText } from "../../io/text-io.js";
import type { Io, IoCallOptions } from "../../io.js";
import { assertPositiveInteger } from "../../validate.js";
import { type BypassOption, leadingCommand } from "./answers.js";
import type { ColloquyFlavor } from "./flavor.js";
import { listenIn, type PluginContext } from "./waits.js";

/** Options of {@link telegramIo}. */
export interface TelegramIoOptions {
  /** Ends the flow's listening: pending and later calls reject with its reason. */
  readonly signal?: AbortSignal;
  /** Texts kept for the next `input` while the flow is busy (default 10); more flow on. */
  readonly inboxSize?: number;
  /** What ends the flow and goes on to the normal handlers (default: any command). */
  readonly bypass?: BypassOption;
}

/** An {@link Io} in Telegram, plus `close()` to stop listening once the flow is done. */
export interface TelegramIo extends Io {
  /** Stops listening for the user's messages. Call it when the flow ends, however it ends. */
  close(): void;
}

interface Pending {
  readonly accept: (answer: Context) => boolean;
  resolve(answer: Context): void;
  reject(error: unknown): void;
}

/**
 * An Io over a chat with one user. `print` sends a message; `input` sends its prompt and resolves
 * with the user's next text; `choose` sends its prompt with one inline button per option and
 * resolves with the button pressed — or with an option the user types — and answers anything
 * else with `Try again`. While the flow is busy between calls, the user's texts are kept (up to
 * `inboxSize`) for the next `input`, so two fast messages are both used.
 *
 * @example
 * ```ts
 * bot.command("weather", async (ctx) => {
 *   const io = telegramIo(ctx);
 *   try {
 *     await runStates(weatherStates(provider), io);
 *   } finally {
 *     io.close();
 *   }
 * });
 * ```
 */
export function telegramIo(
  ctx: Context & ColloquyFlavor,
  options: TelegramIoOptions = {},
): TelegramIo {
  const inboxSize = options.inboxSize ?? 10;
  assertPositiveInteger("inboxSize", inboxSize);
  const inbox: Context[] = [];
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const prompts = new Set<number>();
  let pending: Pending | undefined;
  let failure: unknown;
  let listening = false;

  const isText = (c: Context) => c.message?.text !== undefined && leadingCommand(c) === undefined;
  const isPress = (c: Context) => {
    const id = c.callbackQuery?.message?.message_id;
    return id !== undefined && prompts.has(id);
  };

  // One listener stays registered for the flow's whole life, so nothing the user sends between
  // two calls is lost: answers go to the call in progress, or to the inbox.
  function listen(): void {
    listening = true;
    const deliver = (answer: Context) => {
      if (pending?.accept(answer)) {
        const { resolve } = pending;
        pending = undefined;
        resolve(answer);
      } else if (isText(answer)) {
        inbox.push(answer);
      }
    };
    const accept = (c: Context) =>
      (isText(c) || isPress(c)) && (pending !== undefined || inbox.length < inboxSize);
    listenIn(ctx as PluginContext, accept, deliver, {
      signal,
      ...(options.bypass === undefined ? {} : { bypass: options.bypass }),
    }).catch((error: unknown) => {
      failure = error;
      pending?.reject(error);
      pending = undefined;
    });
  }

  function next(accept: (answer: Context) => boolean, call: IoCallOptions): Promise<Context> {
    if (failure !== undefined) return Promise.reject(failure);
    const queued = inbox.findIndex(accept);
    if (queued >= 0) return Promise.resolve(inbox.splice(queued, 1)[0] as Context);
    if (!listening) listen();
    return new Promise<Context>((resolve, reject) => {
      const onAbort = () => {
        pending = undefined;
        reject(call.signal?.reason);
      };
      call.signal?.addEventListener("abort", onAbort, { once: true });
      pending = {
        accept,
        resolve: (answer) => {
          call.signal?.removeEventListener("abort", onAbort);
          resolve(answer);
        },
        reject,
      };
    });
  }

  const send = async (text: string, call: IoCallOptions, extra: object = {}) => {
    call.signal?.throwIfAborted();
    const message = await ctx.reply(text, extra);
    return message.message_id;
  };

  return {
    async print(text, call = {}) {
      await send(text, call);
    },
    async input(prompt, call = {}) {
      if (prompt !== undefined) await send(prompt, call);
      const answer = await next(isText, call);
      return answer.message?.text ?? "";
    },
    async choose(prompt, choices, call = {}) {
      if (choices.length === 0) {
        throw new InvalidArgumentError("choose(prompt, options)", "a non-empty list", choices);
      }
      const keyboard = {
        inline_keyboard: choices.map((choice, index) => [
          { text: choice, callback_data: `${index}` },
        ]),
      };
      for (;;) {
        const promptId = await send(prompt, call, { reply_markup: keyboard });
        prompts.add(promptId);
        const answer = await next(
          (c) => isText(c) || c.callbackQuery?.message?.message_id === promptId,
          call,
        );
        prompts.delete(promptId);
        if (answer.callbackQuery !== undefined) {
          answer.answerCallbackQuery().catch(() => {});
          const picked = choices[Number(answer.callbackQuery.data)];
          if (picked !== undefined) return picked;
        } else {
          const picked = matchChoice(answer.message?.text ?? "", choices);
          if (picked !== undefined) return picked;
        }
        await send(tryAgainText, call);
      }
    },
    close() {
      stop.abort(new Error("the Io flow closed"));
    },
  };
}
