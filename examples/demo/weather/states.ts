/**
 * The article's weather flow, written once on Io: it runs unchanged in a terminal
 * (`npm run weather-cli`) and in Telegram (the demo's /weather).
 */

import { exit, type Io, type State } from "colloquy";
import { type City, type WeatherProvider, WeatherUnavailableError } from "./provider.js";

/** The texts the flow says; users and tests rely on them. */
export const weatherTexts = {
  nameCity: "Name a city:",
  foundNothing: (known?: readonly string[]) =>
    known === undefined
      ? "Found nothing"
      : `Found nothing. I know ${new Intl.ListFormat("en").format(known)}.`,
  found: (city: City) =>
    `Found ${city.name} (${city.country}) at latitude ${city.latitude} and longitude ${city.longitude}`,
  temperature: (celsius: number) => `Current temperature is ${celsius.toFixed(1)} °C`,
  whatNext: "What should we do next?",
  terminating: "Terminating",
} as const;

/** The choices offered after each temperature. */
export const weatherChoices = ["continue", "quit"] as const;

/**
 * The first state of the weather flow: ask for a city, print where it is and how warm, then ask
 * whether to go on. Run it with `runStates(weatherStates(provider), io)`.
 */
export function weatherStates(provider: WeatherProvider): State {
  const findCityPosition: State = {
    name: "findCityPosition",
    async run(io, signal) {
      const name = await io.input(weatherTexts.nameCity);
      const city = await unlessUnavailable(io, () => provider.findCity(name, { signal }));
      if (city === null) return exitOrContinue;
      if (city === undefined) {
        await io.print(weatherTexts.foundNothing(provider.knownCities));
        return findCityPosition;
      }
      await io.print(weatherTexts.found(city));
      return fetchWeather(city);
    },
  };

  const fetchWeather = (city: City): State => ({
    name: "fetchWeather",
    async run(io, signal) {
      const celsius = await unlessUnavailable(io, () =>
        provider.currentTemperature(city, { signal }),
      );
      if (celsius !== null) await io.print(weatherTexts.temperature(celsius));
      return exitOrContinue;
    },
  });

  const exitOrContinue: State = {
    name: "exitOrContinue",
    async run(io) {
      const choice = await io.choose(weatherTexts.whatNext, weatherChoices);
      if (choice === "continue") return findCityPosition;
      await io.print(weatherTexts.terminating);
      return exit();
    },
  };

  return findCityPosition;
}

// An unavailable service is told to the person, who may then quit, rather than ending the flow;
// `null` says it was told.
async function unlessUnavailable<T>(io: Io, lookup: () => Promise<T>): Promise<T | null> {
  try {
    return await lookup();
  } catch (error) {
    if (!(error instanceof WeatherUnavailableError)) throw error;
    await io.print(error.message);
    return null;
  }
}
