/**
 * The contexts a durable conversation hands its code: live answers made to journal through it,
 * and, on replay, contexts rebuilt from journaled updates as grammY builds the bot's own.
 *
 * @module
 */
import type { Update, UserFromGetMe } from "@grammyjs/types";
import type { Api } from "grammy";
import type { Run } from "../run.js";
import { DEPS, type PluginContext, RUN, WAIT, type WaitDeps, type WaitStep } from "../waits.js";

/** What ties a context to its conversation: the journaled API, its run, its journaled waits. */
export interface ConversationBinding {
  readonly api: Api;
  readonly run: Run;
  readonly wait: WaitStep;
}

type ContextClass = new (update: Update, api: Api, me: UserFromGetMe) => PluginContext;

/**
 * A live answer's context, made to journal its calls and waits through the conversation: a copy
 * of it (what middleware put on it included, `session` and the plugin's methods) with the
 * journaled API. A copy, not an object inheriting from it: contexts are read on every step, and
 * reads through a prototype that is itself a context instance do not stay fast.
 */
export function adoptContext(ctx: PluginContext, binding: ConversationBinding): PluginContext {
  const adopted = new (ctx.constructor as ContextClass)(ctx.update, binding.api, ctx.me);
  for (const key of Reflect.ownKeys(ctx)) {
    if (key === "update" || key === "api" || key === "me") continue;
    Object.defineProperty(adopted, key, Reflect.getOwnPropertyDescriptor(ctx, key) as never);
  }
  adopted[RUN] = binding.run;
  adopted[WAIT] = binding.wait;
  return adopted;
}

/** The context of a journaled update, on replay: built as grammY builds `source`'s. */
export function rebuildContext(
  source: PluginContext,
  update: Update,
  binding: ConversationBinding,
): PluginContext {
  const rebuilt = new (source.constructor as ContextClass)(update, binding.api, source.me);
  rebuilt.ask = source.ask;
  rebuilt.waitFor = source.waitFor;
  rebuilt.waitForCallbackQuery = source.waitForCallbackQuery;
  rebuilt[DEPS] = source[DEPS] as WaitDeps;
  rebuilt[RUN] = binding.run;
  rebuilt[WAIT] = binding.wait;
  return rebuilt;
}
