/** What must hold after any fault a cluster of instances goes through. */
import { expect } from "vitest";
import type { BurstReport } from "./fault-cluster.js";

/** No instance died, every update was handled, in order, twice only in the crash window. */
export function expectSurvived(report: BurstReport): void {
  expect(report.exited).toEqual([]);
  expect(report.notCompleted).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
  expect(report.twiceOutsideWindow).toEqual([]);
  expect(report.conversationWorks).toBe(true);
}
