/**
 * `ctx.ask`, `ctx.waitFor` and `ctx.waitForCallbackQuery`: each builds a wait in the context's
 * scope, registers it, suspends the handler's run, and returns the answer's context.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { type Context, GrammyError, matchFilter } from "grammy";
import { type CaptureCriteria, capture } from "../../capture.js";
import type { UpdateKind } from "../../keys.js";
import type { WaitMatch } from "../../listeners/match.js";
import type { ListenerRegistry, WaitHandle } from "../../listeners/registry.js";
import { type BypassOption, bypassPredicate, isAnswer } from "./answers.js";
import { keysOf } from "./context-keys.js";
import type { DialogStack } from "./dialog-stack.js";
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

/**
 * Set on the contexts a durable conversation holds: their waits go through the conversation,
 * which journals them (and answers them from its journal on replay), instead of straight to the
 * registry.
 */
export const WAIT: unique symbol = Symbol("colloquy.wait");

/** The methods that wait, as a conversation's journal names them. */
export type WaitMethod = "ask" | "waitFor" | "waitForCallbackQuery";

/** A wait as {@link waitIn} makes it; a conversation puts its own in front. */
export type WaitStep = (
  deps: WaitDeps,
  ctx: PluginContext,
  parts: WaitParts,
  options: WaitForOptions<PluginContext>,
  method: WaitMethod,
) => Promise<PluginContext>;

/**
 * When the dialog in front of the update's user was entered (a stamp of the plugin's
 * `DialogStack`), set by the plugin before it offers the update; absent when the user is in none.
 */
export const FRONT: unique symbol = Symbol("colloquy.front");

/** A context the plugin's middleware has seen. */
export type PluginContext = Context &
  ColloquyFlavor & { [RUN]?: Run; [DEPS]?: WaitDeps; [WAIT]?: WaitStep; [FRONT]?: number };

/** A wait made by the plugin: the run it suspends, and whether to answer button presses. */
export interface PluginMatch extends WaitMatch<PluginContext> {
  readonly run: Run | undefined;
  readonly answerCallback: boolean;
  /** The prompt a button press must be on, for `ask` (its filter reads it from the match). */
  readonly promptId: number | undefined;
  /** A further test on the context, for `waitFor` with a predicate or criteria. */
  readonly test: ((ctx: PluginContext) => boolean) | undefined;
  /** When the wait started, on the plugin's `DialogStack`: see {@link inTurn}. */
  readonly stamp: number;
  /** The context that waits, and its own wait-error hook, for {@link failedWait}. */
  readonly ctx: PluginContext;
  readonly onWaitError: ((error: unknown, ctx: PluginContext) => unknown) | undefined;
}

/** What the methods need from the plugin. */
export interface WaitDeps {
  readonly registry: ListenerRegistry<PluginContext>;
  /** The plugin-wide bypass, turned into a predicate once. */
  readonly bypass: ((ctx: Context) => boolean) | undefined;
  readonly onWaitError: ((error: unknown, ctx: Context) => unknown) | undefined;
  readonly report: (error: unknown) => void;
  /**
   * Offers `ctx` to the pending waits again, as the plugin's middleware did when it first saw it:
   * a conversation that was just rebuilt by replay waits now where it did not before. Resolves
   * `true`, once the answered handler suspended again or ended, when a wait took the update.
   */
  readonly offer: (ctx: PluginContext) => Promise<boolean>;
  /** Who waits for each user, so that every kind of dialog takes messages in one order. */
  readonly dialogs: DialogStack;
}

const MESSAGE_KINDS: readonly UpdateKind[] = ["message", "business_message", "channel_post"];
const ANSWER_KINDS: readonly UpdateKind[] = [...MESSAGE_KINDS, "callback_query"];
const PRESS_KINDS: readonly UpdateKind[] = ["callback_query"];

// Filters are shared functions that read what they need from the match, so a wait allocates
// no closure for them.
function askFilter(answer: PluginContext, match: WaitMatch<PluginContext>): boolean {
  const press = answer.callbackQuery;
  if (press !== undefined) return press.message?.message_id === (match as PluginMatch).promptId;
  return isAnswer(answer);
}

function testedAnswer(answer: PluginContext, match: WaitMatch<PluginContext>): boolean {
  return isAnswer(answer) && ((match as PluginMatch).test?.(answer) ?? true);
}

function pressTest(answer: PluginContext, match: WaitMatch<PluginContext>): boolean {
  return (match as PluginMatch).test?.(answer) ?? true;
}

/**
 * Whether a wait takes part in offering `answer`: only if it started after the dialog in front of
 * the answering user was entered. Older waits wait their turn; a chat-wide wait (of no one user)
 * sees only what none of the user's dialogs waits for.
 */
function inTurn(answer: PluginContext, match: WaitMatch<PluginContext>): boolean {
  const front = answer[FRONT];
  return (
    front === undefined || (match.userId !== undefined && (match as PluginMatch).stamp > front)
  );
}

/** What a method adds to the scope of its context to make a wait. */
export interface WaitParts {
  readonly kinds?: readonly UpdateKind[] | undefined;
  readonly filter?: ((ctx: PluginContext, match: WaitMatch<PluginContext>) => boolean) | undefined;
  readonly test?: ((ctx: PluginContext) => boolean) | undefined;
  readonly messageId?: number | undefined;
  readonly promptId?: number | undefined;
  readonly answerCallback?: boolean;
}

