/**
 * The demo's /weather flow as a plain terminal program: the same states, on terminalIo() instead
 * of Telegram. `npm run weather-cli`; `WEATHER=open-meteo npm run weather-cli` asks Open-Meteo.
 */
import { runStates } from "colloquy";
import { terminalIo } from "colloquy/terminal";
import { weatherProviderNamed, weatherStates } from "./demo/weather/index.js";

const io = terminalIo();
try {
  await runStates(weatherStates(weatherProviderNamed(process.env.WEATHER)), io, {
    signal: io.signal,
  });
} catch (error) {
  // Ctrl+C or the end of input ends the flow; anything else is a real failure.
  if (!io.signal.aborted) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  io.close();
}
