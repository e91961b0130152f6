/**
 * Coordination: three instances of one bot sharing one real Redis through `coordinate()`, against
 * one uncoordinated instance, fed by the same feeder in the same run (chunks of 100 updates round
 * robin between the instances, up to 1000 in flight, the next chunk sent as soon as one is done,
 * as a balancer passes requests on), and the Redis round trips each update costs.
 *
 * - `coordinator/threads/…`: each instance on a thread of its own (a worker), as separate
 *   processes behind a balancer would run — the throughput a deployment gets.
 * - `coordinator/inline/…`: every instance on the feeder's own thread — what coordination costs
 *   one thread per update. Its `two-pings` row is one uncoordinated instance that sends two Redis
 *   PINGs per update: what any two round trips cost, against which coordination's own share shows.
 *
 * Every row on Redis starts its own redis-server (untimed), so no marker of an earlier repetition
 * skips its updates; every row warms its instances up before timing. Without redis-server the
 * suite is left out.
 *
 * Runs inside `npm run bench`, or alone (restarting under the bench loader, like bench/run.ts):
 * `npx tsx --conditions=colloquy-src bench/suites/coordinator.ts [--quick] [--reps N]`.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Update } from "@grammyjs/types";
import { Bot } from "grammy";
import { coordinate } from "../../src/adapters/grammy/coordinate.js";
import { RedisCoordinator } from "../../src/coordinators/redis.js";
import { BENCH_NODE_FLAGS } from "../harness/child.js";
import { check, ratio } from "../harness/figures.js";
import { formatFigures, formatRows } from "../harness/report.js";
import { computeFigures, runRows } from "../harness/runner.js";
import type { BenchRow, BenchSuite, Figure, MeasureContext, Sample } from "../harness/types.js";
import { benchBotInfo } from "../stubs/bot-api.js";
import { stubFetch } from "../stubs/grammy-fetch.js";
import { makeUsers } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";
import { countingClient, ifRedis, withRedis } from "./redis-server.js";

/** How many updates an instance replied to, and the Redis commands it sent. */
interface Counts {
  readonly replies: number;
  readonly commands: number;
}

/** One bot instance, wherever it runs. */
interface Instance {
  /** Handles a batch of updates concurrently; resolves when every one is done. */
  handle(updates: readonly Update[]): Promise<Counts>;
  close(): Promise<void>;
}

/** What an instance does around its handler: nothing, `coordinate()`, or two Redis PINGs. */
type Kind = "uncoordinated" | "coordinated" | "two-pings";

/** A bot that replies to every text, of `kind`, with the Redis on `redisPort` when it needs one. */
function localInstance(kind: Kind, redisPort: number | undefined): Instance {
  const bot = new Bot("42:bench", { botInfo: benchBotInfo, client: { fetch: stubFetch } });
  const redis = redisPort === undefined ? undefined : countingClient(redisPort);
  if (redis !== undefined && kind === "coordinated") {
    bot.use(coordinate(new RedisCoordinator({ client: redis.client })));
  } else if (redis !== undefined) {
    bot.use(async (_ctx, next) => {
      await redis.client.ping();
      await next();
      await redis.client.ping();
    });
  }
  let replies = 0;
  bot.on("message:text", async (ctx) => {
    await ctx.reply("Hello!");
    replies++;
  });
  return {
    async handle(updates) {
      await Promise.all(updates.map((update) => bot.handleUpdate(update)));
      return { replies, commands: redis?.commands() ?? 0 };
    },
    async close() {
      await redis?.client.quit();
    },
  };
}

/** A {@link localInstance} on a worker thread: messages carry the batches and the counts. */
function threadInstance(kind: Kind, redisPort: number | undefined): Instance {
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { kind, redisPort } });
  const pending: ((counts: Counts) => void)[] = [];
  worker.on("message", (counts: Counts) => pending.shift()?.(counts));
  return {
    handle(updates) {
      return new Promise((resolve) => {
        pending.push(resolve);
        worker.postMessage(updates);
      });
    },
    async close() {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.postMessage("close");
      await exited;
    },
  };
}

async function serveOnThisThread(kind: Kind, redisPort: number | undefined): Promise<void> {
  const instance = localInstance(kind, redisPort);
  parentPort?.on("message", async (message: readonly Update[] | "close") => {
    if (message === "close") {
      await instance.close();
      parentPort?.close();
      return;
    }
    parentPort?.postMessage(await instance.handle(message));
  });
}

/** How many updates travel to an instance together, and how many are in flight at most. */
const CHUNK = 100;
const WINDOW = 1000;

/**
 * `total` updates from `users` users in chunks of {@link CHUNK}, one update per user per round, so
 * no user has two updates in flight while users ≥ {@link WINDOW}. Built before the clock starts.
 */
function prepare(users: number, total: number, firstId: number): Update[][] {
  const senders = makeUsers(users, firstId);
  const chunks: Update[][] = [];
  for (let sent = 0; sent < total; sent += CHUNK) {
    const size = Math.min(CHUNK, total - sent);
    chunks.push(
      Array.from({ length: size }, (_, i) => senders[(sent + i) % users]?.text("hi") as Update),
    );
  }
  return chunks;
}

/**
 * Feeds the chunks as a balancer would: round robin over the instances, up to {@link WINDOW}
 * updates in flight, the next chunk sent as soon as one is done — no instance waits for the
 * others. Resolves with the counts summed over the instances.
 */
