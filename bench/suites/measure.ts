/**
 * Turning timings into samples, and checking that a run did what it claims before its number
 * is believed.
 *
 * @module
 */
import type { Sample } from "../harness/types.js";
import type { Timing } from "./drive.js";

/** µs per update of wall time as the value, CPU µs per update as the `cpu` metric. */
export function perUpdate(timing: Timing, updates: number, extra: Record<string, number> = {}) {
  const sample: Sample = {
    value: (timing.wallMs * 1000) / updates,
    metrics: { cpu: (timing.cpuMs * 1000) / updates, ...extra },
  };
  return sample;
}

/** Throws when a bot did not do what the row measured it for (a silent no-op is fast too). */
export function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`bench: expected ${expected} ${what}, got ${actual}`);
}
