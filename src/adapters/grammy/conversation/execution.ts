/**
 * One copy of a durable conversation in this process: its coroutine (a plugin {@link Run} of its
 * own, so suspension-aware dispatch holds each answering update until the next wait is
 * journaled), its position in the journal, and the writes that extend it.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import type { Api } from "grammy";
import { JournalCursor } from "../../../conversations/cursor.js";
import { ConversationActiveError, StepLimitError } from "../../../conversations/errors.js";
import { errorOf, failureOf } from "../../../conversations/failures.js";
import type { LoadedJournal, PendingWait } from "../../../conversations/journal.js";
import { JournalRun } from "../../../conversations/journal-run.js";
import { LeaseLostError, ListenerCancelledError, ListenerTimeoutError } from "../../../errors.js";
import { assertJson, type JsonObject, type JsonValue } from "../../../json.js";
import { type HostOutcome, Run } from "../run.js";
import { DEPS, type PluginContext, type WaitDeps, type WaitStep, waitIn } from "../waits.js";
import { adoptContext, rebuildContext } from "./contexts.js";
import { Conv } from "./conv.js";
import { apiError, apiFailure, journaledApi } from "./journaled-api.js";
import type { LiveCopy } from "./live-set.js";
import type { ConversationSpec } from "./spec.js";
import { Stopped, type StopReason } from "./stopped.js";
import { Suspension } from "./suspension.js";

/** A conversation's coroutine and journal position, from `enter` or a recovery to its end. */
export class Execution implements LiveCopy {
  readonly spec: ConversationSpec;
  readonly scope: string;
  readonly deps: WaitDeps;
  readonly run: Run;
  /** Every Bot API call of the conversation's contexts goes through it. */
  readonly api: Api;
  /** The `conv` the function receives. */
  readonly conv: Conv;
  /** The function's `ctx`: the entering update's context. */
  ctx: PluginContext;
  args: JsonValue | undefined;
  cursor: JournalCursor;
  readonly #entering: Update;
  /** To rebuild the contexts of journaled updates on replay. */
  readonly #source: PluginContext;
  /** Where the run stands in storage. */
  readonly #run: JournalRun;
  /** The wait a recovered journal ended in: its deadline is kept for the first live wait. */
  #pending: PendingWait | undefined;
  #stopped: Stopped | undefined;
  /** The waits, sleep and calls the code is in: ended when it stops, dropped when evicted. */
  readonly #suspension: Suspension;
  /** See {@link LiveCopy.lastActive}. */
  lastActive = 0;
  /**
   * Updates about to be offered to this copy, which was rebuilt (or is being rebuilt) for them:
   * while any is, the copy is not evicted.
   */
  pins = 0;
  /** Settles when the coroutine first suspends or ends. */
  ready: Promise<HostOutcome> | undefined;
  /** Whether {@link ready} settled: a replay, if any, is over. */
  settled = false;
  /**
   * Cleared when the update that caused a replay cannot be the answer of the wait it rebuilt: the
   * wait was overdue and timed out, or the code was sleeping.
   */
  answerable = true;
  /** Set when a replay turned into a fresh start: the update that caused it is not its answer. */
  restarted = false;
  /**
   * Set when an update ended the conversation's wait by bypassing it (a command): that update
   * then hosts the conversation until it waits again or ends, so what the code does about it
   * (ending, and removing its journal) is done when the update is.
   */
  bypassed = false;

