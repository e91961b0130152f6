/**
 * The bots of the durable-conversation rows: (h) the K-step conversation of (c) written with
 * `conversation()` and `conv.ask`, on a storage that counts its journal writes, and a Bot API
 * stub that counts the messages sent, so a row can prove the bot journaled every step, replayed
 * once per recovery and sent nothing twice.
 *
 * @module
 */
import {
  type CompareAndSetResult,
  MemoryStorage,
  type Storage,
  type StorageEntry,
  type WriteOptions,
} from "colloquy";
import {
  type ColloquyFlavor,
  type ConversationOptions,
  type ConversationStats,
  colloquy,
  conversation,
} from "colloquy/grammy";
import type { Context } from "grammy";
import { botApiResult } from "../stubs/bot-api.js";
import { stubFetch } from "../stubs/grammy-fetch.js";
import { type BenchBot, type GrammyFetch, grammyBot, settle } from "./bots.js";

/** A grammY `fetch` answering like `stubFetch`, and counting `sendMessage` calls by text. */
export interface CountingFetch {
  readonly fetch: GrammyFetch;
  /** `sendMessage` calls with `text`, or all of them without. */
  sent(text?: string): number;
}

/** A {@link CountingFetch}: the same parse and serialise work per call as `stubFetch`. */
export function countingFetch(): CountingFetch {
  const texts = new Map<string, number>();
  let total = 0;
  const fetch = ((url: string, init?: { body?: unknown }) => {
    const body = typeof init?.body === "string" ? init.body : "";
    const method = String(url).slice(String(url).lastIndexOf("/") + 1);
    const payload = body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
    if (method === "sendMessage") {
      total++;
      const text = String(payload.text);
      texts.set(text, (texts.get(text) ?? 0) + 1);
    }
    const text = JSON.stringify({ ok: true, result: botApiResult(method, payload) });
    return Promise.resolve({
      ok: true,
      status: 200,
      json: () => Promise.resolve(JSON.parse(text)),
    });
  }) as unknown as GrammyFetch;
  return { fetch, sent: (text) => (text === undefined ? total : (texts.get(text) ?? 0)) };
}

/**
 * A storage that passes everything to `inner` and counts the successful writes (`set` and
 * `compareAndSet`) and removals (`delete`, `deleteMany` and successful `compareAndDelete`).
 */
export class CountingStorage implements Storage {
  readonly inner: Storage;
  writes = 0;
  removals = 0;

  constructor(inner: Storage) {
    this.inner = inner;
  }

  get<T extends import("colloquy").JsonValue>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }

  getEntry<T extends import("colloquy").JsonValue>(
    key: string,
  ): Promise<StorageEntry<T> | undefined> {
    return this.inner.getEntry<T>(key);
  }

  async set(key: string, value: unknown, options?: WriteOptions): Promise<number> {
    const version = await this.inner.set(key, value, options);
    this.writes++;
    return version;
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    this.removals++;
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const inner = this.inner;
    if (inner.deleteMany !== undefined) await inner.deleteMany(keys);
    else for (const key of keys) await inner.delete(key);
    this.removals += keys.length;
  }

  async compareAndSet(
    key: string,
    expectedVersion: number,
    value: unknown,
    options?: WriteOptions,
  ): Promise<CompareAndSetResult> {
    const result = await this.inner.compareAndSet(key, expectedVersion, value, options);
    if (result.ok) this.writes++;
    return result;
  }

  async compareAndDelete(key: string, expectedVersion: number): Promise<boolean> {
    const removed = await this.inner.compareAndDelete(key, expectedVersion);
    if (removed) this.removals++;
    return removed;
  }

  touch(key: string, options: { ttlMs: number }): Promise<boolean> {
    return this.inner.touch(key, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

type AskContext = Context & ColloquyFlavor;

/** A durable bot, with what it journaled and how often its conversation's code started. */
export interface DurableBot extends BenchBot {
  readonly storage: CountingStorage;
  /** Starts of the conversation's function: one per `/start`, plus one per recovery (replay). */
  runs(): number;
  /** The conversation's live copies, evictions and replays. */
  stats(): ConversationStats;
  /** Errors the plugin or the conversation reported. */
  readonly errors: unknown[];
}

/**
 * (h) the conversation of (c) as a durable `conversation()`: `/start` enters it; it asks `steps`
 * questions with `conv.ask`, keeping only the newest answer, then says "Done.". One journal
 * write per step goes to `storage`; `close()` shuts the plugin down, which keeps the journals of
 * the conversations still waiting (a restart recovers them).
 */
export function durableBot(
  steps: number,
  storage: Storage,
  fetch: GrammyFetch = stubFetch,
  options: Pick<ConversationOptions, "maxLive"> = {},
): DurableBot {
  const counted = new CountingStorage(storage);
  const bot = grammyBot<AskContext>(fetch);
  const errors: unknown[] = [];
  // Shutting down ends every wait; what a handler lets through of that is no failure here.
  const plugin = colloquy<AskContext>({ onError: () => undefined });
  let done = 0;
  let runs = 0;
  let seen = 0;
  const asks = conversation<AskContext>(
    "bench",
    async (conv, ctx) => {
      runs++;
      // `?? answer`: see askConversation in bots.ts (a suspended optimised frame keeps stale
      // registers otherwise).
      let answer: AskContext = ctx;
      for (let step = 1; step <= steps; step++) {
        answer = ((await conv.ask(`Question ${step}?`)) as AskContext | undefined) ?? answer;
      }
      await answer.reply("Done.");
      done++;
    },
    {
      // What the storage under the counting wrapper gets by default: the check against other
      // processes' copies only for a storage they can share.
      sharedStorage: !(storage instanceof MemoryStorage),
      ...options,
      storage: counted,
      onError: (error) => errors.push(error),
    },
  );
  bot.use(plugin);
  bot.use(asks);
  bot.command("start", (ctx) => asks.enter(ctx));
  bot.on("message", () => {
    seen++;
  });
  return {
    feed: (update) => bot.handleUpdate(update),
    finished: () => done,
    unclaimed: () => seen,
    waiting: () => plugin.stats().pending,
    close: () => {
      plugin.shutdown();
      return settle();
    },
    storage: counted,
    stats: () => asks.stats(),
    runs: () => runs,
    errors,
  };
}
