/**
 * Redis stops answering mid-burst (issue 21): no instance may die of it, and nothing is lost.
 * One cluster serves both bursts; each takes its stall plus about ten seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisSkipReason } from "../support/redis-server.js";
import { type FaultCluster, stall, startFaultCluster } from "./fault-cluster.js";
import { expectSurvived } from "./survived.js";

describe.skipIf(redisSkipReason() !== undefined)(
  "three demo instances through a Redis stall",
  () => {
    let cluster: FaultCluster;
    beforeAll(async () => {
      cluster = await startFaultCluster({ proxy: true });
    }, 60_000);
    afterAll(() => cluster?.stop());

    it("outlive a 15 s stall, longer than the webhook timeout; only updates in flight run twice", async () => {
      const report = await cluster.burst({ chats: 40, perChat: 6 }, stall(15_000));
      console.log("stall 15 s:", JSON.stringify(report));
      expectSurvived(report);
      // The stall outlasted the webhook's timeout: requests failed and were retried, while their
      // handling went on (a claim that waited the stall out failed late, before, ending its process).
      expect(report.timedOut).toBeGreaterThan(0);
      expect(report.completedTwice.length).toBeLessThanOrEqual(report.inFlightAtFault);
    }, 60_000);

    it("outlive a 3 s stall, shorter than a lease, with nothing handled twice", async () => {
      const report = await cluster.burst({ chats: 40, perChat: 6 }, stall(3_000));
      console.log("stall 3 s:", JSON.stringify(report));
      expectSurvived(report);
      expect(report.completedTwice).toEqual([]);
    }, 60_000);
  },
);
