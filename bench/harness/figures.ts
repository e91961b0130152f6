/**
 * Constructors for the usual figures, so suites state what they compare rather than how.
 *
 * @module
 */
import type { Figure, Target } from "./types.js";

/**
 * `numerator / denominator` of two row medians (or `row#metric` medians), e.g. the cost of a
 * colloquy update over a plain reply's.
 */
export function ratio(
  name: string,
  label: string,
  numerator: string,
  denominator: string,
  target?: Target,
): Figure {
  return {
    name,
    label,
    inputs: [numerator, denominator],
    compute: ([n = Number.NaN, d = Number.NaN]) => n / d,
    unit: "×",
    ...(target === undefined ? {} : { target }),
  };
}

/** A row's (or metric's) median itself, held against a target. */
export function check(
  name: string,
  label: string,
  input: string,
  unit: string,
  target?: Target,
): Figure {
  return {
    name,
    label,
    inputs: [input],
    compute: ([value = Number.NaN]) => value,
    unit,
    ...(target === undefined ? {} : { target }),
  };
}

/** Whether `value` meets `target`; a figure without one always passes. */
export function meets(value: number, target: Target | undefined): boolean {
  if (target === undefined) return true;
  return target.op === "<=" ? value <= target.value : value >= target.value;
}

/** The row a figure input names: `row` or `row#metric`. */
export function rowOf(input: string): string {
  const hash = input.indexOf("#");
  return hash < 0 ? input : input.slice(0, hash);
}
