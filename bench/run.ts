/**
 * `npm run bench [-- filters…] [--quick] [--reps N] [--list] [--out FILE]` — see bench/main.ts.
 *
 * The script starts under tsx, whose transform wraps named closures in `__name()` (esbuild's
 * `keepNames`); that alone adds hundreds of bytes per wait and slows dispatch, and the published
 * build has none of it. So unless bench/loader is already installed, this restarts the run in
 * a Node process that compiles the sources with TypeScript's own emit instead.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BENCH_NODE_FLAGS } from "./harness/child.js";

if (process.env.COLLOQUY_BENCH_LOADER === "1") {
  await import("./main.js");
} else {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  const child = spawn(process.execPath, [...BENCH_NODE_FLAGS, main, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 128);
  });
}
