/**
 * The suites known to `npm run bench`, and the choice of what to run from command-line filters.
 *
 * @module
 */
import { rowOf } from "./figures.js";
import type { BenchRow, BenchSuite, Figure } from "./types.js";

/** The rows to measure and the figures to compute from them. */
export interface Selection {
  readonly rows: readonly BenchRow[];
  readonly figures: readonly Figure[];
}

/**
 * Holds suites; rejects duplicate row or figure names and figures over unknown rows, so a
 * typo in a later issue's suite fails at start-up rather than printing NaN.
 */
export class BenchRegistry {
  readonly #suites: BenchSuite[] = [];
  readonly #rows = new Map<string, { row: BenchRow; suite: BenchSuite }>();
  readonly #figures = new Map<string, { figure: Figure; suite: BenchSuite }>();

  /** Adds a suite; throws on a name already taken or a figure input that names no row. */
  add(suite: BenchSuite): this {
    for (const row of suite.rows) {
      if (this.#rows.has(row.name)) throw new Error(`bench: duplicate row name "${row.name}"`);
      this.#rows.set(row.name, { row, suite });
    }
    for (const figure of suite.figures ?? []) {
      if (this.#figures.has(figure.name)) {
        throw new Error(`bench: duplicate figure name "${figure.name}"`);
      }
      for (const input of figure.inputs) {
        if (!this.#rows.has(rowOf(input))) {
          throw new Error(`bench: figure "${figure.name}" uses unknown row "${rowOf(input)}"`);
        }
      }
      this.#figures.set(figure.name, { figure, suite });
    }
    this.#suites.push(suite);
    return this;
  }

  /** Every suite, in the order added. */
  get suites(): readonly BenchSuite[] {
    return this.#suites;
  }

  /**
   * Picks rows by case-insensitive substrings of their name or their suite's name; a filter that
   * matches a figure's name also picks that figure's rows. No filters pick everything. A figure
   * is kept when all its rows are picked. Rows keep the order they were added in.
   */
  select(filters: readonly string[]): Selection {
    const wanted = filters.map((f) => f.toLowerCase());
    const hit = (text: string) => wanted.some((f) => text.toLowerCase().includes(f));
    const chosen = new Set<string>();
    for (const [name, { suite }] of this.#rows) {
      if (wanted.length === 0 || hit(name) || hit(suite.name)) chosen.add(name);
    }
    for (const { figure } of this.#figures.values()) {
      if (hit(figure.name)) for (const input of figure.inputs) chosen.add(rowOf(input));
    }
    const rows = [...this.#rows.values()].filter(({ row }) => chosen.has(row.name));
    const figures = [...this.#figures.values()].filter(({ figure }) =>
      figure.inputs.every((input) => chosen.has(rowOf(input))),
    );
    return { rows: rows.map((r) => r.row), figures: figures.map((f) => f.figure) };
  }
}
