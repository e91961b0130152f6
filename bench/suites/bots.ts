/**
 * The bots under test. Each K-step conversation sends exactly one message per update (a question,
 * or "Done." after the last answer), so every framework does the same API work per update, and
 * each counts the conversations it finished so a run can prove it measured what it claims.
 *
 * @module
 */
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from "@grammyjs/conversations";
import { type ColloquyFlavor, type ColloquyPlugin, colloquy } from "colloquy/grammy";
import { type ApiClientOptions, Bot, type Context } from "grammy";
import { Scenes, session, Telegraf } from "telegraf";
import { benchBotInfo } from "../stubs/bot-api.js";
import { stubFetch } from "../stubs/grammy-fetch.js";
import { stubTelegraf } from "../stubs/telegraf.js";
import type { Feed } from "./drive.js";

/** A bot ready to be fed, and how many conversations it finished. */
export interface BenchBot {
  readonly feed: Feed;
  /** Conversations finished (for the plain bots: updates handled). */
  finished(): number;
  /** Messages that reached the catch-all handler: no command, and (with colloquy) no wait took them. */
  unclaimed(): number;
  /** Conversations waiting for an answer, for the bots that can tell. */
  waiting?(): number;
  /**
   * Ends what the bot keeps pending (colloquy's waits) and lets the handlers that were waiting
   * unwind, so that work is not measured as part of the next row.
   */
  close(): Promise<void>;
}

/** The `fetch` grammY's client options take. */
export type GrammyFetch = NonNullable<ApiClientOptions["fetch"]>;

/**
 * A grammY bot answering API calls from the in-memory Bot API through `client.fetch` (`stubFetch`,
 * or a `fetch` that counts on top of it).
 */
export function grammyBot<C extends Context = Context>(fetch: GrammyFetch = stubFetch): Bot<C> {
  return new Bot<C>("42:bench", { botInfo: benchBotInfo, client: { fetch } });
}

/** Lets pending callbacks and their microtasks run: a few turns of the event loop. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function feedOf(bot: { handleUpdate(update: never): Promise<unknown> }): Feed {
  return (update) => bot.handleUpdate(update as never);
}

/**
 * (a) bare grammY, routed like (b)'s bot: a `/start` handler and a catch-all message handler
 * that makes no API call, so only dispatch is measured.
 */
export function bareBot(): BenchBot {
  const bot = grammyBot();
  let seen = 0;
  let started = 0;
  bot.command("start", () => {
    started++;
  });
  bot.on("message", () => {
    seen++;
  });
  return { feed: feedOf(bot), finished: () => started, unclaimed: () => seen, close: settle };
}

/** (f) a plain grammY reply: one `sendMessage` per update. */
export function replyBot(): BenchBot {
  const bot = grammyBot();
  let seen = 0;
  bot.on("message:text", async (ctx) => {
    await ctx.reply("Hello!");
    seen++;
  });
  return { feed: feedOf(bot), finished: () => seen, unclaimed: () => 0, close: settle };
}

type AskContext = Context & ColloquyFlavor;

/**
 * The conversation every await-style bot runs: `/start` asks `steps` questions in a loop through
 * `ask`, keeping only the newest answer, then says "Done."; a catch-all counts the messages no
 * wait took, as the bare bot does.
 *
 * Why `?? answer`: the loop variable must be read after the await. V8 does not write dead
 * registers back when an optimised async function suspends, so with a plain
 * `answer = await ask(answer, …)` the suspended frame keeps the answer it held when the function
 * was optimised — one early context (~1.5 KB) retained per conversation for its whole life.
 */
function askConversation<C extends Context>(
  bot: Bot<C>,
  steps: number,
  ask: (ctx: C, text: string) => Promise<C | undefined>,
): Pick<BenchBot, "finished" | "unclaimed"> {
  let done = 0;
  let seen = 0;
  bot.command("start", async (ctx) => {
    let answer: C = ctx;
    for (let step = 1; step <= steps; step++) {
      answer = (await ask(answer, `Question ${step}?`)) ?? answer;
    }
    await answer.reply("Done.");
    done++;
  });
  bot.on("message", () => {
    seen++;
  });
  return { finished: () => done, unclaimed: () => seen };
}

