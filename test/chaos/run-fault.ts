/** The Redis scenarios of `npm run chaos`: an outage (SIGKILL, restart) or a stall, mid-burst. */
import { type Fault, outage, stall, startFaultCluster } from "./fault-cluster.js";
import { envNumber } from "./fleet.js";

/** Runs one burst through `kind` of fault and prints its report; resolves to whether all held. */
export async function runFault(kind: "outage" | "stall"): Promise<boolean> {
  const downMs = envNumber("CHAOS_DOWN_MS", 2_000);
  const fault: Fault = kind === "outage" ? outage(downMs) : stall(downMs);
  const cluster = await startFaultCluster({ proxy: kind === "stall" });
  try {
    const chats = envNumber("CHAOS_CHATS", 100);
    const perChat = envNumber("CHAOS_PER_CHAT", 6);
    const report = await cluster.burst({ chats, perChat }, fault);
    const seconds = report.elapsedMs / 1000;
    const list = (ids: readonly number[]) => `${ids.length} ${ids.join(" ")}`;
    console.log(`fault               Redis ${kind}, ${downMs} ms, mid-burst`);
    console.log(`updates             ${report.updates} in ${seconds.toFixed(2)} s`);
    console.log(`posts               ${report.posts} (${report.retries} failed and retried)`);
    console.log(`answered 5xx        ${report.failedAnswers} (${report.timedOut} at the timeout)`);
    console.log(`slowest answer      ${report.slowestAnswerMs.toFixed(0)} ms`);
    console.log(`drained after fault ${report.drainedAfterMs.toFixed(0)} ms`);
    console.log(`not completed       ${list(report.notCompleted)}`);
    console.log(`completed twice     ${list(report.completedTwice)}`);
    console.log(
      `  in flight at fault ${report.inFlightAtFault}; outside that window: ${list(report.twiceOutsideWindow)}`,
    );
    console.log(`runs fenced/failed  ${report.failedRuns}`);
    console.log(`chats out of order  ${list(report.outOfOrder)}`);
    console.log(`conversation after  ${report.conversationWorks ? "answered" : "NOT answered"}`);
    console.log(`instances exited    ${report.exited.length}`);
    return (
      report.notCompleted.length + report.twiceOutsideWindow.length + report.outOfOrder.length ===
        0 &&
      report.exited.length === 0 &&
      report.conversationWorks
    );
  } finally {
    await cluster.stop();
  }
}
