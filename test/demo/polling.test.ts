import { describe, expect, it } from "vitest";
import { startBotApiServer } from "../support/bot-api-server.js";
import { spawnTs, stop, waitForOutput } from "../support/child.js";

describe("the demo with BOT_TOKEN (long polling) against a minimal Bot API server", () => {
  it("logs a failing setMyCommands and keeps running; SIGTERM stops it cleanly", async () => {
    const api = await startBotApiServer({ missing: ["setMyCommands"] });
    try {
      const child = spawnTs("examples/demo/main.ts", {
        env: { BOT_TOKEN: "123:poll", TELEGRAM_API_ROOT: api.url, STORAGE: "memory:" },
      });
      const output = await waitForOutput(child, "running as @", "the demo");
      expect(output).toContain("setMyCommands failed");
      expect(await stop(child, "SIGTERM")).toBe(0);
      expect(api.calls.some((call) => call.method === "getUpdates")).toBe(true);
    } finally {
      await api.stop();
    }
  }, 60_000);
});
