import { type City, type WeatherProvider, WeatherUnavailableError } from "./provider.js";

interface KnownCity extends City {
  readonly temperature: number;
}

// Coordinates as GeoNames (and so Open-Meteo) gives them; temperatures are fixed for repeatable runs.
const knownCities: readonly KnownCity[] = [
  { name: "Paris", country: "France", latitude: 48.85341, longitude: 2.3488, temperature: 9.7 },
  { name: "Berlin", country: "Germany", latitude: 52.52437, longitude: 13.41053, temperature: 3 },
  {
    name: "London",
    country: "United Kingdom",
    latitude: 51.50853,
    longitude: -0.12574,
    temperature: 11.2,
  },
  { name: "Tokyo", country: "Japan", latitude: 35.6895, longitude: 139.69171, temperature: 16.4 },
  {
    name: "New York",
    country: "United States",
    latitude: 40.71427,
    longitude: -74.00597,
    temperature: 7.5,
  },
  { name: "Madrid", country: "Spain", latitude: 40.4165, longitude: -3.70256, temperature: 14.1 },
  { name: "Rome", country: "Italy", latitude: 41.89193, longitude: 12.51133, temperature: 15.3 },
  {
    name: "Sydney",
    country: "Australia",
    latitude: -33.86785,
    longitude: 151.20732,
    temperature: 21.8,
  },
];

const byKey = new Map(knownCities.map((city) => [keyOf(city.name), city]));

function keyOf(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/**
 * A weather provider with a built-in table of cities and a fixed temperature for each: no
 * network, the same answers every run. Lookup ignores case and extra spaces.
 */
export class OfflineWeather implements WeatherProvider {
  readonly knownCities: readonly string[] = knownCities.map((city) => city.name);

  /** The known cities whose name contains `query`, ignoring case (the demo's inline search). */
  search(query: string): City[] {
    const wanted = keyOf(query);
    return knownCities
      .filter((city) => keyOf(city.name).includes(wanted))
      .map(({ temperature: _, ...city }) => city);
  }

  async findCity(name: string): Promise<City | undefined> {
    const known = byKey.get(keyOf(name));
    if (known === undefined) return undefined;
    const { temperature: _, ...city } = known;
    return city;
  }

  async currentTemperature(city: City): Promise<number> {
    const known = byKey.get(keyOf(city.name));
    if (known !== undefined) return known.temperature;
    throw new WeatherUnavailableError(
      `The offline weather table has no temperature for ${city.name}. ` +
        "Set WEATHER=open-meteo to ask Open-Meteo instead.",
    );
  }
}
