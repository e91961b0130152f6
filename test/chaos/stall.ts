/**
 * The stall run: three demo instances (child processes, webhook mode) reach Redis through a TCP
 * proxy; in the middle of a burst of /start the proxy holds every byte for `stallMs`, then
 * forwards them all. The feeder retries each failed delivery, as Telegram does, for up to a
 * minute. Then a /name conversation crosses instances, and the checks run.
 */
import type { Update } from "@grammyjs/types";
import { UpdateFactory } from "../../src/testing/updates.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { stop } from "../support/child.js";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import {
  beganInOrder,
  deliver,
  type FeedStats,
  type Instance,
  type RetryPolicy,
  sleep,
  startInstance,
} from "./fleet.js";

/** How big a stall run is. */
export interface StallOptions {
  readonly chats: number;
  /** /start updates per chat, posted one after another. */
  readonly perChat: number;
  /** How long the proxy holds Redis's traffic. */
  readonly stallMs: number;
}

/** What the stall run found. */
export interface StallReport {
  readonly updates: number;
  readonly posts: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** Instances that were no longer running at the end, with what they printed last. */
  readonly exited: string[];
  /** Updates whose handlers never completed. */
  readonly notCompleted: number[];
  /** Updates whose handlers completed more than once. */
  readonly completedTwice: number[];
  /**
   * Of those, the ones outside the crash window: a duplicate needs a claim granted before the
   * stall whose finish was held by it, so its request was in flight when the stall began.
   */
  readonly twiceOutsideWindow: number[];
  /** Updates in flight when the stall began: at most one per chat. */
  readonly inFlightAtStall: number;
  /** Chats whose updates began out of order. */
  readonly outOfOrder: number[];
  /** Late failures the instances logged (handling that failed after its request timed out). */
  readonly lateFailures: number;
  /** Whether /name on one instance was answered through another afterwards. */
  readonly conversationWorks: boolean;
}

/** Retries for up to a minute, as Telegram does; a request may take as long as the webhook. */
const retrying = {
  attemptTimeoutMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxRetryingMs: 60_000,
  retryDelayMs: () => 100 + Math.random() * 200,
};

/** Runs the stall scenario and returns what it found; everything it started is stopped. */
export async function runStall(options: StallOptions): Promise<StallReport> {
  const redis = await startRedisServer();
  const record = await startRedisServer();
  const proxy = await startTcpProxy(redis.port);
  const api = await startBotApiServer();
  const instances: Instance[] = [];
  try {
    // The coordinator's defaults (5 s lease, 8 s wait) and the webhook's 10 s timeout.
    const env = {
      redisUrl: `redis://127.0.0.1:${proxy.port}/0`,
      recordUrl: `${record.url}/0`,
      apiUrl: api.url,
      leaseMs: 5_000,
    };
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    instances.push(
      ...(await Promise.all(ports.map((port, i) => startInstance(`i${i}`, port, env)))),
    );
    // An instance that dies ends the run at once, with what it printed, rather than a minute of
    // retries later.
    const halted = new AbortController();
    for (const { id, child, output } of instances) {
      child.once("exit", () => halted.abort(new Error(`${id} exited:\n${output().slice(-3_000)}`)));
    }
    const policy: RetryPolicy = { ...retrying, signal: halted.signal };
    const scripts = chatScripts(options);
    const total = scripts.length * options.perChat;
    const stats: FeedStats & { done: number } = { posts: 0, retries: 0, done: 0 };
    const inFlight = new Set<number>();
    let inFlightAtStall = new Set<number>();
    const stall = async () => {
      while (stats.done < total / 3) {
        halted.signal.throwIfAborted();
        await sleep(5);
      }
      inFlightAtStall = new Set(inFlight);
      await proxy.stall(options.stallMs);
    };
    const started = performance.now();
    const feeding = scripts.map(async (script) => {
      for (const update of script) {
        inFlight.add(update.update_id);
        await deliver(instances, update, policy, stats);
        inFlight.delete(update.update_id);
        stats.done++;
      }
    });
    await Promise.all([...feeding, stall()]);
    const elapsedMs = performance.now() - started;
    const conversationWorks = await converse(instances, api, policy);
    const exited = instances
      .filter(({ child }) => child.exitCode !== null || child.signalCode !== null)
      .map(({ id, output }) => `${id}: ${output().slice(-2_000)}`);
    const lateFailures = instances
      .map(({ output }) => output().split("failed after its webhook request").length - 1)
      .reduce((sum, count) => sum + count, 0);
    return {
      updates: total,
      posts: stats.posts,
      retries: stats.retries,
      elapsedMs,
      exited,
      lateFailures,
      conversationWorks,
      inFlightAtStall: inFlightAtStall.size,
      ...(await check(record, scripts, inFlightAtStall)),
    };
  } finally {
    await Promise.all(instances.map((instance) => stop(instance.child, "SIGKILL")));
    await api.stop();
    await proxy.close();
    await redis.stop();
    await record.stop();
  }
}

function chatScripts(options: StallOptions): Update[][] {
  return Array.from({ length: options.chats }, (_, index) => {
    const id = 2_000 + index;
    const chat = new UpdateFactory(
      { from: { id, is_bot: false, first_name: `U${id}` } },
      (index + 1) * 10_000,
    );
    return Array.from({ length: options.perChat }, () => chat.command("/start"));
  });
}

/** /name on the first instance, the name on the second: answered by the first. */
async function converse(
  instances: readonly Instance[],
  api: BotApiServer,
  policy: RetryPolicy,
): Promise<boolean> {
  const chat = new UpdateFactory({ from: { id: 99, is_bot: false, first_name: "Ann" } }, 990_000);
  const stats = { posts: 0, retries: 0 };
  const [first, second] = instances;
  if (first === undefined || second === undefined) return false;
  await deliver([first], chat.command("/name"), policy, stats);
  await deliver([second], chat.text("Ann"), policy, stats);
  return api.calls.some(
    (call) => call.payload.chat_id === 99 && call.payload.text === "Hello, Ann!",
  );
}

async function check(
  record: RedisServer,
  scripts: readonly Update[][],
  inFlightAtStall: ReadonlySet<number>,
) {
  const client = record.client();
  const done = await client.hgetall("done");
  const notCompleted: number[] = [];
  const completedTwice: number[] = [];
  const outOfOrder: number[] = [];
  for (const script of scripts) {
    const chat = script[0]?.message?.chat.id as number;
    for (const { update_id } of script) {
      const count = Number(done[String(update_id)] ?? 0);
      if (count === 0) notCompleted.push(update_id);
      if (count > 1) completedTwice.push(update_id);
    }
    if (!beganInOrder((await client.lrange(`order:${chat}`, 0, -1)).map(Number))) {
      outOfOrder.push(chat);
    }
  }
  const twiceOutsideWindow = completedTwice.filter((id) => !inFlightAtStall.has(id));
  return { notCompleted, completedTwice, twiceOutsideWindow, outOfOrder };
}
