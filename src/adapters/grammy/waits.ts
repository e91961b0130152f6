/**
 * `ctx.ask`, `ctx.waitFor` and `ctx.waitForCallbackQuery`: each builds a wait in the context's
 * scope, registers it, suspends the handler's run, and returns the answer's context.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { type Context, matchFilter } from "grammy";
import { type CaptureCriteria, capture } from "../../capture.js";
import type { UpdateKind } from "../../keys.js";
import { updateKeys } from "../../keys.js";
import type { WaitMatch } from "../../listeners/match.js";
import type { ListenerRegistry, WaitOptions } from "../../listeners/registry.js";
import { type BypassOption, bypassPredicate, isAnswer } from "./answers.js";
import type {
  AskOptions,
  ColloquyFlavor,
  WaitForCallbackQueryOptions,
  WaitForOptions,
} from "./flavor.js";
import type { Run } from "./run.js";

/** The run a context belongs to; set by the plugin's middleware on every context it sees. */
export const RUN: unique symbol = Symbol("colloquy.run");

/** The plugin that saw a context, for helpers that take only the context (`telegramIo`). */
export const DEPS: unique symbol = Symbol("colloquy.deps");

/** A context the plugin's middleware has seen. */
export type PluginContext = Context & ColloquyFlavor & { [RUN]?: Run; [DEPS]?: WaitDeps };

/** A wait made by the plugin: the run it suspends, and whether to answer button presses. */
export interface PluginMatch extends WaitMatch<PluginContext> {
  readonly run?: Run | undefined;
  readonly answerCallback?: boolean;
}

/** What the methods need from the plugin. */
export interface WaitDeps {
  readonly registry: ListenerRegistry<PluginContext>;
  readonly bypass: BypassOption;
  readonly onWaitError: ((error: unknown, ctx: Context) => unknown) | undefined;
  readonly report: (error: unknown) => void;
}

const MESSAGE_KINDS: readonly UpdateKind[] = ["message", "business_message", "channel_post"];
const ANSWER_KINDS: readonly UpdateKind[] = [...MESSAGE_KINDS, "callback_query"];

/** The match for a wait in `ctx`'s scope. */
function matchIn(
  deps: WaitDeps,
  ctx: PluginContext,
  parts: Partial<PluginMatch>,
  options: WaitForOptions<PluginContext>,
): PluginMatch {
  const keys = updateKeys(ctx.update);
  const bypass = bypassPredicate(options.bypass ?? deps.bypass);
  return {
    ...(keys.chatId === undefined ? {} : { chatId: keys.chatId }),
    ...(keys.threadId === undefined ? {} : { threadId: keys.threadId }),
    ...(keys.businessConnectionId === undefined
      ? {}
      : { businessConnectionId: keys.businessConnectionId }),
    ...(options.from === "chat" || keys.userId === undefined ? {} : { userId: keys.userId }),
    ...(options.answering === undefined ? {} : { messageId: options.answering }),
    ...(bypass === undefined ? {} : { bypass }),
    ...(options.otherwise === undefined ? {} : { otherwise: options.otherwise }),
    run: ctx[RUN],
    ...parts,
  };
}

/** Registers a wait for `ctx`'s scope, suspends its run, and resolves to the answering context. */
async function waitIn(
  deps: WaitDeps,
  ctx: PluginContext,
  parts: Partial<PluginMatch>,
  options: WaitForOptions<PluginContext>,
): Promise<PluginContext> {
  const run = ctx[RUN];
  const match = matchIn(deps, ctx, parts, options);
  const pending = deps.registry.wait(match, waitOptionsOf(options));
  run?.suspend();
  try {
    return await pending;
  } catch (error) {
    run?.waitEnded();
    for (const hook of [options.onWaitError, deps.onWaitError]) {
      try {
        await hook?.(error, ctx);
      } catch (hookError) {
        deps.report(hookError);
      }
    }
    throw error;
  }
}

function waitOptionsOf(options: WaitForOptions<PluginContext>): WaitOptions {
  return {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onTimeout === undefined ? {} : { onTimeout: options.onTimeout }),
    ...(options.duplicate === undefined ? {} : { duplicate: options.duplicate }),
  };
}

const WAIT_KEYS = new Set<string>([
  "timeoutMs",
  "signal",
  "onTimeout",
  "duplicate",
  "from",
  "answering",
  "otherwise",
  "bypass",
  "onWaitError",
  "editMessageId",
  "requireReply",
]);

function sendOptionsOf(options: AskOptions<PluginContext>): Record<string, unknown> {
  const send: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!WAIT_KEYS.has(key)) send[key] = value;
  return send;
}

