/**
 * Runs rows in interleaved repetitions (every row once, then every row again, ...) so that a
 * slow spell of a shared machine spreads over all rows instead of skewing one, and reduces
 * each row to medians.
 *
 * @module
 */
import { meets, rowOf } from "./figures.js";
import { median, range } from "./stats.js";
import type { BenchRow, Figure, MeasureContext, Sample } from "./types.js";

/** Options of {@link runRows}. */
export interface RunOptions {
  /** Timed repetitions per row, unless the row asks for fewer or more. */
  readonly reps: number;
  /** Tiny sizes and no warm-up: a smoke run. */
  readonly quick: boolean;
  /** Called after every repetition of a row (progress output). */
  readonly onSample?: (event: SampleEvent) => void;
  /** Called before every measurement, e.g. to collect garbage so rows start alike. */
  readonly beforeEach?: () => void;
}

/** One finished repetition, for progress output. */
export interface SampleEvent {
  readonly row: BenchRow;
  /** 0 for the warm-up repetition, then 1, 2, ... */
  readonly rep: number;
  readonly reps: number;
  readonly sample?: Sample;
  readonly error?: unknown;
}

/** A row's repetitions and their medians. */
export interface RowResult {
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  readonly samples: readonly Sample[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Medians of the side metrics, by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Why the row stopped, if a repetition threw. */
  readonly error?: string;
}

/** A figure's value from the rows' medians, and whether it meets its target. */
export interface FigureResult {
  readonly name: string;
  readonly label: string;
  readonly value: number;
  /**
   * The same figure from the rows' CPU time (`row#cpu`) instead of wall time, when every input
   * is a row that records it: on a busy machine it is the steadier of the two.
   */
  readonly cpuValue?: number;
  readonly unit: string;
  readonly target?: Figure["target"];
  /** `undefined` when the figure has no target or its inputs are missing. */
  readonly pass: boolean | undefined;
}

function contextFor(quick: boolean, warmup: boolean): MeasureContext {
  return {
    quick,
    warmup,
    size: (full, small) => {
      const base = quick ? small : full;
      return warmup ? Math.max(small, Math.round(base / 10)) : base;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Measures every row `reps` times (a row's own `reps` wins), interleaved, after one untimed
 * warm-up round at a tenth of the size (not under `quick`). A row whose repetition throws is
 * not repeated; its error is kept in the result.
 */
export async function runRows(
  rows: readonly BenchRow[],
  options: RunOptions,
): Promise<RowResult[]> {
  const samples = new Map<string, Sample[]>(rows.map((row) => [row.name, []]));
  const errors = new Map<string, string>();
  const repsOf = (row: BenchRow) => Math.max(1, options.quick ? 1 : (row.reps ?? options.reps));
  const rounds = Math.max(...rows.map(repsOf), 0);
  for (let rep = options.quick ? 1 : 0; rep <= rounds; rep++) {
    for (const row of rows) {
      if (errors.has(row.name) || rep > repsOf(row)) continue;
      if (rep === 0 && row.warmup === false) continue;
      options.beforeEach?.();
      try {
        const sample = await row.measure(contextFor(options.quick, rep === 0));
        if (rep > 0) samples.get(row.name)?.push(sample);
        options.onSample?.({ row, rep, reps: repsOf(row), sample });
      } catch (error) {
        errors.set(row.name, describe(error));
        options.onSample?.({ row, rep, reps: repsOf(row), error });
      }
    }
  }
  return rows.map((row) => summarize(row, samples.get(row.name) ?? [], errors.get(row.name)));
}

function summarize(row: BenchRow, samples: readonly Sample[], error?: string): RowResult {
  const values = samples.map((s) => s.value);
  const names = new Set(samples.flatMap((s) => Object.keys(s.metrics ?? {})));
  const metrics: Record<string, number> = {};
  for (const name of names) {
    metrics[name] = median(samples.flatMap((s) => s.metrics?.[name] ?? []));
  }
  return {
    name: row.name,
    label: row.label,
    unit: row.unit,
    samples,
    median: median(values),
    ...range(values),
    metrics,
    ...(error === undefined ? {} : { error }),
  };
}

/** The median a figure input names: a row's, or `row#metric`'s; NaN when missing. */
export function inputValue(results: readonly RowResult[], input: string): number {
  const result = results.find((r) => r.name === rowOf(input));
  if (result === undefined) return Number.NaN;
  const hash = input.indexOf("#");
  return hash < 0 ? result.median : (result.metrics[input.slice(hash + 1)] ?? Number.NaN);
}

/** Computes figures from row results and checks them against their targets. */
export function computeFigures(
  figures: readonly Figure[],
  results: readonly RowResult[],
): FigureResult[] {
  return figures.map((figure) => {
    const value = figure.compute(figure.inputs.map((input) => inputValue(results, input)));
    const known = Number.isFinite(value);
    const cpuInputs = figure.inputs.map((input) =>
      input.includes("#") ? Number.NaN : inputValue(results, `${input}#cpu`),
    );
    const cpuValue = cpuInputs.every(Number.isFinite) ? figure.compute(cpuInputs) : undefined;
    return {
      name: figure.name,
      label: figure.label,
      value,
      ...(cpuValue === undefined ? {} : { cpuValue }),
      unit: figure.unit,
      ...(figure.target === undefined ? {} : { target: figure.target }),
      pass: figure.target === undefined || !known ? undefined : meets(value, figure.target),
    };
  });
}
