/** Runs a bot script in a process of its own, for the tests that kill a bot and start another. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Runs `script` (a URL, as `new URL("./x-process.ts", import.meta.url)`) with `args` under
 * `node --import tsx --conditions=colloquy-src`. The script prints its replies as JSON and then
 * kills itself with SIGKILL; resolves to the replies, or rejects with its stderr on any other end.
 */
export function runBotProcess(script: URL, ...args: string[]): Promise<string[]> {
  const argv = ["--import", "tsx", "--conditions=colloquy-src", fileURLToPath(script), ...args];
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (signal === "SIGKILL" && out !== "") resolve(JSON.parse(out) as string[]);
      else reject(new Error(`the bot process ended with ${signal ?? code}:\n${err}`));
    });
  });
}
