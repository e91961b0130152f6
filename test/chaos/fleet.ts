/**
 * What every chaos run shares: demo instances as child processes (`instance.ts`), a feeder that
 * posts updates as Telegram does — to one instance, and on failure again to another — and the
 * order check on what the instances recorded.
 */
import type { ChildProcess } from "node:child_process";
import type { Update } from "@grammyjs/types";
import { UpdateFactory } from "../../src/testing/updates.js";
import { collect, spawnTs, waitForOutput } from "../support/child.js";

/** One running instance. */
export interface Instance {
  readonly id: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** What it printed so far, stdout and stderr together. */
  readonly output: () => string;
}

/** Where an instance finds its services, and its coordination lease. */
export interface InstanceEnv {
  /** The bot's Redis: storage, coordination, cross-instance asks. */
  readonly redisUrl: string;
  /** The Redis the recorder logs claimed updates to, apart from the bot's. */
  readonly recordUrl: string;
  readonly apiUrl: string;
  readonly leaseMs: number;
}

const SECRET = "chaos";

/** Starts `instance.ts` as `id` on `port`; resolves once it serves. */
export async function startInstance(id: string, port: number, env: InstanceEnv): Promise<Instance> {
  const child = spawnTs("test/chaos/instance.ts", {
    env: {
      REDIS_URL: env.redisUrl,
      RECORD_URL: env.recordUrl,
      TELEGRAM_API_ROOT: env.apiUrl,
      WEBHOOK_PORT: String(port),
      INSTANCE_ID: id,
      LEASE_MS: String(env.leaseMs),
    },
  });
  const output = collect(child.stdout, child.stderr);
  await waitForOutput(child, " ready", id);
  return { id, port, child, output };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** How a feeder retries. */
export interface RetryPolicy {
  /** How long one request may take before the feeder gives up on it and retries. */
  readonly attemptTimeoutMs: number;
  /** Attempts before the update counts as never accepted. */
  readonly maxAttempts: number;
  /** Or how long, from the first attempt, retries go on. */
  readonly maxRetryingMs: number;
  /** The pause before a retry. */
  readonly retryDelayMs: () => number;
  /** Stops retrying, with its reason, when it aborts. */
  readonly signal?: AbortSignal;
}

/** Counts of a feeder's requests. */
export interface FeedStats {
  posts: number;
  retries: number;
  /** When given, each request that got an HTTP answer: its status and how long it took. */
  answers?: { status: number; ms: number }[];
}

/**
 * Posts `update` like Telegram: to a random instance of `instances` (read at each attempt, so a
 * restarted one is used), and on failure again to another, until one answers 2xx.
 */
export async function deliver(
  instances: readonly Instance[],
  update: Update,
  policy: RetryPolicy,
  stats: FeedStats,
): Promise<void> {
  const started = performance.now();
  let last: number | undefined;
  for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
    policy.signal?.throwIfAborted();
    let pick = Math.floor(Math.random() * instances.length);
    if (pick === last) pick = (pick + 1) % instances.length;
    last = pick;
    const target = instances[pick] as Instance;
    stats.posts++;
    const sentAt = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${target.port}/`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(update),
        signal: AbortSignal.any([
          AbortSignal.timeout(policy.attemptTimeoutMs),
          ...(policy.signal === undefined ? [] : [policy.signal]),
        ]),
      });
      await response.arrayBuffer();
      stats.answers?.push({ status: response.status, ms: performance.now() - sentAt });
      if (response.ok) return;
    } catch {
      // Refused, reset or too slow: Telegram tries again.
    }
    if (performance.now() - started > policy.maxRetryingMs) break;
    stats.retries++;
    await sleep(policy.retryDelayMs());
  }
  throw new Error(`update ${update.update_id} was never accepted`);
}

/**
 * The updates of `chats` chats (numbered from `first`), each in the order its chat sends them:
 * `write` makes them with the chat's factory, whose update ids rise within the chat and never
 * meet another chat's.
 */
export function chatScripts(
  chats: number,
  write: (chat: UpdateFactory) => Update[],
  first = 0,
): Update[][] {
  return Array.from({ length: chats }, (_, at) => {
    const index = first + at;
    const id = 1_000 + index;
    const from = { id, is_bot: false, first_name: `U${id}` };
    return write(new UpdateFactory({ from }, (index + 1) * 10_000));
  });
}

/** Whether handling began in update-id order; a re-run repeats an id in place, and is ignored. */
export function beganInOrder(began: readonly number[]): boolean {
  const firsts = began.filter((id, at) => began.indexOf(id) === at);
  return firsts.every((id, at) => at === 0 || id > (firsts[at - 1] ?? 0));
}

/** The number in environment variable `name`, or `fallback` when it is unset: a run's size. */
export const envNumber = (name: string, fallback: number): number =>
  Number(process.env[name] ?? fallback);
