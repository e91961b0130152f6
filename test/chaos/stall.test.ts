/**
 * Redis stops answering mid-burst (issue 21): no instance may die of it, and nothing is lost.
 * Each run takes the stall plus about ten seconds.
 */
import { describe, expect, it } from "vitest";
import { redisSkipReason } from "../support/redis-server.js";
import { runStall, type StallReport } from "./stall.js";

/** What must hold after any stall. */
function expectSurvived(report: StallReport): void {
  expect(report.exited).toEqual([]);
  expect(report.notCompleted).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
  expect(report.twiceOutsideWindow).toEqual([]);
  expect(report.conversationWorks).toBe(true);
}

describe.skipIf(redisSkipReason() !== undefined)(
  "three demo instances through a Redis stall",
  () => {
    it("outlive a 15 s stall, longer than the webhook timeout: late failures are logged", async () => {
      const report = await runStall({ chats: 40, perChat: 6, stallMs: 15_000 });
      console.log("stall 15 s:", JSON.stringify(report));
      expectSurvived(report);
      // Requests timed out during the stall, and some handling failed after that (claims that
      // waited out the stall): each of those would have ended its process before.
      expect(report.lateFailures).toBeGreaterThan(0);
      expect(report.completedTwice.length).toBeLessThanOrEqual(report.inFlightAtStall);
    }, 60_000);

    it("outlive a 3 s stall, shorter than a lease, with nothing handled twice", async () => {
      const report = await runStall({ chats: 40, perChat: 6, stallMs: 3_000 });
      console.log("stall 3 s:", JSON.stringify(report));
      expectSurvived(report);
      expect(report.completedTwice).toEqual([]);
    }, 60_000);
  },
);
