/**
 * The benchmark command: picks rows by the filters given, runs them in interleaved repetitions,
 * prints the rows and the figures with their targets, and writes bench/results/latest.json.
 *
 * ```
 * npm run bench                    # everything, 5 repetitions (a few minutes)
 * npm run bench -- --quick         # every row once at tiny sizes: a smoke run
 * npm run bench -- heap            # rows whose name (or suite) contains "heap"
 * npm run bench -- "c/f k20" b/a   # the rows these figures need
 * npm run bench -- --list          # row and figure names
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { collectGarbage } from "./harness/gc.js";
import { BenchRegistry } from "./harness/registry.js";
import { environment, formatFigures, formatRows, writeReport } from "./harness/report.js";
import { computeFigures, runRows } from "./harness/runner.js";
import { formatNumber } from "./harness/table.js";
import { suites } from "./suites/index.js";

const DEFAULT_OUT = fileURLToPath(new URL("./results/latest.json", import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string", default: "5" },
    list: { type: "boolean", default: false },
    out: { type: "string", default: DEFAULT_OUT },
  },
});

const registry = new BenchRegistry();
for (const suite of suites) registry.add(suite);
const selection = registry.select(positionals);

if (values.list) {
  for (const suite of registry.suites) {
    console.log(`${suite.name}:`);
    for (const row of suite.rows) console.log(`  row     ${row.name}  — ${row.label}`);
    for (const figure of suite.figures ?? []) console.log(`  figure  ${figure.name}`);
  }
  process.exit(0);
}
if (selection.rows.length === 0) {
  console.error(`bench: no row matches ${positionals.join(", ")}; try --list`);
  process.exit(2);
}

const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`bench: --reps wants a positive integer`);
const env = environment();
const started = performance.now();
console.error(
  `bench: ${selection.rows.length} rows, ${values.quick ? "quick" : `${reps} repetitions`}, ` +
    `${env.node} on ${env.cores}× ${env.cpu}, load ${env.loadAtStart.toFixed(1)}`,
);

if (values.quick) console.error("bench: --quick uses tiny sizes; its numbers are not comparable");
const results = await runRows(selection.rows, {
  reps,
  quick: values.quick,
  beforeEach: collectGarbage,
  onSample: ({ row, rep, reps: total, sample, error }) => {
    const what = rep === 0 ? "warm-up" : `${rep}/${total}`;
    const value = sample === undefined ? `ERROR ${String(error)}` : formatNumber(sample.value);
    console.error(`  [${what}] ${row.name}  ${value} ${sample === undefined ? "" : row.unit}`);
  },
});
const figures = computeFigures(selection.figures, results);
const seconds = (performance.now() - started) / 1000;
const loadAtEnd = environment().loadAtStart;

console.log(formatRows(results));
console.log();
console.log(formatFigures(figures));
const failed = figures.filter((f) => f.pass === false).length;
const passed = figures.filter((f) => f.pass === true).length;
console.log();
console.log(
  `targets: ${passed} pass, ${failed} fail · ${seconds.toFixed(0)} s · ` +
    `load ${env.loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} on ${env.cores} cores`,
);
for (const result of results) {
  if (result.error !== undefined) console.error(`\n${result.name} failed:\n${result.error}`);
}

await writeReport(values.out, {
  environment: { ...env, loadAtEnd },
  argv: process.argv.slice(2),
  quick: values.quick,
  reps,
  seconds,
  rows: results,
  figures,
});
console.error(`bench: wrote ${values.out}`);
