/**
 * Heap per waiting conversation, each figure from a fresh process (bench/heap-child.ts), at
 * depth 0, 10 and 40 (answered questions so far), next to what grammY itself costs: one kept
 * context, and the smallest possible await-in-a-handler `ask` (the floor).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { runChild } from "../harness/child.js";
import { check } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure } from "../harness/types.js";

const CHILD = fileURLToPath(new URL("../heap-child.ts", import.meta.url));
const DEPTHS = [0, 10, 40] as const;
const UNIT = "B/conversation";
/**
 * V8 flushes the bytecode of functions idle for a few collections; the forced collections
 * around a measurement would then count recompiled (or dropped) bytecode as conversation data.
 */
const HEAP_FLAGS = ["--no-flush-bytecode"];

interface HeapRow {
  readonly scenario: string;
  readonly depth: number;
  readonly label: string;
  /** Conversations measured (full size); the slow peers run fewer. */
  readonly count: number;
  readonly reps?: number;
}

function heapRow({ scenario, depth, label, count, reps }: HeapRow): BenchRow {
  return {
    name: scenario === "grammy-context" ? "heap/grammy-context" : `heap/${scenario}/d${depth}`,
    label,
    unit: UNIT,
    warmup: false,
    ...(reps === undefined ? {} : { reps }),
    async measure(context) {
      const n = context.size(count, Math.min(count, 100));
      const result = (await runChild(CHILD, [scenario, String(depth), String(n)], HEAP_FLAGS)) as {
        bytesPerConversation: number;
        storageBytesPerConversation?: number;
      };
      const storage = result.storageBytesPerConversation;
      return {
        value: result.bytesPerConversation,
        ...(storage === undefined ? {} : { metrics: { "storage B": storage } }),
      };
    },
  };
}

// Heap figures move little between repetitions: colloquy's and the floor it is held against get
// three, the peers' and the context's one.
const rows: HeapRow[] = [
  { scenario: "grammy-context", depth: 0, label: "one kept grammY context", count: 1000, reps: 1 },
  ...DEPTHS.map((depth) => ({
    scenario: "floor",
    depth,
    label: `smallest await-in-handler ask, depth ${depth}`,
    count: depth > 10 ? 500 : 1000,
    reps: 3,
  })),
  ...DEPTHS.map((depth) => ({
    scenario: "colloquy",
    depth,
    label: `colloquy, waiting at depth ${depth}`,
    count: depth > 10 ? 500 : 1000,
    reps: 3,
  })),
  ...[0, 40].map((depth) => ({
    scenario: "conversations",
    depth,
    label: `conversations v2, waiting at depth ${depth}`,
    count: depth === 0 ? 200 : 40,
    reps: 1,
  })),
  { scenario: "telegraf", depth: 40, label: "Telegraf wizard, at step 40", count: 1000, reps: 1 },
  ...["memory", "sqlite"].map((storage) => ({
    scenario: `hibernated-${storage}`,
    depth: 0,
    label: `durable conversation() hibernated in ${storage} storage (maxLive 100)`,
    count: 100_000,
    reps: 1,
  })),
];

const figures: Figure[] = [
  ...DEPTHS.flatMap((depth): Figure[] => [
    check(`heap d${depth}`, "colloquy heap per waiting ask", `heap/colloquy/d${depth}`, UNIT, {
      op: "<=",
      value: 2048,
    }),
    {
      name: `heap share d${depth}`,
      label: "colloquy over the floor: the plugin's own share",
      inputs: [`heap/colloquy/d${depth}`, `heap/floor/d${depth}`],
      compute: ([ours = Number.NaN, floor = Number.NaN]) => ours - floor,
      unit: UNIT,
    },
  ]),
  check(
    "heap hibernated sqlite",
    "durable conversation hibernated in SQLite: heap per conversation",
    "heap/hibernated-sqlite/d0",
    UNIT,
    { op: "<=", value: 300 },
  ),
];

/** Heap rows and the ≤ 2 KB per waiting ask target. */
export const heapSuite: BenchSuite = { name: "heap", rows: rows.map(heapRow), figures };
