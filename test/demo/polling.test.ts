import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startBotApiServer } from "../support/bot-api-server.js";

describe("the demo with BOT_TOKEN (long polling) against a minimal Bot API server", () => {
  it("logs a failing setMyCommands and keeps running; SIGTERM stops it cleanly", async () => {
    const api = await startBotApiServer({ missing: ["setMyCommands"] });
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=colloquy-src", "examples/demo/main.ts"],
        {
          env: {
            ...process.env,
            BOT_TOKEN: "123:poll",
            TELEGRAM_API_ROOT: api.url,
            STORAGE: "memory:",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      const running = new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("running as @")) resolve();
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.once("exit", (code) => reject(new Error(`exited early with ${code}:\n${output}`)));
      });
      await running;
      expect(output).toContain("setMyCommands failed");
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(api.calls.some((call) => call.method === "getUpdates")).toBe(true);
    } finally {
      await api.stop();
    }
  }, 60_000);
});
