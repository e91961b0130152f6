/**
 * `conversation()`: durable await-style conversations. They run live, journal each step, and are
 * rebuilt by replay only when no live copy holds them (after a restart).
 *
 * @module
 */
import createDebug from "debug";
import type { Context, MiddlewareFn, MiddlewareObj } from "grammy";
import { type Clock, systemClock } from "../../../clock.js";
import { DueIndex } from "../../../conversations/due-index.js";
import { ConversationActiveError, ReplayMismatchError } from "../../../conversations/errors.js";
import type { LoadedJournal } from "../../../conversations/journal.js";
import { JournalStore } from "../../../conversations/journal-store.js";
import { InvalidArgumentError, ListenerCancelledError } from "../../../errors.js";
import { assertJson, type JsonValue } from "../../../json.js";
import { scopes } from "../../../keys.js";
import type { Storage } from "../../../storage.js";
import { MemoryStorage } from "../../../storages/memory.js";
import { assertDurationMs, assertPositiveInteger } from "../../../validate.js";
import { keysOf } from "../context-keys.js";
import { DEPS, type PluginContext } from "../waits.js";
import { Execution } from "./execution.js";
import { type ConversationStats, LiveSet } from "./live-set.js";
import type { ConversationFn, ConversationSpec } from "./spec.js";
import { DueSweeper } from "./sweeper.js";

const debug = createDebug("colloquy:conversation");

/** Options of {@link conversation}. */
export interface ConversationOptions {
  /**
   * Where journals live. Default: a `MemoryStorage` of this conversation's own, which survives
   * nothing but keeps the API the same; pass a file, SQLite or Redis storage for durability.
   */
  readonly storage?: Storage;
  /**
   * Whose conversation it is: `"user"` (default) — the user in the chat's topic, and only their
   * updates answer it; `"chat"` — one per chat topic, answered by anyone there.
   */
  readonly scope?: "user" | "chat";
  /** `enter` while one is active in the scope: `"reject"` (default) throws, `"restart"` replaces it. */
  readonly onActive?: "reject" | "restart";
  /** The code's version, journaled at the start; see `onVersionChange`. Default: `0`. */
  readonly version?: string | number;
  /**
   * A journal written by another `version`: `"mismatch"` (default) handles it as a replay
   * mismatch (see `onReplayMismatch`), `"continue"` replays it all the same, `"restart"` starts
   * the conversation over with its original arguments.
   */
  readonly onVersionChange?: "mismatch" | "continue" | "restart";
  /**
   * The code asked for something other than its journal holds (it changed while a conversation
   * waited): `"end"` (default) ends the conversation, reports `ReplayMismatchError` to `onError`
   * and lets the update go on to later middleware; `"restart"` starts it over with its original
   * arguments.
   */
  readonly onReplayMismatch?: "end" | "restart";
  /** Most journaled steps (waits) of one run; past it the run ends with `StepLimitError`. Default 1000. */
  readonly maxSteps?: number;
  /** A timeout for the conversation's waits that set none, journaled with its deadline. */
  readonly timeoutMs?: number;
  /** Put before storage keys, with the bot id and the conversation id. Default `"colloquy:conv:"`. */
  readonly prefix?: string;
  /**
   * Receives errors of the conversation after its first wait (the entering update was done by
   * then) and replay mismatches. Default: logged, except a cancelled wait (a command, `/cancel`).
   */
  readonly onError?: (error: unknown) => void;
  /** The clock for deadlines and `conv.now()` (tests pass a manual one). */
  readonly clock?: Clock;
  /**
   * Deadlines of waits are also noted in buckets of this many milliseconds, so that a process
   * that holds no live copy finds them (see docs/conversations.md). Default: one minute.
   */
  readonly dueBucketMs?: number;
  /**
   * Most copies live in this process; past it the least recently resumed that waits is evicted:
   * it hibernates in its journal and its next update rebuilds it by replay. Default 10,000.
   */
  readonly maxLive?: number;
  /** A copy waiting this long without an update is evicted the same way. Default 5 minutes. */
  readonly idleEvictMs?: number;
  /**
   * Whether other processes (instances of the bot) use this storage too. A live copy then checks
   * at each answer, with two reads, that no other copy moved its journal on; a stale one stops
   * without sending anything and the answer goes to a copy rebuilt from the journal. Default:
   * `true`, unless `storage` is a `MemoryStorage` or left out.
   */
  readonly sharedStorage?: boolean;
}