/** `ctx.ask`: sends or edits the prompt, then waits for the answer. */
export async function ask(
  deps: WaitDeps,
  ctx: PluginContext,
  text: string,
  options: AskOptions<PluginContext> = {},
): Promise<PluginContext> {
  const send = sendOptionsOf(options);
  let promptId: number;
  if (options.editMessageId === undefined) {
    promptId = (await ctx.reply(text, send)).message_id;
  } else {
    const chatId = ctx.chatId;
    if (chatId === undefined) throw new TypeError("ctx.ask with editMessageId needs a chat.");
    await ctx.api.editMessageText(chatId, options.editMessageId, text, {
      ...(ctx.businessConnectionId === undefined
        ? {}
        : { business_connection_id: ctx.businessConnectionId }),
      ...send,
    });
    promptId = options.editMessageId;
  }
  const run = ctx[RUN];
  if (run !== undefined) run.promptMessageId = promptId;
  const filter = (answer: PluginContext) => {
    const press = answer.callbackQuery;
    if (press !== undefined) return press.message?.message_id === promptId;
    return isAnswer(answer);
  };
  const hasButtons =
    options.reply_markup !== undefined && "inline_keyboard" in options.reply_markup;
  return waitIn(
    deps,
    ctx,
    {
      kinds: hasButtons ? ANSWER_KINDS : MESSAGE_KINDS,
      filter,
      answerCallback: true,
      ...(options.requireReply ? { messageId: promptId } : {}),
    },
    options,
  );
}

/** `ctx.waitFor`: a filter query, a predicate, or capture criteria on the update. */
export function waitFor(
  deps: WaitDeps,
  ctx: PluginContext,
  query: string | string[] | ((ctx: PluginContext) => boolean) | CaptureCriteria<Update>,
  options: WaitForOptions<PluginContext> = {},
): Promise<PluginContext> {
  if (typeof query === "function") {
    // A function is a predicate on the context (the flavor's overload), never on the update.
    const predicate = query as (ctx: PluginContext) => boolean;
    return waitIn(deps, ctx, { filter: (c) => isAnswer(c) && predicate(c) }, options);
  }
  if (typeof query === "object" && !Array.isArray(query)) {
    const matches = capture<Update>(query as CaptureCriteria<Update>);
    return waitIn(deps, ctx, { filter: (c) => isAnswer(c) && matches(c.update) }, options);
  }
  const filter = matchFilter(query as never) as (ctx: Context) => boolean;
  const asksForCommand = [query].flat().some((q) => q.includes("bot_command"));
  const bypassOff = asksForCommand && options.bypass === undefined;
  return waitIn(deps, ctx, { filter }, bypassOff ? { ...options, bypass: false } : options);
}

/** `ctx.waitForCallbackQuery`: a press on the prompt (or a given message), answered by default. */
export function waitForCallbackQuery(
  deps: WaitDeps,
  ctx: PluginContext,
  options: WaitForCallbackQueryOptions<PluginContext> = {},
): Promise<PluginContext> {
  const messageId =
    options.messageId === "any" ? undefined : (options.messageId ?? ctx[RUN]?.promptMessageId);
  const data = options.data;
  const filter =
    data === undefined
      ? undefined
      : (c: PluginContext) => {
          const value = c.callbackQuery?.data;
          if (value === undefined) return false;
          if (typeof data === "string") return value === data;
          if (data instanceof RegExp) return data.test(value);
          return data.includes(value);
        };
  return waitIn(
    deps,
    ctx,
    {
      kinds: ["callback_query"],
      answerCallback: options.answer ?? true,
      ...(messageId === undefined ? {} : { messageId }),
      ...(filter === undefined ? {} : { filter }),
    },
    options,
  );
}

/**
 * Listens in `ctx`'s scope until `signal` aborts or a bypass ends it: `onEvent` receives every
 * update the filter accepts, and nothing in between is lost. The handler's run counts as
 * suspended meanwhile; the updates it receives do not hold up the feed.
 */
export function listenIn(
  ctx: PluginContext,
  filter: (ctx: PluginContext) => boolean,
  onEvent: (ctx: PluginContext) => void,
  options: { readonly signal: AbortSignal; readonly bypass?: BypassOption },
): Promise<never> {
  const deps = ctx[DEPS];
  if (deps === undefined) {
    return Promise.reject(
      new TypeError(
        "This context has not passed colloquy()'s middleware: install it with bot.use(colloquy()).",
      ),
    );
  }
  const run = ctx[RUN];
  const match = matchIn(
    deps,
    ctx,
    { filter: (c) => isAnswer(c) && filter(c), run: undefined },
    options,
  );
  const listening = deps.registry.listen(match, onEvent, { signal: options.signal });
  run?.suspend();
  return listening.finally(() => run?.waitEnded());
}
