/** Runs a bot script in a process of its own, for the tests that kill a bot and start another. */
import { fileURLToPath } from "node:url";
import { collect, spawnTs } from "../support/child.js";

/**
 * Runs `script` (a URL, as `new URL("./x-process.ts", import.meta.url)`) with `args` under
 * `node --import tsx --conditions=colloquy-src`. The script prints its replies as JSON and then
 * kills itself with SIGKILL; resolves to the replies, or rejects with its stderr on any other end.
 */
export function runBotProcess(script: URL, ...args: string[]): Promise<string[]> {
  const child = spawnTs(fileURLToPath(script), { args });
  const out = collect(child.stdout);
  const err = collect(child.stderr);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    // "close", not "exit": the replies are read once stdout has ended.
    child.once("close", (code, signal) => {
      if (signal === "SIGKILL" && out() !== "") resolve(JSON.parse(out()) as string[]);
      else reject(new Error(`the bot process ended with ${signal ?? code}:\n${err()}`));
    });
  });
}
