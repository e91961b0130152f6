/**
 * The chaos run: three demo instances (child processes, webhook mode, one Redis), a feeder that
 * posts each chat's updates one after another to random instances with duplicates and retries,
 * one instance killed with SIGKILL mid-burst and restarted; then the checks and a report.
 */
import type { Update } from "@grammyjs/types";
import type { UpdateFactory } from "../../src/testing/updates.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { stop } from "../support/child.js";
import { freePort, type RedisServer, startRedisServer } from "../support/redis-server.js";
import {
  beganInOrder,
  chatScripts,
  deliver,
  type Instance,
  type InstanceEnv,
  type RetryPolicy,
  sleep,
  startInstance,
} from "./fleet.js";

/** How big a run is. */
export interface ChaosOptions {
  readonly chats: number;
  /** Rounds of the per-chat script (each round: /start, /name, the name, a text). */
  readonly rounds: number;
  readonly leaseMs: number;
  /** Of the updates, how many are posted twice (to two instances at once). */
  readonly duplicateRate: number;
}

/** What the run found. */
export interface ChaosReport {
  readonly updates: number;
  readonly posts: number;
  readonly retries: number;
  readonly elapsedMs: number;
  /** Update ids not completed, or completed more than once. */
  readonly notCompleted: number[];
  readonly completedTwice: number[];
  /** Updates whose handling started more than once (interrupted by the kill, then re-run). */
  readonly reRuns: number[];
  /** Chats whose updates began out of order. */
  readonly outOfOrder: number[];
  /** Chats whose ask was on a surviving instance and got no answer to its own reply. */
  readonly unansweredAsks: number[];
  readonly asksOnKilled: number;
  readonly sends: number;
  /** Commands the bot's Redis processed, per update; scripts (EVALSHA) and PUBLISH per update. */
  /** Commands Redis executed, including those run inside Lua scripts (INFO commandstats). */
  readonly redisCommandsPerUpdate: number;
  /** Commands the instances sent (MONITOR, leaving out what scripts ran inside Redis). */
  readonly sentPerUpdate: number;
  readonly scriptsPerUpdate: number;
  readonly publishesPerUpdate: number;
}

/** Runs the chaos scenario and returns what it found; everything it started is stopped. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const redis = await startRedisServer();
  const record = await startRedisServer();
  const api = await startBotApiServer();
  const instances: Instance[] = [];
  try {
    const env: InstanceEnv = {
      redisUrl: `${redis.url}/0`,
      recordUrl: `${record.url}/0`,
      apiUrl: api.url,
      leaseMs: options.leaseMs,
    };
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    instances.push(
      ...(await Promise.all(ports.map((port, i) => startInstance(`i${i}`, port, env)))),
    );
    const scripts = chatScripts(options.chats, rounds(options));
    const total = scripts.reduce((sum, script) => sum + script.length, 0);
    const stats = { posts: 0, retries: 0, done: 0 };
    const before = await commandStats(redis);
    // MONITOR shows each command a client sent, and those scripts run, marked "lua".
    const monitor = await redis.client().monitor();
    let sent = 0;
    monitor.on("monitor", (_time: string, _args: string[], source: string) => {
      if (source !== "lua") sent++;
    });

    const policy: RetryPolicy = {
      attemptTimeoutMs: 10 * options.leaseMs,
      maxAttempts: 50,
      maxRetryingMs: Number.POSITIVE_INFINITY,
      retryDelayMs: () => 10 + Math.random() * 20,
    };
    const post = (update: Update) => deliver(instances, update, policy, stats);

    let killed: Instance | undefined;
    const chaos = async () => {
      while (stats.done < total * 0.4) await sleep(5);
      const victim = instances[1] as Instance;
      killed = victim;
      await stop(victim.child, "SIGKILL");
      await sleep(100);
      instances[1] = await startInstance("i1-restarted", victim.port, env);
    };

    const started = performance.now();
    const feeding = scripts.map(async (script) => {
      for (const update of script) {
        if (Math.random() < options.duplicateRate) await Promise.all([post(update), post(update)]);
        else await post(update);
        stats.done++;
      }
    });
    await Promise.all([...feeding, chaos()]);
    const elapsedMs = performance.now() - started;
    monitor.disconnect();
    const after = await commandStats(redis);
    const checked = await check(record, api, scripts, killed?.id);
    const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) / total;
    return {
      updates: total,
      posts: stats.posts,
      retries: stats.retries,
      elapsedMs,
      ...checked,
      redisCommandsPerUpdate: delta("total"),
      sentPerUpdate: sent / total,
      scriptsPerUpdate: delta("evalsha") + delta("eval"),
      publishesPerUpdate: delta("publish"),
    };
  } finally {
    await Promise.all(instances.map((instance) => stop(instance.child, "SIGKILL")));
    await api.stop();
    await redis.stop();
    await record.stop();
  }
}

/** Each round of a chat: /start, /name, the name, a text. */
function rounds(options: ChaosOptions) {
  return (chat: UpdateFactory): Update[] => {
    const id = chat.origin.chat.id;
    const script: Update[] = [];
    for (let round = 0; round < options.rounds; round++) {
      script.push(chat.command("/start"), chat.command("/name"), chat.text(`Ann${id}r${round}`));
      script.push(chat.text("hello"));
    }
    return script;
  };
}