  constructor(
    spec: ConversationSpec,
    ctx: PluginContext,
    scope: string,
    args: JsonValue | undefined,
    journal?: LoadedJournal,
  ) {
    this.spec = spec;
    this.scope = scope;
    this.deps = ctx[DEPS] as WaitDeps;
    this.#source = ctx;
    this.#suspension = new Suspension(this.deps.registry);
    this.run = new Run(ctx.update.update_id);
    this.api = journaledApi(ctx.api, (method, payload, send) => this.#call(method, payload, send));
    this.args = args;
    this.conv = new Conv(this);
    this.#run = new JournalRun(spec.store, scope, journal);
    if (journal === undefined) {
      this.#entering = ctx.update;
      this.cursor = new JournalCursor(spec.id);
      this.ctx = this.adopt(ctx);
    } else {
      const { head } = journal;
      this.#entering = head.u as unknown as Update;
      this.#pending = journal.pending;
      this.cursor = new JournalCursor(spec.id, journal.entries);
      this.ctx = rebuildContext(ctx, this.#entering, this);
    }
  }

  /** Starts (or, from a journal, replays) the coroutine; settles when it first suspends or ends. */
  start(): Promise<HostOutcome> {
    this.spec.live.add(this);
    this.ready = this.run
      .start(
        () => this.#execute(),
        (error) => this.spec.onError(error),
      )
      .finally(() => {
        this.settled = true;
        this.spec.live.trim();
      });
    return this.ready;
  }

  /** Whether this copy was stopped (ended, exited or found stale). */
  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Throws the stop signal once the conversation was halted, exited or found stale. */
  check(): void {
    if (this.#stopped !== undefined) throw this.#stopped;
  }

  /** Unwinds the coroutine with `reason` at its next step. */
  stop(reason: StopReason, args?: JsonValue): Stopped {
    this.#stopped ??= new Stopped(this.spec.id, reason, args);
    if (reason === "exit" || reason === "stale") this.#suspension.end();
    return this.#stopped;
  }

  /**
   * Hibernates this copy if it is suspended with nothing in flight: its waits leave the registry
   * unsettled and its sleep's timer stops, so no code of it runs again (`finally` blocks
   * included); its journal holds it, and its next update, or the due sweep at its deadline,
   * rebuilds it by replay.
   */
  evict(): boolean {
    if (
      !this.settled ||
      this.#stopped !== undefined ||
      this.bypassed ||
      this.#suspension.busy ||
      this.pins > 0
    ) {
      return false;
    }
    if (!this.run.idle) return false;
    this.#stopped = new Stopped(this.spec.id, "evicted");
    const at = this.#suspension.drop();
    if (at !== undefined) this.spec.onHibernate(at);
    return true;
  }

  /** Ends this copy from outside (`exit`): no more of its code runs; its journal is removed. */
  async exit(): Promise<void> {
    this.stop("exit");
    await this.#end();
  }

  /** A live answer's context, made to journal its calls and waits through this conversation. */
  adopt(ctx: PluginContext): PluginContext {
    return adoptContext(ctx, this);
  }

  /** Waits through the journal: answered from it on replay, else registered live and recorded. */
  readonly wait: WaitStep = async (deps, ctx, parts, options, method) => {
    this.check();
    const entry = this.cursor.next("wait", method);
    if (entry !== undefined) {
      if (entry.e !== undefined) throw errorOf(entry.e);
      return rebuildContext(this.#source, entry.r as unknown as Update, this);
    }
    const { clock } = this.spec;
    const timeoutMs = options.timeoutMs ?? this.spec.timeoutMs;
    const at =
      this.#takePending() ?? (timeoutMs === undefined ? undefined : clock.now() + timeoutMs);
    await this.#write(at === undefined ? { k: "wait" } : { k: "wait", at });
    const handle = this.#suspension.wait(at);
    try {
      const leftMs = at === undefined ? undefined : at - clock.now();
      if (leftMs !== undefined && leftMs <= 0) {
        // Overdue after a restart: it times out now, as it would have at its deadline.
        this.answerable = false;
        await options.onTimeout?.();
        throw new ListenerTimeoutError(this.scope, timeoutMs ?? 0);
      }
      const onWaitError = options.onWaitError;
      const answer = await waitIn(deps, ctx, parts, {
        ...options,
        from: options.from ?? this.spec.from,
        onWaitError: (error, answerCtx) => {
          if (error instanceof ListenerCancelledError && error.reason === "bypass") {
            this.bypassed = true;
          }
          return onWaitError?.(error, answerCtx);
        },
        handle,
        ...(leftMs === undefined ? {} : { timeoutMs: leftMs }),
      });
      this.check();
      this.spec.live.touch(this);
      if (this.spec.fenced && !(await this.#run.current())) return this.#abandon();
      this.cursor.record({ k: "wait", d: method, r: answer.update as unknown as JsonObject });
      return this.adopt(answer);
    } catch (error) {
      this.check();
      if (error instanceof ListenerCancelledError && error.reason === "shutdown") {
        // The process is stopping, not the conversation: the next one recovers it.
        this.#forget();
        throw this.stop("shutdown");
      }
      this.cursor.record({ k: "wait", d: method, e: failureOf(error) });
      throw error;
    } finally {
      this.#suspension.waited(handle);
    }
  };

  /**
   * Another copy (another instance's) moved the journal on while this one waited: this one is
   * stale. It gives the answer back unhandled — it goes on to the conversation's middleware,
   * which rebuilds the conversation from the journal as it stands, or to later handlers when the
   * conversation ended — and is abandoned as an evicted copy is: none of its code runs again.
   */
  #abandon(): Promise<never> {
    this.#stopped ??= new Stopped(this.spec.id, "stale");
    this.#forget();
    this.run.decline();
    return new Promise<never>(() => {});
  }

  /** `conv.sleep`: a durable pause, journaled like a wait with a deadline and no answer. */
  async sleep(ms: number): Promise<void> {
    this.check();
    const detail = String(ms);
    if (this.cursor.next("sleep", detail) !== undefined) return;
    const { clock } = this.spec;
    const resumed = this.#takePending();
    if (resumed !== undefined) this.answerable = false;
    const at = resumed ?? clock.now() + ms;
    await this.#write({ k: "sleep", at });
    this.run.suspend();
    try {
      await this.#suspension.sleep(clock, at, () => this.#stopped);
    } finally {
      this.run.waitEnded();
    }
    this.check();
    this.cursor.record({ k: "sleep", d: detail });
  }

  /** `conv.external`: runs `fn` live and journals its JSON result or its error. */
  async external<T>(fn: () => T | Promise<T>, name: string): Promise<T> {
    this.check();
    const entry = this.cursor.next("external", name);
    if (entry !== undefined) {
      if (entry.e !== undefined) throw errorOf(entry.e);
      return entry.r as T;
    }
    let result: T;
    try {
      result = await this.#suspension.call(fn);
    } catch (error) {
      this.check();
      this.cursor.record({ k: "external", d: name, e: failureOf(error) });
      throw error;
    }
    this.check();
    if (result === undefined) {
      this.cursor.record({ k: "external", d: name });
    } else {
      assertJson(result);
      this.cursor.record({ k: "external", d: name, r: result });
    }
    return result;
  }

  /** `conv.now` and `conv.random`: a value journaled once and the same on every replay. */
  value(kind: "now" | "random", make: () => number): number {
    this.check();
    const entry = this.cursor.next(kind, "");
    if (entry !== undefined) return entry.r as number;
    const value = make();
    this.cursor.record({ k: kind, d: "", r: value });
    return value;
  }

  async #call(method: string, payload: unknown, send: () => Promise<unknown>): Promise<unknown> {
    this.check();
    const entry = this.cursor.next("api", method);
    if (entry !== undefined) {
      if (entry.e !== undefined) throw apiError(entry, payload);
      return entry.r;
    }
    try {
      const result = await this.#suspension.call(send);
      this.cursor.record({ k: "api", d: method, r: (result ?? null) as JsonValue });
      return result;
    } catch (error) {
      this.cursor.record({ k: "api", d: method, e: apiFailure(error) });
      throw error;
    }
  }

  #takePending(): number | undefined {
    const pending = this.#pending;
    this.#pending = undefined;
    return pending?.at;
  }

  /**
   * Journals what happened since the last write, with the wait the code is about to suspend in:
   * one write per step. Nothing to write right after a replay, whose entries are all stored.
   */
  async #write(pending: PendingWait): Promise<void> {
    const steps = this.#run.steps;
    if (steps > 0 && !this.cursor.dirty) return;
    const { id, maxSteps } = this.spec;
    if (steps >= maxSteps) throw this.#fail(new StepLimitError(id, maxSteps));
    if (pending.at !== undefined) await this.spec.due.add(this.scope, pending.at);
    const start = {
      version: this.spec.version,
      args: this.args,
      entering: this.#entering as unknown as JsonObject,
    };
    if (await this.#run.write(this.cursor.take(), pending, start)) return;
    this.stop("stale");
    this.#forget();
    if (steps === 0) throw new ConversationActiveError(id, this.scope);
    throw new LeaseLostError(
      this.spec.store.headKey(this.scope),
      "another copy of this conversation journaled the same step first",
    );
  }

  /** Stops the coroutine with `error`, which its code cannot catch and go on from. */
  #fail(error: Error): Error {
    this.#stopped ??= new Stopped(this.spec.id, "error", undefined, error);
    return error;
  }

  async #execute(): Promise<void> {
    for (;;) {
      try {
        await this.spec.fn(this.conv as never, this.ctx as never, this.args as never);
        this.cursor.finish();
        await this.#end();
        return;
      } catch (thrown) {
        const stopped = this.#stopped;
        const gone = stopped?.reason;
        if (gone === "exit" || gone === "stale" || gone === "shutdown" || gone === "evicted") {
          return;
        }
        await this.#end();
        if (stopped?.reason === "halt") return;
        if (stopped?.reason === "continue") {
          this.#restart(stopped.args);
          continue;
        }
        const mismatch = this.cursor.mismatch;
        if (mismatch === undefined) throw stopped?.error ?? thrown;
        this.spec.onError(mismatch);
        if (this.spec.onReplayMismatch !== "restart") return;
        this.restarted = true;
        this.#restart(this.args);
      }
    }
  }

  /** A fresh run with an empty journal, in place of the one that ended. */
  #restart(args: JsonValue | undefined): void {
    this.args = args;
    this.#pending = undefined;
    this.#stopped = undefined;
    this.cursor = new JournalCursor(this.spec.id);
    this.spec.live.add(this);
  }

  /** Leaves the live set and removes the journal; the run is fresh for a restart. */
  async #end(): Promise<void> {
    this.#forget();
    await this.#run.end();
  }

  #forget(): void {
    this.spec.live.delete(this);
  }
}
