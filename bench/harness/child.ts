/**
 * Runs a TypeScript entry in a fresh Node process with `--expose-gc` and reads one JSON result
 * from its stdout. Heap rows need this: a process that already ran other rows has a heap whose
 * growth cannot be attributed to one thing.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The module that installs bench/loader: TypeScript compiled as `npm run build` compiles it. */
export const LOADER: string = fileURLToPath(new URL("../loader/register.mjs", import.meta.url));

/** Node flags of a bench process: the loader, colloquy from its sources, GC exposed. */
export const BENCH_NODE_FLAGS: readonly string[] = [
  "--expose-gc",
  "--import",
  LOADER,
  "--conditions=colloquy-src",
];

/**
 * Runs `node <BENCH_NODE_FLAGS> <flags> script ...args` and parses the last stdout line as JSON.
 * Rejects with the child's stderr when it exits non-zero or prints no JSON.
 */
export function runChild(
  script: string,
  args: readonly string[],
  flags: readonly string[] = [],
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BENCH_NODE_FLAGS, ...flags, script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(" ")} exited with ${code}:\n${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${stdout}\n${stderr}`));
      }
    });
  });
}
