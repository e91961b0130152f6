/**
 * `npm run chaos`: the chaos scenario at full size (200 chats), printing its report.
 * CHAOS_CHATS, CHAOS_ROUNDS and CHAOS_LEASE_MS change its size.
 */
import { runChaos } from "./cluster.js";

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const report = await runChaos({
  chats: number("CHAOS_CHATS", 200),
  rounds: number("CHAOS_ROUNDS", 3),
  leaseMs: number("CHAOS_LEASE_MS", 1_000),
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
process.exitCode = failed === 0 ? 0 : 1;
