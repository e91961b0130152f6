import { InvalidArgumentError } from "../errors.js";
import type { WriteOptions } from "../storage.js";
import { assertDurationMs } from "../validate.js";

/** What a write does to the entry's expiry. */
export type TtlPlan =
  | { readonly kind: "none" }
  | { readonly kind: "expire"; readonly ms: number }
  | { readonly kind: "keep" };

const NO_TTL: TtlPlan = { kind: "none" };
const KEEP_TTL: TtlPlan = { kind: "keep" };

/**
 * Checks a time to live and rounds it up to whole milliseconds (Redis counts in those), so that a
 * valid fraction never becomes `0`.
 */
export function ttlMsOf(name: string, ttlMs: number): number {
  assertDurationMs(name, ttlMs);
  return Math.ceil(ttlMs);
}

/** Validates write options before anything is written. */
export function planTtl(options: WriteOptions | undefined): TtlPlan {
  if (options?.ttlMs !== undefined) {
    if (options.keepTtl === true) {
      throw new InvalidArgumentError(
        "keepTtl",
        "left out when ttlMs is given (a write either sets a new TTL or keeps the old one)",
        true,
      );
    }
    return { kind: "expire", ms: ttlMsOf("ttlMs", options.ttlMs) };
  }
  return options?.keepTtl === true ? KEEP_TTL : NO_TTL;
}
