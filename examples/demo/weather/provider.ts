/** A city a {@link WeatherProvider} found, as the flow prints it. */
export interface City {
  readonly name: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** Options of each {@link WeatherProvider} call. */
export interface WeatherCallOptions {
  /** Aborts the lookup; the call then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Where the weather flow gets cities and temperatures. Calls reject with
 * {@link WeatherUnavailableError} when the source cannot answer, and with the signal's reason
 * when aborted.
 */
export interface WeatherProvider {
  /** The best match for `name`, or `undefined` when there is none. */
  findCity(name: string, options?: WeatherCallOptions): Promise<City | undefined>;
  /** The current temperature at `city`, in °C. */
  currentTemperature(city: City, options?: WeatherCallOptions): Promise<number>;
  /**
   * The names of the only cities it knows, when it knows a few (a built-in table), so that a
   * person who named another one is told what to try. Unset when it knows any city.
   */
  readonly knownCities?: readonly string[];
}

/** The weather source could not answer; the message says why and what to do. */
export class WeatherUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WeatherUnavailableError";
  }
}