async function commandStats(server: RedisServer): Promise<Record<string, number>> {
  const client = server.client();
  const info = await client.info("commandstats");
  const stats: Record<string, number> = { total: 0 };
  for (const match of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) {
    const calls = Number(match[2]);
    stats[match[1] as string] = calls;
    stats.total = (stats.total ?? 0) + calls;
  }
  // This INFO itself is one more command; leave it out.
  stats.total = (stats.total ?? 0) - 1;
  stats.info = (stats.info ?? 1) - 1;
  return stats;
}

async function check(
  record: RedisServer,
  api: BotApiServer,
  scripts: readonly Update[][],
  killedId: string | undefined,
) {
  const client = record.client();
  const [started, done, by, firstBy] = await Promise.all([
    client.hgetall("started"),
    client.hgetall("done"),
    client.hgetall("by"),
    client.hgetall("firstBy"),
  ]);
  const notCompleted: number[] = [];
  const completedTwice: number[] = [];
  const reRuns: number[] = [];
  const outOfOrder: number[] = [];
  const unansweredAsks: number[] = [];
  let asksOnKilled = 0;
  const sent = api.calls.filter((call) => call.method === "sendMessage");
  const texts = new Set(sent.map((call) => `${call.payload.chat_id}:${call.payload.text}`));
  for (const script of scripts) {
    const chat = script[0]?.message?.chat.id as number;
    for (const update of script) {
      const id = String(update.update_id);
      const count = Number(done[id] ?? 0);
      if (count === 0) notCompleted.push(update.update_id);
      // Killed after its handlers were done but before its claim was marked handled, the
      // first instance leaves the update to be taken over and run again: a re-run, reported.
      const killedFirst = killedId !== undefined && firstBy[id] === killedId;
      if (count > 1 && !killedFirst) completedTwice.push(update.update_id);
      if (Number(started[id] ?? 0) > 1) reRuns.push(update.update_id);
    }
    // Handling began in update-id order; a re-run repeats the interrupted id in place.
    const began = (await client.lrange(`order:${chat}`, 0, -1)).map(Number);
    if (!beganInOrder(began)) outOfOrder.push(chat);
    for (const [at, update] of script.entries()) {
      if (update.message?.text !== "/name") continue;
      const owner = by[String(update.update_id)];
      if (owner === killedId) {
        asksOnKilled++;
        continue;
      }
      const name = script[at + 1]?.message?.text;
      if (!texts.has(`${chat}:Hello, ${name}!`)) unansweredAsks.push(chat);
    }
  }
  return {
    notCompleted,
    completedTwice,
    reRuns,
    outOfOrder,
    unansweredAsks,
    asksOnKilled,
    sends: sent.length,
  };
}