async function feed(instances: readonly Instance[], chunks: readonly Update[][]): Promise<Counts> {
  const latest: Counts[] = instances.map(() => ({ replies: 0, commands: 0 }));
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) {
      const at = next++;
      const target = at % instances.length;
      const counts = await instances[target]?.handle(chunks[at] ?? []);
      // Counts are running totals per instance; the last one answered is the highest.
      if (counts !== undefined && counts.replies > (latest[target]?.replies ?? 0)) {
        latest[target] = counts;
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW / CHUNK }, lane));
  return {
    replies: latest.reduce((sum, c) => sum + c.replies, 0),
    commands: latest.reduce((sum, c) => sum + c.commands, 0),
  };
}

/** Starts `count` instances, warms them up, then times `total` updates. */
async function measureInstances(
  context: MeasureContext,
  count: number,
  kind: Kind,
  threads: boolean,
  redisPort?: number,
): Promise<Sample> {
  // Ten times the window, so a user's next update is sent long after the previous one is done.
  const users = context.size(10 * WINDOW, 2 * WINDOW);
  const total = context.size(20_000, 1000);
  const start = threads ? threadInstance : localInstance;
  const instances = Array.from({ length: count }, () => start(kind, redisPort));
  try {
    // Warms the JIT of fresh threads, the same number of updates for each instance (each thread
    // compiles its own code), and teaches Redis the scripts (their first run sends them).
    const warmup = count * context.size(5_000, 100);
    const before = await feed(instances, prepare(users, warmup, 8_000_000));
    const chunks = prepare(users, total, 1_000_000);
    const cpu = process.cpuUsage();
    const startedAt = performance.now();
    const after = await feed(instances, chunks);
    const wallMs = performance.now() - startedAt;
    const used = process.cpuUsage(cpu);
    expectCount("replies", after.replies - before.replies, total);
    const trips = (after.commands - before.commands) / total;
    const extra = redisPort === undefined ? {} : { trips };
    return perUpdate({ wallMs, cpuMs: (used.user + used.system) / 1000 }, total, extra);
  } finally {
    await Promise.all(instances.map((instance) => instance.close()));
  }
}

const who: Record<Kind, string> = {
  uncoordinated: "one uncoordinated instance",
  coordinated: "three instances on one Redis",
  "two-pings": "one uncoordinated instance, two Redis PINGs per update",
};

function row(place: "threads" | "inline", kind: Kind): BenchRow {
  const count = kind === "coordinated" ? 3 : 1;
  const where = place === "threads" ? "a thread each" : "all on the feeder's thread";
  const name = { uncoordinated: "single", coordinated: "three", "two-pings": "two-pings" }[kind];
  return {
    name: `coordinator/${place}/${name}`,
    label: `${who[kind]}, ${where}, ${WINDOW} in flight`,
    unit: "µs/update",
    // Each repetition starts fresh instances and warms them itself.
    warmup: false,
    measure(context) {
      const threads = place === "threads";
      if (kind === "uncoordinated") return measureInstances(context, count, kind, threads);
      return withRedis((server) => measureInstances(context, count, kind, threads, server.port));
    },
  };
}

const figures: readonly Figure[] = [
  // Throughput is the inverse of time per update: three/one in throughput is one/three in time.
  ratio(
    "coord x3",
    "throughput of 3 coordinated instances over 1 uncoordinated, a thread each",
    "coordinator/threads/single",
    "coordinator/threads/three",
    { op: ">=", value: 0.5 },
  ),
  ratio(
    "coord inline",
    "throughput of 3 coordinated instances over 1 uncoordinated, on one thread",
    "coordinator/inline/single",
    "coordinator/inline/three",
  ),
  ratio(
    "coord/pings",
    "throughput of 3 coordinated instances over 1 doing two Redis PINGs, on one thread",
    "coordinator/inline/two-pings",
    "coordinator/inline/three",
  ),
  check("coord trips", "Redis round trips per update", "coordinator/threads/three#trips", "", {
    op: "<=",
    value: 2,
  }),
];

/** The coordinator rows and their figures; none without redis-server. */
export function coordinatorSuite(): BenchSuite {
  const rows = ifRedis("the coordinator rows (coordinator/*)", [
    row("threads", "uncoordinated"),
    row("threads", "coordinated"),
    row("inline", "uncoordinated"),
    row("inline", "coordinated"),
    row("inline", "two-pings"),
  ]);
  return { name: "coordinator", rows, figures: rows.length === 0 ? [] : figures };
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const repsAt = argv.indexOf("--reps");
  const reps = repsAt < 0 ? 5 : Number(argv[repsAt + 1]);
  const suite = coordinatorSuite();
  const results = await runRows(suite.rows, { reps, quick });
  console.log(formatRows(results));
  console.log();
  console.log(formatFigures(computeFigures(suite.figures ?? [], results)));
}

const self = fileURLToPath(import.meta.url);
if (!isMainThread) {
  const { kind, redisPort } = workerData as { kind: Kind; redisPort?: number };
  await serveOnThisThread(kind, redisPort);
} else if (process.argv[1] === self && process.env.COLLOQUY_BENCH_LOADER === "1") {
  await main(process.argv.slice(2));
} else if (process.argv[1] === self) {
  // Measure the sources as they ship: without tsx's `__name` wrappers (see bench/run.ts).
  const child = spawn(process.execPath, [...BENCH_NODE_FLAGS, self, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  child.on("exit", (code) => {
    process.exitCode = code ?? 1;
  });
}