/** (c) colloquy: the {@link askConversation} with `ctx.ask`. */
export function colloquyBot(steps: number): BenchBot & { plugin: ColloquyPlugin<AskContext> } {
  const bot = grammyBot<AskContext>();
  // Shutting down ends every wait, so every suspended handler throws; the default handler would
  // log each of them (100k stack traces after row (b)).
  const plugin = colloquy<AskContext>({ onError: () => undefined });
  bot.use(plugin);
  const counts = askConversation(bot, steps, (ctx, text) => ctx.ask(text));
  return {
    feed: feedOf(bot),
    ...counts,
    waiting: () => plugin.stats().pending,
    close: () => {
      plugin.shutdown();
      return settle();
    },
    plugin,
  };
}

type ConvContext = ConversationFlavor<Context>;

/** (d) the same conversation on @grammyjs/conversations v2 (in-memory storage, its default). */
export function conversationsBot(steps: number, fetch: GrammyFetch = stubFetch): BenchBot {
  const bot = grammyBot<ConvContext>(fetch);
  let done = 0;
  async function ask(conversation: Conversation<ConvContext, Context>, ctx: Context) {
    let answer = ctx;
    for (let step = 1; step <= steps; step++) {
      await answer.reply(`Question ${step}?`);
      answer = await conversation.waitFor("message");
    }
    await answer.reply("Done.");
    done++;
  }
  bot.use(conversations());
  bot.use(createConversation(ask, "ask"));
  bot.command("start", (ctx) => ctx.conversation.enter("ask"));
  return { feed: feedOf(bot), finished: () => done, unclaimed: () => 0, close: settle };
}

/** (e) the same conversation as a Telegraf WizardScene (in-memory session, its default). */
export function telegrafBot(steps: number): BenchBot {
  stubTelegraf();
  let done = 0;
  const wizardSteps: ((ctx: Scenes.WizardContext) => Promise<unknown>)[] = [];
  wizardSteps.push(async (ctx) => {
    await ctx.reply("Question 1?");
    return ctx.wizard.next();
  });
  for (let step = 2; step <= steps; step++) {
    wizardSteps.push(async (ctx) => {
      await ctx.reply(`Question ${step}?`);
      return ctx.wizard.next();
    });
  }
  wizardSteps.push(async (ctx) => {
    await ctx.reply("Done.");
    done++;
    return ctx.scene.leave();
  });
  const scene = new Scenes.WizardScene<Scenes.WizardContext>("ask", ...wizardSteps);
  const bot = new Telegraf<Scenes.WizardContext>("42:bench");
  bot.botInfo = benchBotInfo;
  bot.use(session());
  bot.use(new Scenes.Stage<Scenes.WizardContext>([scene]).middleware());
  bot.command("start", (ctx) => ctx.scene.enter("ask"));
  return { feed: feedOf(bot), finished: () => done, unclaimed: () => 0, close: settle };
}

/**
 * The floor for any await-in-a-handler design on grammY: the smallest correct `ask` (a Map from
 * chat to a resolver, no timeouts, caps, filters or bypass). What a waiting conversation costs
 * here is what grammY and the suspended handler cost; colloquy's own share is what it adds.
 * Like colloquy, an update's `handleUpdate` lasts until its handler waits again or ends (so the
 * feed neither blocks on a waiting handler nor runs ahead of one): each chat has a release for
 * the update currently driving its handler.
 */
export function floorBot(steps: number): BenchBot {
  const bot = grammyBot();
  const waiting = new Map<number, (answer: Context) => void>();
  const releases = new Map<number, () => void>();
  const release = (chatId: number) => {
    releases.get(chatId)?.();
    releases.delete(chatId);
  };
  bot.use(
    (ctx, next) =>
      new Promise<void>((held) => {
        const chatId = ctx.chatId ?? 0;
        releases.set(chatId, held);
        const resolve = waiting.get(chatId);
        if (resolve !== undefined) {
          waiting.delete(chatId);
          resolve(ctx);
          return;
        }
        next().then(
          () => release(chatId),
          (error: unknown) => {
            console.error(error);
            release(chatId);
          },
        );
      }),
  );
  const ask = async (ctx: Context, text: string) => {
    const chatId = ctx.chatId ?? 0;
    const answer = new Promise<Context>((resolve) => waiting.set(chatId, resolve));
    await ctx.reply(text);
    release(chatId);
    return answer;
  };
  const counts = askConversation(bot, steps, ask);
  return {
    feed: feedOf(bot),
    ...counts,
    waiting: () => waiting.size,
    close: settle,
  };
}
