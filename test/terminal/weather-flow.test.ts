import { runStates } from "colloquy";
import { describe, expect, it } from "vitest";
import {
  type City,
  OfflineWeather,
  type WeatherProvider,
  WeatherUnavailableError,
  weatherStates,
} from "../../examples/demo/weather/index.js";
import { ScriptedIo } from "../../src/testing/scripted-io.js";

const menu = "What should we do next?\n  1) continue\n  2) quit\nYour choice (1-2):";
const paris = "Found Paris (France) at latitude 48.85341 and longitude 2.3488";

async function run(answers: string[], provider: WeatherProvider = new OfflineWeather()) {
  const io = new ScriptedIo(answers);
  await runStates(weatherStates(provider), io);
  return io.transcript;
}

describe("the weather flow", () => {
  it("loops on an unknown city, then reports a known one and quits", async () => {
    expect(await run(["Atlantis", "Paris", "quit"])).toEqual([
      "Name a city:",
      "> Atlantis",
      "Found nothing. I know Paris, Berlin, London, Tokyo, New York, Madrid, Rome, and Sydney.",
      "Name a city:",
      "> Paris",
      paris,
      "Current temperature is 9.7 °C",
      menu,
      "> quit",
      "Terminating",
    ]);
  });

  it("names no cities when its provider knows any city", async () => {
    const offline = new OfflineWeather();
    const anywhere: WeatherProvider = {
      findCity: (name) => offline.findCity(name),
      currentTemperature: (city) => offline.currentTemperature(city),
    };
    expect((await run(["Atlantis", "Rome", "quit"], anywhere)).slice(0, 3)).toEqual([
      "Name a city:",
      "> Atlantis",
      "Found nothing",
    ]);
  });

  it("continue asks for another city", async () => {
    const transcript = await run(["paris", "continue", "BERLIN", "2"]);
    expect(transcript.slice(4)).toEqual([
      menu,
      "> continue",
      "Name a city:",
      "> BERLIN",
      "Found Berlin (Germany) at latitude 52.52437 and longitude 13.41053",
      "Current temperature is 3.0 °C",
      menu,
      "> 2",
      "Terminating",
    ]);
  });

  it("an invalid choice re-asks with Try again", async () => {
    const transcript = await run(["Tokyo", "maybe", "quit"]);
    expect(transcript.slice(-6)).toEqual([
      menu,
      "> maybe",
      "Try again",
      menu,
      "> quit",
      "Terminating",
    ]);
  });

  it("an abort during choose ends the flow and sends nothing more", async () => {
    const io = new ScriptedIo(["Paris"], { whenOutOfAnswers: "wait" });
    const controller = new AbortController();
    const flow = runStates(weatherStates(new OfflineWeather()), io, { signal: controller.signal });
    await expect(io.waitingForInput()).resolves.toBe(menu);
    const before = [...io.transcript];
    controller.abort(new Error("/cancel"));
    await expect(flow).rejects.toThrow("/cancel");
    io.answer("continue");
    expect(io.transcript).toEqual(before);
  });

  it("a failing print ends the flow with its error", async () => {
    const failure = new Error("message could not be sent");
    const io = new ScriptedIo(["Paris", "continue"], {
      onPrint: (text) => {
        if (text.startsWith("Found")) throw failure;
      },
    });
    await expect(runStates(weatherStates(new OfflineWeather()), io)).rejects.toBe(failure);
    expect(io.transcript).toEqual(["Name a city:", "> Paris"]);
  });

  it("an unavailable service is told and the person may quit", async () => {
    const down: WeatherProvider = {
      findCity: async (name): Promise<City | undefined> => {
        throw new WeatherUnavailableError(`Cannot look up ${name}: offline.`);
      },
      currentTemperature: async () => 0,
    };
    expect(await run(["Paris", "quit"], down)).toEqual([
      "Name a city:",
      "> Paris",
      "Cannot look up Paris: offline.",
      menu,
      "> quit",
      "Terminating",
    ]);
  });
});
