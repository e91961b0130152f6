/**
 * The fault scenarios: three demo instances (child processes, webhook mode) on one Redis, reached
 * directly or through a TCP proxy. In the middle of a burst of /start a fault strikes — the proxy
 * holds every byte for a while (a stall), or Redis is killed and started again (an outage); the
 * feeder retries each failed delivery, as Telegram does, for up to a minute. Then a /name
 * conversation crosses instances, and the checks run.
 */
import type { Update } from "@grammyjs/types";
import { UpdateFactory } from "../../src/testing/updates.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { stop } from "../support/child.js";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { type RestartableRedis, startRestartableRedis } from "../support/restartable-redis.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import {
  beganInOrder,
  chatScripts,
  deliver,
  type FeedStats,
  type Instance,
  type RetryPolicy,
  sleep,
  startInstance,
} from "./fleet.js";

/** One burst with a fault in it. */
export interface BurstOptions {
  readonly chats: number;
  /** /start updates per chat, posted one after another. */
  readonly perChat: number;
}

/** What strikes once a third of a burst's updates are done; resolves when it is over. */
export type Fault = (cluster: FaultTargets) => Promise<void>;

/** What a fault can act on. */
export interface FaultTargets {
  /** The bot's Redis. */
  readonly redis: RestartableRedis;
  /** The proxy between the instances and Redis; `undefined` when they connect directly. */
  readonly proxy: TcpProxy | undefined;
}

/** Holds Redis's traffic in the proxy for `ms`. */
export const stall =
  (ms: number): Fault =>
  async ({ proxy }) => {
    if (proxy === undefined) throw new Error("a stall needs a cluster started with a proxy");
    await proxy.stall(ms);
  };

/** Kills Redis (SIGKILL) and starts it again on the same port and data `downMs` later. */
export const outage =
  (downMs: number): Fault =>
  async ({ redis }) => {
    await redis.kill();
    await sleep(downMs);
    await redis.start();
  };

/** What a burst found. */
export interface BurstReport {
  readonly updates: number;
  readonly posts: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** Instances no longer running at the end, with what they printed last. */
  readonly exited: string[];
  /** Updates whose handlers never completed. */
  readonly notCompleted: number[];
  /** Updates whose handlers completed (returned) more than once. */
  readonly completedTwice: number[];
  /** Runs whose handlers threw (fenced off by a lost lease, say) and were handled again. */
  readonly failedRuns: number;
  /**
   * Of those, the ones outside the crash window: a duplicate needs a claim granted before the
   * fault whose finish the fault held or lost, so its request was in flight when it began.
   */
  readonly twiceOutsideWindow: number[];
  /** Updates in flight when the fault began: at most one per chat. */
  readonly inFlightAtFault: number;
  /** Requests answered with an error status (5xx) while the fault lasted, and after. */
  readonly failedAnswers: number;
  /** The longest any request took to be answered, 2xx or not, in milliseconds. */
  readonly slowestAnswerMs: number;
  /** From the fault's end to the last update accepted, in milliseconds. */
  readonly drainedAfterMs: number;
  /** Chats whose updates began out of order. */
  readonly outOfOrder: number[];
  /** Requests the instances failed at the webhook's timeout. */
  readonly timedOut: number;
  /** Handling that failed after its request had timed out, logged by the instances. */
  readonly lateFailures: number;
  /** Whether /name on one instance was answered through another afterwards. */
  readonly conversationWorks: boolean;
}

/** Three instances on one Redis, for one burst after another. */
export interface FaultCluster {
  burst(options: BurstOptions, fault: Fault): Promise<BurstReport>;
  stop(): Promise<void>;
}

/** How a cluster is set up. */
export interface FaultClusterOptions {
  /** Whether the instances reach Redis through a proxy that can stall. */
  readonly proxy: boolean;
}

/** Retries for up to a minute, as Telegram does; a request may take as long as the webhook. */
const retrying = {
  attemptTimeoutMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxRetryingMs: 60_000,
  retryDelayMs: () => 100 + Math.random() * 200,
};

/** Starts the cluster: the coordinator's defaults (5 s lease, 8 s wait), a 10 s webhook timeout. */
export async function startFaultCluster(options: FaultClusterOptions): Promise<FaultCluster> {
  const redis = await startRestartableRedis();
  const record = await startRedisServer();
  const proxy = options.proxy ? await startTcpProxy(redis.port) : undefined;
  const api = await startBotApiServer();
  const env = {
    redisUrl: `redis://127.0.0.1:${proxy?.port ?? redis.port}/0`,
    recordUrl: `${record.url}/0`,
    apiUrl: api.url,
    leaseMs: 5_000,
  };
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const instances = await Promise.all(ports.map((port, i) => startInstance(`i${i}`, port, env)));
  // An instance that dies ends the burst at once, with what it printed, rather than a minute of
  // retries later.
  const halted = new AbortController();
  for (const { id, child, output } of instances) {
    child.once("exit", () => halted.abort(new Error(`${id} exited:\n${output().slice(-3_000)}`)));
  }
  const policy: RetryPolicy = { ...retrying, signal: halted.signal };
  let bursts = 0;
  return {
    burst: (options, fault) =>
      burst(
        { instances, redis, proxy, record, api, policy, first: bursts++ * options.chats },
        options,
        fault,
      ),
    async stop() {
      await Promise.all(instances.map((instance) => stop(instance.child, "SIGKILL")));
      await api.stop();
      await proxy?.close();
      await redis.stop();
      await record.stop();
    },
  };
}