/** A conversation: grammY middleware (`bot.use(it)`) and the handle to enter and leave it. */
export interface ConversationHandle<C extends Context, A extends JsonValue | undefined>
  extends MiddlewareObj<C> {
  readonly id: string;
  /**
   * Starts the conversation for `ctx`'s user (or chat) with `args`. Resolves when its code first
   * waits (its first step is journaled by then) or ends; rejects if it fails before that, or with
   * `ConversationActiveError` when one is active there and `onActive` is `"reject"`.
   */
  enter(ctx: C, ...args: undefined extends A ? [args?: A] : [args: A]): Promise<void>;
  /** Ends the conversation in `ctx`'s scope, wherever it waits; says whether one was active. */
  exit(ctx: C): Promise<boolean>;
  /** Whether the conversation is active in `ctx`'s scope (running here or journaled). */
  active(ctx: C): Promise<boolean>;
  /** Live copies in this process, evictions and replays so far. */
  stats(): ConversationStats;
}

function defaultOnError(id: string): (error: unknown) => void {
  return (error) => {
    // A command or /cancel ending the wait is how users leave a conversation: no failure.
    if (error instanceof ListenerCancelledError) {
      debug("conversation %s ended: %s", id, error.message);
      return;
    }
    console.error(`colloquy: conversation "${id}" failed:`, error);
  };
}

/**
 * Declares a durable conversation: `await`-style code that survives restarts. While the process
 * lives it runs as a live coroutine (one journal write per step, nothing replayed); when an update
 * reaches a conversation that no live copy holds, its journal is replayed once — nothing is sent,
 * recorded results come back — and it goes on live from where it waited.
 *
 * Install `colloquy()` before it, and `bot.use(conversation)` before the handlers that should not
 * see the updates of users inside it. A message sent after an answer and before the next wait is
 * journaled may be sent again if the process dies in between (the crash window is one step).
 *
 * @example
 * ```ts
 * import { Bot, type Context } from "grammy";
 * import { type ColloquyFlavor, colloquy, conversation } from "colloquy/grammy";
 * import { SqliteStorage } from "colloquy/sqlite";
 *
 * const bot = new Bot<Context & ColloquyFlavor>(process.env.BOT_TOKEN ?? "");
 * bot.use(colloquy());
 * const signup = conversation("signup", async (conv, ctx) => {
 *   const name = await conv.ask("Your name?");
 *   const age = await conv.waitFor("message:text");
 *   await age.reply(`${name.message?.text}, ${age.message.text}: saved.`);
 * }, { storage: new SqliteStorage({ path: "bot.db" }) });
 * bot.use(signup);
 * bot.command("signup", (ctx) => signup.enter(ctx));
 * ```
 */