/** The match for a wait in `ctx`'s scope: one object shape for every wait, kept small. */
function matchIn(
  deps: WaitDeps,
  ctx: PluginContext,
  parts: WaitParts,
  options: WaitForOptions<PluginContext>,
  run: Run | undefined,
): PluginMatch {
  const keys = keysOf(ctx);
  return {
    chatId: keys.chatId,
    threadId: keys.threadId,
    businessConnectionId: keys.businessConnectionId,
    userId: options.from === "chat" ? undefined : keys.userId,
    messageId: parts.messageId ?? options.answering,
    kinds: parts.kinds,
    filter: parts.filter,
    eligible: inTurn,
    bypass: options.bypass === undefined ? deps.bypass : bypassPredicate(options.bypass),
    otherwise: options.otherwise,
    onEnd: failedWait,
    run,
    answerCallback: parts.answerCallback ?? false,
    promptId: parts.promptId,
    test: parts.test,
    stamp: deps.dialogs.next(),
    ctx,
    onWaitError: options.onWaitError,
  };
}

/** A wait ended without an answer: its run waits on one less, and the hooks observe why. */
function failedWait(error: unknown, match: WaitMatch<PluginContext>): void {
  const { run, ctx, onWaitError } = match as PluginMatch;
  run?.waitEnded();
  const deps = ctx[DEPS];
  for (const hook of [onWaitError, deps?.onWaitError]) {
    if (hook === undefined) continue;
    try {
      Promise.resolve(hook(error, ctx)).catch((hookError: unknown) => deps?.report(hookError));
    } catch (hookError) {
      deps?.report(hookError);
    }
  }
}

/**
 * Registers a wait for `ctx`'s scope, suspends its run, and resolves to the answering context.
 * `handle`, when given, receives the wait, so that its owner can end or drop it directly.
 */
export function waitIn(
  deps: WaitDeps,
  ctx: PluginContext,
  parts: WaitParts,
  options: WaitForOptions<PluginContext> & { readonly handle?: WaitHandle },
): Promise<PluginContext> {
  const run = ctx[RUN];
  const pending = deps.registry.wait(matchIn(deps, ctx, parts, options, run), options);
  run?.suspend();
  return pending;
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
  for (const key in options) {
    if (!WAIT_KEYS.has(key)) send[key] = options[key as keyof typeof options];
  }
  return send;
}

/** The Bot API's answer to an edit that would leave the message as it is. */
function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    error.description.includes("message is not modified")
  );
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
    try {
      await ctx.api.editMessageText(chatId, options.editMessageId, text, {
        ...(ctx.businessConnectionId === undefined
          ? {}
          : { business_connection_id: ctx.businessConnectionId }),
        ...send,
      });
    } catch (error) {
      // The prompt already reads `text` (a repeated question): it is there, so wait for the answer.
      if (!isNotModified(error)) throw error;
    }
    promptId = options.editMessageId;
  }
  const run = ctx[RUN];
  if (run !== undefined) run.promptMessageId = promptId;
  const hasButtons =
    options.reply_markup !== undefined && "inline_keyboard" in options.reply_markup;
  return (ctx[WAIT] ?? waitIn)(
    deps,
    ctx,
    {
      kinds: hasButtons ? ANSWER_KINDS : MESSAGE_KINDS,
      filter: askFilter,
      answerCallback: true,
      promptId,
      messageId: options.requireReply ? promptId : undefined,
    },
    options,
    "ask",
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
    const test = query as (ctx: PluginContext) => boolean;
    return (ctx[WAIT] ?? waitIn)(deps, ctx, { filter: testedAnswer, test }, options, "waitFor");
  }
  if (typeof query === "object" && !Array.isArray(query)) {
    const matches = capture<Update>(query as CaptureCriteria<Update>);
    const test = (c: PluginContext) => matches(c.update);
    return (ctx[WAIT] ?? waitIn)(deps, ctx, { filter: testedAnswer, test }, options, "waitFor");
  }
  const test = matchFilter(query as never) as (ctx: Context) => boolean;
  const asksForCommand = [query].flat().some((q) => q.includes("bot_command"));
  const bypassOff = asksForCommand && options.bypass === undefined;
  return (ctx[WAIT] ?? waitIn)(
    deps,
    ctx,
    { filter: pressTest, test },
    bypassOff ? { ...options, bypass: false } : options,
    "waitFor",
  );
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
  const test =
    data === undefined
      ? undefined
      : (c: PluginContext) => {
          const value = c.callbackQuery?.data;
          if (value === undefined) return false;
          if (typeof data === "string") return value === data;
          if (data instanceof RegExp) return data.test(value);
          return data.includes(value);
        };
  return (ctx[WAIT] ?? waitIn)(
    deps,
    ctx,
    {
      kinds: PRESS_KINDS,
      filter: test === undefined ? undefined : pressTest,
      test,
      answerCallback: options.answer ?? true,
      messageId,
    },
    options,
    "waitForCallbackQuery",
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
  // A listener's answers never resume the run (run: undefined): the flow runs on its own.
  const wait = matchIn(deps, ctx, { filter: testedAnswer, test: filter }, options, undefined);
  // A listener that stops is no failed wait: it reports nothing to the wait-error hooks.
  const match: PluginMatch = { ...wait, onEnd: undefined };
  const listening = deps.registry.listen(match, onEvent, { signal: options.signal });
  run?.suspend();
  return listening.finally(() => run?.waitEnded());
}
