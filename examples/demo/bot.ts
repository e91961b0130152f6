/**
 * The demo bot's behaviour, installed on a grammY `Bot` made by the caller (terminal, long
 * polling or webhook: see main.ts). Every capability of colloquy has a command here.
 */
import {
  type Clock,
  type Coordinator,
  ListenerCancelledError,
  ListenerTimeoutError,
  type Lock,
  runStates,
  type Scope,
  type Storage,
  scopes,
  updateKeys,
} from "colloquy";
import {
  type ColloquyFlavor,
  type ColloquyOptions,
  type ColloquyPlugin,
  colloquy,
  coordinate,
  leadingCommand,
  telegramIo,
} from "colloquy/grammy";
import type { Bot, Context } from "grammy";
import { chatScopeOf, counter } from "./count.js";
import { FlowTracker } from "./flows.js";
import { installForm } from "./form/index.js";
import { citySearch } from "./inline.js";
import { installOrder } from "./order/index.js";
import { createSurvey } from "./survey.js";
import { texts } from "./texts.js";
import { type OfflineWeather, type WeatherProvider, weatherStates } from "./weather/index.js";

/** The demo's context type. */
export type DemoContext = Context & ColloquyFlavor;

/** What the demo needs from its surroundings. */
export interface DemoOptions {
  /** How long /name waits for an answer. */
  readonly askTimeoutMs: number;
  readonly weather: WeatherProvider;
  /** How long /count waits for a message before it closes. */
  readonly countIdleMs: number;
  /** The table the inline city search looks in. */
  readonly cities: OfflineWeather;
  /** Where durable flows (/order) keep each user's place. */
  readonly storage: Storage;
  /** One update per user at a time in durable flows (Redis across instances). */
  readonly lock: Lock;
  /** Told where asks wait, so replies that reach other instances are handed over (Redis). */
  readonly onWaitsChanged?: ColloquyOptions["onWaitsChanged"];
  /** In webhook mode: each update handled once across instances, each chat in order. */
  readonly coordinator?: Coordinator;
  /** The clock for timeouts (tests pass a manual one). */
  readonly clock?: Clock;
}

/** The installed demo: its plugin, its running flows, and how to stop them. */
export interface Demo {
  readonly plugin: ColloquyPlugin<DemoContext>;
  readonly flows: FlowTracker;
  /**
   * Ends every running flow and pending wait, as stopping the bot must: /count says goodbye, the
   * others end quietly. Durable flows (/order, /form) keep their place in storage.
   */
  stop(): void;
}

const scopeOf: (ctx: Context) => string = (ctx) =>
  (scopes.userInChat as Scope)(updateKeys(ctx.update)) ?? `update:${ctx.update.update_id}`;

/** Whether an error only says that the flow was cancelled, which the user already knows. */
function isCancellation(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || error instanceof ListenerCancelledError;
}

/**
 * Installs the demo on `bot`.
 *
 * @example
 * ```ts
 * const bot = new Bot<DemoContext>(token);
 * const demo = installDemo(bot, { askTimeoutMs: 60_000, weather: new OfflineWeather() });
 * ```
 */
export function installDemo(bot: Bot<DemoContext>, options: DemoOptions): Demo {
  const flows = new FlowTracker();
  const plugin = colloquy<DemoContext>({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.onWaitsChanged === undefined ? {} : { onWaitsChanged: options.onWaitsChanged }),
  });

  const survey = createSurvey(options.storage, options.clock);

  if (options.coordinator !== undefined) bot.use(coordinate(options.coordinator));
  // /cancel goes before the plugin: it ends the user's flows itself (through their signals)
  // rather than letting the plugin's command bypass end them first, so it knows whether any ran.
  bot.command("cancel", async (ctx) => {
    const ended = flows.cancelAll(scopeOf(ctx)) + flows.cancelAll(chatScopeOf(ctx));
    const leftOrder = await order.leave(ctx);
    const leftForm = await form.leave(ctx);
    const leftSurvey = await survey.exit(ctx);
    const left = leftOrder || leftForm || leftSurvey;
    const text = ended > 0 || left ? texts.cancelled : texts.nothingToCancel;
    // Only /order shows a reply keyboard; leaving it takes the keyboard away.
    await ctx.reply(text, leftOrder ? { reply_markup: { remove_keyboard: true } } : {});
  });
  bot.use(plugin);
  bot.use(survey);

  bot.command("start", (ctx) => ctx.reply(texts.welcome));
  bot.command("survey", (ctx) => survey.enter(ctx));

  bot.command("name", async (ctx) => {
    const scope = scopeOf(ctx);
    const flow = flows.start(scope, "name");
    try {
      let answer = await ctx.ask(texts.askName, {
        timeoutMs: options.askTimeoutMs,
        signal: flow.signal,
      });
      while (answer.message?.text === undefined) {
        answer = await answer.ask(texts.askName, {
          timeoutMs: options.askTimeoutMs,
          signal: flow.signal,
        });
      }
      await answer.reply(texts.hello(answer.message.text));
    } catch (error) {
      if (error instanceof ListenerTimeoutError) await ctx.reply(texts.tooSlow);
      else if (!isCancellation(error, flow.signal)) throw error;
    } finally {
      flows.finish(scope, flow);
    }
  });

  bot.command("weather", async (ctx) => {
    const scope = scopeOf(ctx);
    if (flows.isRunning(scope, "weather")) return void (await ctx.reply(texts.alreadyRunning));
    const flow = flows.start(scope, "weather");
    const io = telegramIo(ctx, {
      signal: flow.signal,
      // A second /weather is answered by its handler; any other command ends the flow.
      bypass: (c) => {
        const command = leadingCommand(c);
        return command !== undefined && command !== "weather";
      },
    });
    try {
      await runStates(weatherStates(options.weather), io, { signal: flow.signal });
    } catch (error) {
      if (isCancellation(error, flow.signal)) return;
      await ctx.reply(texts.flowFailed).catch(() => {});
      throw error;
    } finally {
      io.close();
      flows.finish(scope, flow);
    }
  });

  bot.use(counter(flows, options.countIdleMs, options.clock));
  bot.use(citySearch(options.cities));
  // A user is in one durable flow at a time: entering one leaves the other.
  bot.command("order", async (ctx, next) => {
    await form.leave(ctx);
    await next();
  });
  bot.command("form", async (ctx, next) => {
    await order.leave(ctx);
    await next();
  });
  // After the other commands, which keep working inside the flows; before the catch-all.
  const durable = {
    storage: options.storage,
    lock: options.lock,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  const order = installOrder(bot, durable);
  const form = installForm(bot, durable);

  bot.on("message", (ctx) => ctx.reply(texts.notUnderstood));
  return {
    plugin,
    flows,
    stop() {
      flows.stopAll();
      plugin.shutdown();
    },
  };
}
