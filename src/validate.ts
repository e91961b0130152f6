import { InvalidArgumentError } from "./errors.js";

/**
 * Checks a duration option such as `timeoutMs`: a positive finite number of milliseconds.
 * `0` is refused rather than read as "none": leave the option out to mean no limit.
 */
export function assertDurationMs(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(
      name,
      "a positive finite number of milliseconds (leave it out for no limit)",
      value,
    );
  }
}

/** Checks a count option such as a cap: a positive whole number. */
export function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(name, "a positive whole number", value);
  }
}
