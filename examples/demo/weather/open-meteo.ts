import {
  type City,
  type WeatherCallOptions,
  type WeatherProvider,
  WeatherUnavailableError,
} from "./provider.js";

/** Options of {@link OpenMeteoWeather}. */
export interface OpenMeteoOptions {
  /** Base URL of the geocoding API; tests point it at a local stand-in. */
  readonly geocodingUrl?: string;
  /** Base URL of the forecast API. */
  readonly forecastUrl?: string;
  /** How long each request may take before the lookup fails, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

interface GeocodingAnswer {
  readonly results?: readonly {
    readonly name?: unknown;
    readonly country?: unknown;
    readonly latitude?: unknown;
    readonly longitude?: unknown;
  }[];
}

interface ForecastAnswer {
  readonly current?: { readonly temperature_2m?: unknown };
}

/**
 * Cities and temperatures from Open-Meteo's free geocoding and forecast APIs (no key needed),
 * over `fetch`. Each request times out after `timeoutMs`; an unreachable or failing service
 * rejects with a {@link WeatherUnavailableError} that says so.
 */
export class OpenMeteoWeather implements WeatherProvider {
  readonly #geocodingUrl: string;
  readonly #forecastUrl: string;
  readonly #timeoutMs: number;

  constructor(options: OpenMeteoOptions = {}) {
    this.#geocodingUrl = options.geocodingUrl ?? "https://geocoding-api.open-meteo.com";
    this.#forecastUrl = options.forecastUrl ?? "https://api.open-meteo.com";
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async findCity(name: string, options: WeatherCallOptions = {}): Promise<City | undefined> {
    if (name.trim() === "") return undefined;
    const query = { name: name.trim(), count: "1", language: "en", format: "json" };
    const answer = (await this.#get(this.#geocodingUrl, "/v1/search", query, options)) as
      | GeocodingAnswer
      | undefined;
    const found = answer?.results?.[0];
    if (found === undefined) return undefined;
    const { name: cityName, country, latitude, longitude } = found;
    if (typeof latitude !== "number" || typeof longitude !== "number") {
      throw this.#unexpected(this.#geocodingUrl, "a result without coordinates");
    }
    return {
      name: typeof cityName === "string" ? cityName : name.trim(),
      country: typeof country === "string" ? country : "unknown country",
      latitude,
      longitude,
    };
  }

  async currentTemperature(city: City, options: WeatherCallOptions = {}): Promise<number> {
    const query = {
      latitude: String(city.latitude),
      longitude: String(city.longitude),
      current: "temperature_2m",
    };
    const answer = (await this.#get(this.#forecastUrl, "/v1/forecast", query, options)) as
      | ForecastAnswer
      | undefined;
    const temperature = answer?.current?.temperature_2m;
    if (typeof temperature !== "number") {
      throw this.#unexpected(this.#forecastUrl, "no current temperature");
    }
    return temperature;
  }

  async #get(
    base: string,
    path: string,
    query: Record<string, string>,
    { signal }: WeatherCallOptions,
  ): Promise<unknown> {
    const url = new URL(path, base);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const fail = (error: unknown) => this.#failure(error, url, signal, timeout);
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    }).catch(fail);
    if (!response.ok) {
      const reason = await response.text().catch(() => "");
      throw new WeatherUnavailableError(
        `Open-Meteo (${url.host}) answered ${response.status}${detail(reason)}. Try again later.`,
      );
    }
    return response.json().catch((error: unknown) => {
      if (error instanceof SyntaxError) throw this.#unexpected(base, "an answer that is not JSON");
      return fail(error);
    });
  }

  #failure(error: unknown, url: URL, signal: AbortSignal | undefined, timeout: AbortSignal): never {
    if (signal?.aborted) throw signal.reason;
    if (timeout.aborted) {
      throw new WeatherUnavailableError(
        `Open-Meteo (${url.host}) did not answer within ${this.#timeoutMs} ms. ` +
          "Check your connection, or leave WEATHER unset to use the offline table.",
      );
    }
    throw new WeatherUnavailableError(
      `Cannot reach Open-Meteo (${url.host}): ${causeOf(error)}. You seem to be offline: ` +
        "check your connection, or leave WEATHER unset to use the offline table.",
      { cause: error },
    );
  }

  #unexpected(base: string, what: string): WeatherUnavailableError {
    return new WeatherUnavailableError(
      `Open-Meteo (${new URL(base).host}) sent ${what}. Try again later.`,
    );
  }
}

function detail(body: string): string {
  try {
    const reason: unknown = JSON.parse(body)?.reason;
    return typeof reason === "string" ? `: ${reason}` : "";
  } catch {
    return "";
  }
}

// fetch reports network failures as TypeError("fetch failed") with the system error as cause,
// whose message names the code (getaddrinfo ENOTFOUND …, connect ECONNREFUSED …).
function causeOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
