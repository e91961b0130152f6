/** The kill scenario of `npm run chaos`: an instance killed with SIGKILL mid-burst. */
import { runChaos } from "./cluster.js";
import { envNumber } from "./fleet.js";

/** Runs it at full size and prints its report; resolves to whether nothing went wrong. */
export async function runKill(): Promise<boolean> {
  const report = await runChaos({
    chats: envNumber("CHAOS_CHATS", 200),
    rounds: envNumber("CHAOS_ROUNDS", 3),
    leaseMs: envNumber("CHAOS_LEASE_MS", 1_000),
    duplicateRate: 0.1,
  });
  const seconds = report.elapsedMs / 1000;
  console.log(`updates             ${report.updates} in ${seconds.toFixed(2)} s`);
  console.log(`throughput          ${(report.updates / seconds).toFixed(0)} updates/s`);
  console.log(`posts               ${report.posts} (${report.retries} failed and retried)`);
  console.log(`sends               ${report.sends}`);
  console.log(`not completed       ${report.notCompleted.length} ${report.notCompleted.join(" ")}`);
  console.log(
    `completed twice     ${report.completedTwice.length} ${report.completedTwice.join(" ")}`,
  );
  console.log(`re-run after kill   ${report.reRuns.length} ${report.reRuns.join(" ")}`);
  console.log(`chats out of order  ${report.outOfOrder.length} ${report.outOfOrder.join(" ")}`);
  console.log(
    `asks unanswered     ${report.unansweredAsks.length} (asks that died with the killed instance: ${report.asksOnKilled})`,
  );
  console.log(
    `redis per update    ${report.sentPerUpdate.toFixed(2)} commands sent (${report.scriptsPerUpdate.toFixed(2)} script calls, ${report.publishesPerUpdate.toFixed(2)} publishes); ${report.redisCommandsPerUpdate.toFixed(2)} executed counting those inside scripts`,
  );
  const failed =
    report.notCompleted.length +
    report.completedTwice.length +
    report.outOfOrder.length +
    report.unansweredAsks.length;
  return failed === 0;
}
