/**
 * Redis goes away and comes back (issue 19, §1): killed with SIGKILL in the middle of a burst and
 * started again on the same port and data, 2 s later (shorter than a lease) and 12 s later (longer
 * than the webhook's timeout). No instance may die of it, no request may hang past the webhook's
 * 10 s timeout, and after it every update is handled, each chat in order. One cluster serves both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSkipReason } from "../support/redis-server.js";
import { type FaultCluster, outage, startFaultCluster } from "./fault-cluster.js";
import { expectSurvived } from "./survived.js";

describe.skipIf(redisSkipReason() !== undefined)(
  "three demo instances through a Redis restart",
  () => {
    let cluster: FaultCluster;
    beforeAll(async () => {
      cluster = await startFaultCluster({ proxy: false });
    }, 60_000);
    afterAll(() => cluster?.stop());

    it("lose nothing when Redis is killed mid-burst and back 2 s later", async () => {
      const report = await cluster.burst({ chats: 40, perChat: 6 }, outage(2_000));
      console.log("redis outage 2 s:", JSON.stringify(report));
      expectSurvived(report);
      // Answered within the webhook's timeout (plus the time to write the answer), hung never.
      expect(report.slowestAnswerMs).toBeLessThan(10_000 + 1_000);
      expect(report.completedTwice.length).toBeLessThanOrEqual(report.inFlightAtFault);
    }, 90_000);

    it("answer 5xx within the webhook's timeout while Redis stays away longer, then catch up", async () => {
      const report = await cluster.burst({ chats: 40, perChat: 6 }, outage(12_000));
      console.log("redis outage 12 s:", JSON.stringify(report));
      expectSurvived(report);
      expect(report.failedAnswers).toBeGreaterThan(0);
      expect(report.slowestAnswerMs).toBeLessThan(10_000 + 1_000);
      expect(report.completedTwice.length).toBeLessThanOrEqual(report.inFlightAtFault);
    }, 90_000);
  },
);
