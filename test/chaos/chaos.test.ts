/**
 * The chaos test, bounded for the suite: `npm run chaos` runs a longer one and prints its report.
 */
import { describe, expect, it } from "vitest";
import { redisSkipReason } from "../support/redis-server.js";
import { runChaos } from "./cluster.js";

describe.skipIf(redisSkipReason() !== undefined)("three demo instances under chaos", () => {
  it("handles every update once, each chat in order, asks answered, through a SIGKILL", async () => {
    // Leases long enough that a busy CI machine (other suites in parallel) does not expire a
    // live holder's claim, which would count as a second completion.
    const report = await runChaos({ chats: 40, rounds: 2, leaseMs: 2_000, duplicateRate: 0.1 });
    expect(report.notCompleted).toEqual([]);
    expect(report.completedTwice).toEqual([]);
    expect(report.outOfOrder).toEqual([]);
    expect(report.unansweredAsks).toEqual([]);
    // Every update sends one message, /name two (prompt and greeting) unless its ask died.
    expect(report.sends).toBeGreaterThanOrEqual(report.updates - report.asksOnKilled);
  }, 60_000);
});
