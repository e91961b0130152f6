import { PassThrough } from "node:stream";
import { runStates } from "colloquy";
import { describe, expect, it } from "vitest";
import { OfflineWeather, weatherStates } from "../../examples/demo/weather/index.js";
import { terminalIo } from "../../src/adapters/terminal/index.js";

function pipedIo(lines: readonly string[], end = true) {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = "";
  output.on("data", (chunk: Buffer) => {
    written += chunk.toString("utf8");
  });
  const io = terminalIo({ input, output });
  const text = lines.map((line) => `${line}\n`).join("");
  if (end) input.end(text);
  else input.write(text);
  return { io, input, written: () => written };
}

describe("terminalIo", () => {
  it("prints lines, shows prompts and echoes piped answers after them", async () => {
    const { io, written } = pipedIo(["Ann"]);
    await io.print("Hello");
    await expect(io.input("Name?")).resolves.toBe("Ann");
    io.close();
    expect(written()).toBe("Hello\nName? Ann\n");
  });

  it("chooses by number or option, re-asking with Try again", async () => {
    const { io, written } = pipedIo(["soon", "2"]);
    await expect(io.choose("When?", ["now", "later"])).resolves.toBe("later");
    io.close();
    expect(written()).toBe(
      "When?\n  1) now\n  2) later\nYour choice (1-2): soon\nTry again\nWhen?\n  1) now\n  2) later\nYour choice (1-2): 2\n",
    );
  });

  it("at the end of input, input rejects with an AbortError and the signal aborts", async () => {
    const { io } = pipedIo(["one"]);
    await expect(io.input()).resolves.toBe("one");
    expect(io.signal.aborted).toBe(false);
    await expect(io.input("More?")).rejects.toMatchObject({ name: "AbortError" });
    expect(io.signal.aborted).toBe(true);
  });

  it("close() ends input at once, dropping lines not read", async () => {
    const { io } = pipedIo(["one", "two"], false);
    io.close();
    expect(io.signal.aborted).toBe(true);
    await expect(io.input()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("runs the weather flow as `npm run weather-cli` does", async () => {
    const { io, written } = pipedIo(["Atlantis", "paris", "quit"]);
    await runStates(weatherStates(new OfflineWeather()), io, { signal: io.signal });
    io.close();
    expect(written()).toBe(
      [
        "Name a city: Atlantis",
        "Found nothing. I know Paris, Berlin, London, Tokyo, New York, Madrid, Rome, and Sydney.",
        "Name a city: paris",
        "Found Paris (France) at latitude 48.85341 and longitude 2.3488",
        "Current temperature is 9.7 °C",
        "What should we do next?",
        "  1) continue",
        "  2) quit",
        "Your choice (1-2): quit",
        "Terminating",
        "",
      ].join("\n"),
    );
  });

  it("the weather flow ends quietly when input ends mid-flow", async () => {
    const { io } = pipedIo(["Berlin"]);
    const flow = runStates(weatherStates(new OfflineWeather()), io, { signal: io.signal });
    await expect(flow).rejects.toMatchObject({ name: "AbortError" });
  });
});
