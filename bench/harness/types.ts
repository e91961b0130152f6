/**
 * The shapes of the benchmark harness: suites contribute named rows (measurements) and figures
 * (ratios and checks computed from the rows' medians, optionally against a target).
 *
 * @module
 */

/** What one repetition of a row measured: its value, plus any named side metrics. */
export interface Sample {
  readonly value: number;
  /** Further numbers of the same repetition (`cpu`, `lastOverFirst`, ...); medians are kept too. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** What a row is told about the repetition it runs in. */
export interface MeasureContext {
  /** `--quick`: a smoke run with tiny sizes. */
  readonly quick: boolean;
  /** The untimed first repetition that warms the JIT; its sample is discarded. */
  readonly warmup: boolean;
  /**
   * The size to use: `full` normally, `quick` under `--quick`, and a tenth of the current size
   * (at least `quick`) in the warm-up repetition.
   */
  size(full: number, quick: number): number;
}

/** One measurement, repeated and reduced to its median. */
export interface BenchRow {
  /** Unique, `/`-separated, e.g. `colloquy/ask/k20/seq`; command-line filters match it. */
  readonly name: string;
  /** What is measured, for the table, e.g. `(c) colloquy ask, K=20, one at a time`. */
  readonly label: string;
  /** The value's unit, e.g. `µs/update` or `B/conversation`. */
  readonly unit: string;
  /** Repetitions for this row; defaults to the run's. Expensive rows take fewer. */
  readonly reps?: number;
  /** Whether to run an untimed warm-up repetition first (default true; not for child processes). */
  readonly warmup?: boolean;
  measure(context: MeasureContext): Promise<Sample>;
}

/** A bound a figure must respect to pass. */
export interface Target {
  readonly op: "<=" | ">=";
  readonly value: number;
}

/**
 * A number derived from row medians: a ratio between rows, or a row's own value checked against
 * a target. Inputs are row names, or `row#metric` for a side metric's median.
 */
export interface Figure {
  /** Unique and short, e.g. `c/f k20 seq`; command-line filters match it and pull in its rows. */
  readonly name: string;
  readonly label: string;
  readonly inputs: readonly string[];
  /** Gets the inputs' medians, in the order of `inputs`. */
  compute(values: readonly number[]): number;
  /** Printed after the value: `×` for ratios, else the row's unit. */
  readonly unit: string;
  readonly target?: Target;
}

/** A group of rows and the figures about them, contributed by one file under `bench/suites/`. */
export interface BenchSuite {
  readonly name: string;
  readonly rows: readonly BenchRow[];
  readonly figures?: readonly Figure[];
}
