/**
 * `npm run chaos [-- SCENARIO]`: a chaos scenario at full size, printing its report; exits 1 when
 * an update was lost, handled twice outside its window, or handled out of order.
 * - `kill` (default): an instance killed with SIGKILL mid-burst (200 chats); CHAOS_CHATS,
 *   CHAOS_ROUNDS and CHAOS_LEASE_MS change its size.
 * - `redis-outage`: Redis killed with SIGKILL mid-burst and started again on the same port and
 *   data CHAOS_DOWN_MS (default 2 000) later; CHAOS_CHATS (default 100) and CHAOS_PER_CHAT (6).
 * - `redis-stall`: Redis's traffic held for CHAOS_DOWN_MS by a TCP proxy, same sizes.
 */

import { runFault } from "./run-fault.js";
import { runKill } from "./run-kill.js";

const scenario = process.argv[2] ?? "kill";
const scenarios: Record<string, () => Promise<boolean>> = {
  kill: runKill,
  "redis-outage": () => runFault("outage"),
  "redis-stall": () => runFault("stall"),
};
const run = scenarios[scenario];
if (run === undefined) {
  console.error(
    `npm run chaos: no scenario "${scenario}"; choose one of ${Object.keys(scenarios).join(", ")}.`,
  );
  process.exitCode = 2;
} else {
  process.exitCode = (await run()) ? 0 : 1;
}
