/**
 * What a run prints and what it writes to `bench/results/latest.json`.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import type { FigureResult, RowResult } from "./runner.js";
import { formatNumber, formatTable } from "./table.js";

/** The rows table: medians, spread and side metrics. */
export function formatRows(results: readonly RowResult[]): string {
  return formatTable(
    [
      { header: "row" },
      { header: "what" },
      { header: "median", align: "right" },
      { header: "unit" },
      { header: "min–max", align: "right" },
      { header: "n", align: "right" },
      { header: "also (medians)" },
    ],
    results.map((r) => [
      r.name,
      r.label,
      r.error === undefined ? formatNumber(r.median) : "ERROR",
      r.unit,
      r.samples.length === 0 ? "" : `${formatNumber(r.min)}–${formatNumber(r.max)}`,
      String(r.samples.length),
      Object.entries(r.metrics)
        .map(([name, value]) => `${name} ${formatNumber(value)}`)
        .join(", "),
    ]),
  );
}

function formatValue(value: number, unit: string): string {
  return unit === "×" ? `${formatNumber(value)}×` : `${formatNumber(value)} ${unit}`;
}

/**
 * The figures table: each ratio or check (from wall-time medians, and from CPU-time medians where
 * the rows have them), its target and whether the wall-time value meets it.
 */
export function formatFigures(figures: readonly FigureResult[]): string {
  return formatTable(
    [
      { header: "figure" },
      { header: "what" },
      { header: "value", align: "right" },
      { header: "by CPU time", align: "right" },
      { header: "target" },
      { header: "result" },
    ],
    figures.map((f) => [
      f.name,
      f.label,
      formatValue(f.value, f.unit),
      f.cpuValue === undefined ? "" : formatValue(f.cpuValue, f.unit),
      f.target === undefined ? "" : `${f.target.op} ${formatValue(f.target.value, f.unit)}`,
      f.pass === undefined ? "" : f.pass ? "pass" : "FAIL",
    ]),
  );
}

/** Where and how a run happened, so numbers from different machines are not confused. */
export interface RunEnvironment {
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  /** 1-minute load averages at the start and the end: a busy machine makes every row slower. */
  readonly loadAtStart: number;
  readonly loadAtEnd?: number;
}

/** Reads the current environment. */
export function environment(): RunEnvironment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    loadAtStart: loadavg()[0] ?? 0,
  };
}

/** The JSON document of one run. */
export interface BenchReport {
  readonly environment: RunEnvironment;
  readonly argv: readonly string[];
  readonly quick: boolean;
  readonly reps: number;
  readonly seconds: number;
  readonly rows: readonly RowResult[];
  readonly figures: readonly FigureResult[];
}

/** Writes `report` as JSON, creating the directory; NaN and infinities become null. */
export async function writeReport(path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