interface Cluster extends FaultTargets {
  readonly instances: readonly Instance[];
  readonly record: RedisServer;
  readonly api: BotApiServer;
  readonly policy: RetryPolicy;
  /** The first chat of this burst: each burst has chats of its own. */
  readonly first: number;
}

async function burst(cluster: Cluster, options: BurstOptions, fault: Fault): Promise<BurstReport> {
  const { instances, policy } = cluster;
  const printedBefore = instances.map(({ output }) => output().length);
  const printed = (text: string) =>
    instances
      .map(({ output }, i) => output().slice(printedBefore[i]).split(text).length - 1)
      .reduce((sum, count) => sum + count, 0);
  const scripts = chatScripts(
    options.chats,
    (chat) => Array.from({ length: options.perChat }, () => chat.command("/start")),
    cluster.first,
  );
  const total = scripts.length * options.perChat;
  const stats: FeedStats & { done: number } = { posts: 0, retries: 0, done: 0, answers: [] };
  const inFlight = new Set<number>();
  let inFlightAtFault = new Set<number>();
  let faultEnded = 0;
  const strike = async () => {
    while (stats.done < total / 3) {
      policy.signal?.throwIfAborted();
      await sleep(5);
    }
    inFlightAtFault = new Set(inFlight);
    await fault(cluster);
    faultEnded = performance.now();
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
  await Promise.all([...feeding, strike()]);
  const elapsedMs = performance.now() - started;
  const drainedAfterMs = performance.now() - faultEnded;
  const answers = stats.answers ?? [];
  const conversationWorks = await converse(cluster, 90 + cluster.first);
  return {
    updates: total,
    posts: stats.posts,
    retries: stats.retries,
    elapsedMs,
    exited: instances
      .filter(({ child }) => child.exitCode !== null || child.signalCode !== null)
      .map(({ id, output }) => `${id}: ${output().slice(-2_000)}`),
    timedOut: printed("WebhookTimeoutError"),
    lateFailures: printed("failed after its webhook request"),
    conversationWorks,
    inFlightAtFault: inFlightAtFault.size,
    failedAnswers: answers.filter(({ status }) => status >= 500).length,
    slowestAnswerMs: Math.max(0, ...answers.map(({ ms }) => ms)),
    drainedAfterMs,
    ...(await check(cluster.record, scripts, inFlightAtFault)),
  };
}

/** /name on the first instance, the name on the second: answered by the first. */
async function converse(cluster: Cluster, user: number): Promise<boolean> {
  const from = { id: user, is_bot: false, first_name: "Ann" };
  const chat = new UpdateFactory({ from }, 1_000_000_000 + user * 10);
  const stats = { posts: 0, retries: 0 };
  const [first, second] = cluster.instances;
  if (first === undefined || second === undefined) return false;
  await deliver([first], chat.command("/name"), cluster.policy, stats);
  await deliver([second], chat.text("Ann"), cluster.policy, stats);
  return cluster.api.calls.some(
    (call) => call.payload.chat_id === user && call.payload.text === "Hello, Ann!",
  );
}

async function check(
  record: RedisServer,
  scripts: readonly Update[][],
  inFlightAtFault: ReadonlySet<number>,
) {
  const client = record.client();
  const done = await client.hgetall("done");
  const failed = await client.hgetall("failed");
  const notCompleted: number[] = [];
  const completedTwice: number[] = [];
  const outOfOrder: number[] = [];
  let failedRuns = 0;
  for (const script of scripts) {
    const chat = script[0]?.message?.chat.id as number;
    for (const { update_id } of script) {
      failedRuns += Number(failed[String(update_id)] ?? 0);
      const count = Number(done[String(update_id)] ?? 0);
      if (count === 0) notCompleted.push(update_id);
      if (count > 1) completedTwice.push(update_id);
    }
    if (!beganInOrder((await client.lrange(`order:${chat}`, 0, -1)).map(Number))) {
      outOfOrder.push(chat);
    }
  }
  const twiceOutsideWindow = completedTwice.filter((id) => !inFlightAtFault.has(id));
  return { notCompleted, completedTwice, failedRuns, twiceOutsideWindow, outOfOrder };
}
