import { PassThrough } from "node:stream";
import type { Bot, Context } from "grammy";
import { type RunInTerminalOptions, runInTerminal } from "../../src/adapters/terminal/index.js";

/** Runs `bot` in the terminal on `lines` piped in, and returns everything it wrote. */
export async function transcriptOf<C extends Context>(
  bot: Bot<C>,
  lines: readonly string[],
  options: RunInTerminalOptions = {},
): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => {
    written += chunk.toString("utf8");
  });
  const run = runInTerminal(bot, { input, output, firstName: "Ann", quietMs: 5, ...options });
  input.end(lines.map((line) => `${line}\n`).join(""));
  await run;
  return written;
}
