/**
 * The weather flow of the demo and of `npm run weather-cli`, with its providers.
 *
 * @module
 */
import { OfflineWeather } from "./offline.js";
import { OpenMeteoWeather } from "./open-meteo.js";
import type { WeatherProvider } from "./provider.js";

export { OfflineWeather } from "./offline.js";
export { type OpenMeteoOptions, OpenMeteoWeather } from "./open-meteo.js";
export {
  type City,
  type WeatherCallOptions,
  type WeatherProvider,
  WeatherUnavailableError,
} from "./provider.js";
export { weatherChoices, weatherStates, weatherTexts } from "./states.js";

/**
 * The provider named by the `WEATHER` environment variable: unset or `offline` for the built-in
 * table, `open-meteo` for Open-Meteo over the network.
 */
export function weatherProviderNamed(name: string | undefined): WeatherProvider {
  switch (name ?? "offline") {
    case "":
    case "offline":
      return new OfflineWeather();
    case "open-meteo":
      return new OpenMeteoWeather();
    default:
      throw new Error(
        `WEATHER=${name} is not a weather provider. Use WEATHER=open-meteo, or leave it unset ` +
          "for the offline table.",
      );
  }
}