export function conversation<C extends Context, A extends JsonValue | undefined = undefined>(
  id: string,
  fn: ConversationFn<C, A>,
  options: ConversationOptions = {},
): ConversationHandle<C, A> {
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError("conversation(id)", "a non-empty string", id);
  }
  const maxSteps = options.maxSteps ?? 1000;
  assertPositiveInteger("maxSteps", maxSteps);
  if (options.timeoutMs !== undefined) assertDurationMs("timeoutMs", options.timeoutMs);
  const storage = options.storage ?? new MemoryStorage();
  const fenced = options.sharedStorage ?? !(storage instanceof MemoryStorage);
  const prefix = options.prefix ?? "colloquy:conv:";
  const scopeOf = options.scope === "chat" ? scopes.topic : scopes.userInChat;
  const clock = options.clock ?? systemClock;
  const maxLive = options.maxLive ?? 10_000;
  assertPositiveInteger("maxLive", maxLive);
  const idleEvictMs = options.idleEvictMs ?? 5 * 60_000;
  assertDurationMs("idleEvictMs", idleEvictMs);
  const live = new LiveSet<Execution>({ maxLive, idleEvictMs, clock });
  const specs = new Map<number, ConversationSpec>();
  const sweepers = new Map<number, DueSweeper>();
  const dueBucketMs = options.dueBucketMs ?? 60_000;
  assertDurationMs("dueBucketMs", dueBucketMs);

  /** The spec for `ctx`'s bot: storage keys carry the bot id. */
  const specFor = (ctx: Context): ConversationSpec => {
    let spec = specs.get(ctx.me.id);
    if (spec === undefined) {
      const keys = `${prefix}${ctx.me.id}:${id}:`;
      spec = {
        id,
        fn: fn as ConversationFn<never, never>,
        store: new JournalStore(storage, keys),
        due: new DueIndex(storage, keys, dueBucketMs),
        version: options.version ?? 0,
        maxSteps,
        timeoutMs: options.timeoutMs,
        from: options.scope === "chat" ? "chat" : "user",
        clock,
        onReplayMismatch: options.onReplayMismatch ?? "end",
        onError: options.onError ?? defaultOnError(id),
        live,
        fenced,
        onHibernate: (at) => sweepers.get(ctx.me.id)?.expect(at),
      };
      specs.set(ctx.me.id, spec);
    }
    return spec;
  };

  const pluginOf = (ctx: Context, what: string): PluginContext => {
    if ((ctx as PluginContext)[DEPS] === undefined) {
      throw new TypeError(
        `Conversation "${id}": ${what} got a context that has not passed colloquy()'s ` +
          "middleware. Install bot.use(colloquy()) before the conversation.",
      );
    }
    return ctx as PluginContext;
  };

  const scopeKey = (ctx: Context, what: string): string => {
    const key = scopeOf(keysOf(ctx));
    if (key === undefined) {
      throw new InvalidArgumentError(
        `${what} of conversation "${id}"`,
        `a context with a chat${options.scope === "chat" ? "" : " and a user"}`,
        ctx.update,
      );
    }
    return key;
  };

  /** Rebuilds the conversation of `scope` from `journal`, with `ctx` as the bot's context. */
  const resume = async (
    ctx: PluginContext,
    scope: string,
    journal: LoadedJournal,
  ): Promise<Execution | undefined> => {
    const spec = specFor(ctx);
    debug("conversation %s: replaying %d steps for %s", id, journal.steps, scope);
    const version = options.version ?? 0;
    const onVersionChange = options.onVersionChange ?? "mismatch";
    if (journal.head.ver !== version && onVersionChange !== "continue") {
      await spec.store.end(scope, journal.head.run, journal.steps, journal.headVersion);
      if (onVersionChange !== "restart" && spec.onReplayMismatch !== "restart") {
        const journaled = `a journal of version ${JSON.stringify(journal.head.ver)}`;
        spec.onError(
          new ReplayMismatchError(id, 0, journaled, `version ${JSON.stringify(version)}`),
        );
        return undefined;
      }
      debug("conversation %s: version changed; starting over for %s", id, scope);
      const fresh = new Execution(spec, ctx, scope, journal.head.args);
      fresh.restarted = true;
      fresh.pins++;
      await fresh.start();
      return fresh;
    }
    live.replayed(journal.steps);
    const execution = new Execution(spec, ctx, scope, journal.head.args, journal);
    // Pinned until the caller has offered it the update it was rebuilt for: an eviction in
    // between would drop the wait that update answers.
    execution.pins++;
    await execution.start();
    return execution;
  };

  /**
   * Rebuilds the conversation of `scope` from its journal, if it has one; `undefined` if not.
   * The copy comes pinned (see {@link Execution.pins}): the caller unpins it.
   */
  const recover = async (ctx: PluginContext, scope: string): Promise<Execution | undefined> => {
    const journal = await specFor(ctx).store.load(scope);
    if (journal === undefined) return undefined;
    // Another update of the scope may have begun the same recovery while this one read.
    const running = live.get(scope);
    if (running === undefined) return resume(ctx, scope, journal);
    running.pins++;
    return running;
  };

  /**
   * Starts the sweep of deadlines that no live copy holds, on the first context of a bot: the
   * conversations it recovers are built with that context's API and context class.
   */
  const sweep = (ctx: PluginContext): void => {
    if (sweepers.has(ctx.me.id)) return;
    const spec = specFor(ctx);
    const sweeper = new DueSweeper(spec, spec.due, async (scope, at) => {
      if (live.has(scope)) return;
      const journal = await spec.store.load(scope);
      // Answered, or ended, since the deadline was noted: nothing is due.
      if (journal === undefined || journal.pending?.at !== at || live.has(scope)) return;
      const resumed = await resume(ctx, scope, journal).catch(spec.onError);
      if (resumed) resumed.pins--;
    });
    sweepers.set(ctx.me.id, sweeper);
    sweeper.start();
  };

  /**
   * An update of `scope` that no live copy took: rebuilds the conversation from its journal, if
   * one is active there, and offers the update to the wait it was rebuilt in. Resolves whether
   * that wait (or a replay under way) took it.
   */
  const takeOver = async (ctx: PluginContext, scope: string): Promise<boolean> => {
    let execution = live.get(scope);
    if (execution === undefined) {
      execution = await recover(ctx, scope);
      if (execution === undefined) return false;
    } else if (execution.settled) {
      return false;
    } else {
      execution.pins++;
    }
    try {
      // A replay may be under way: this update may answer the wait it is rebuilding.
      await execution.ready;
      if (execution.restarted || !execution.answerable) return false;
      return (await ctx[DEPS]?.offer(ctx)) ?? false;
    } finally {
      execution.pins--;
    }
  };

  const middleware: MiddlewareFn<C> = async (ctx, next) => {
    const plugged = pluginOf(ctx, "its middleware");
    sweep(plugged);
    const scope = scopeOf(keysOf(ctx));
    if (scope === undefined) return next();
    const execution = live.get(scope);
    if (execution === undefined || !execution.settled) {
      if (await takeOver(plugged, scope)) return;
      return next();
    }
    if (execution.bypassed) {
      // This update (a command) ended the conversation's wait: it is done when the
      // conversation has dealt with that, so nothing of it is left when the update is.
      execution.bypassed = false;
      await execution.run.adopt(ctx.update.update_id);
    }
    // Live and waiting here: the plugin offered this update to its wait, which did not take it.
    return next();
  };

  const exitScope = async (ctx: Context, scope: string): Promise<boolean> => {
    const execution = live.get(scope);
    if (execution !== undefined) {
      await execution.exit();
      return true;
    }
    const { store } = specFor(ctx);
    if (!(await store.active(scope))) return false;
    await store.clear(scope);
    return true;
  };

  return {
    id,
    middleware: () => middleware,
    async enter(ctx, ...rest) {
      const plugged = pluginOf(ctx, "enter(ctx)");
      sweep(plugged);
      const args = rest[0];
      if (args !== undefined) assertJson(args);
      const scope = scopeKey(ctx, "enter(ctx)");
      const spec = specFor(ctx);
      const active = live.has(scope) || (await spec.store.active(scope));
      if (active) {
        if (options.onActive !== "restart") throw new ConversationActiveError(id, scope);
        await exitScope(ctx, scope);
      }
      await new Execution(spec, plugged, scope, args).start();
    },
    exit: (ctx) => exitScope(ctx, scopeKey(ctx, "exit(ctx)")),
    async active(ctx) {
      const scope = scopeKey(ctx, "active(ctx)");
      return live.has(scope) || specFor(ctx).store.active(scope);
    },
    stats: () => live.stats(),
  };
}
