import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  OfflineWeather,
  OpenMeteoWeather,
  WeatherUnavailableError,
  weatherProviderNamed,
} from "../../examples/demo/weather/index.js";

describe("OfflineWeather", () => {
  const weather = new OfflineWeather();

  it("knows at least Paris, Berlin, London, Tokyo and New York, with real coordinates", async () => {
    const found = await Promise.all(
      ["Paris", "Berlin", "London", "Tokyo", "New York"].map((name) => weather.findCity(name)),
    );
    expect(found.map((c) => [c?.name, c?.country, c?.latitude, c?.longitude])).toEqual([
      ["Paris", "France", 48.85341, 2.3488],
      ["Berlin", "Germany", 52.52437, 13.41053],
      ["London", "United Kingdom", 51.50853, -0.12574],
      ["Tokyo", "Japan", 35.6895, 139.69171],
      ["New York", "United States", 40.71427, -74.00597],
    ]);
  });

  it("looks up ignoring case and extra spaces, and has a fixed temperature", async () => {
    const city = await weather.findCity("  new   YORK ");
    expect(city?.name).toBe("New York");
    if (city === undefined) return;
    await expect(weather.currentTemperature(city)).resolves.toBe(7.5);
    await expect(weather.currentTemperature(city)).resolves.toBe(7.5);
  });

  it("finds nothing for an unknown or empty name", async () => {
    await expect(weather.findCity("Atlantis")).resolves.toBeUndefined();
    await expect(weather.findCity("")).resolves.toBeUndefined();
  });
});

describe("OpenMeteoWeather against a local stand-in", () => {
  let server: Server | undefined;
  const requests: URL[] = [];

  afterEach(async () => {
    const running = server;
    server = undefined;
    running?.closeAllConnections();
    if (running) await new Promise((resolve) => running.close(resolve));
    requests.length = 0;
  });

  async function serve(answer: (url: URL, res: ServerResponse) => void): Promise<string> {
    server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? "/", "http://stub");
      requests.push(url);
      answer(url, res);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  function provider(base: string, timeoutMs = 2000): OpenMeteoWeather {
    return new OpenMeteoWeather({ geocodingUrl: base, forecastUrl: base, timeoutMs });
  }

  it("geocodes a city and reads its current temperature", async () => {
    const base = await serve((url, res) => {
      if (url.pathname === "/v1/search") {
        json(res, 200, {
          results: [
            {
              name: "Paris",
              country: "France",
              latitude: 48.85341,
              longitude: 2.3488,
              id: 2988507,
            },
          ],
        });
      } else json(res, 200, { current: { time: "2026-01-01T12:00", temperature_2m: 9.7 } });
    });
    const weather = provider(base);
    const city = await weather.findCity(" Paris ");
    expect(city).toEqual({
      name: "Paris",
      country: "France",
      latitude: 48.85341,
      longitude: 2.3488,
    });
    if (city === undefined) return;
    await expect(weather.currentTemperature(city)).resolves.toBe(9.7);
    expect(requests.map((u) => [u.pathname, Object.fromEntries(u.searchParams)])).toEqual([
      ["/v1/search", { name: "Paris", count: "1", language: "en", format: "json" }],
      ["/v1/forecast", { latitude: "48.85341", longitude: "2.3488", current: "temperature_2m" }],
    ]);
  });

  it("finds nothing when the geocoder has no results, without a request for an empty name", async () => {
    const base = await serve((_url, res) => json(res, 200, { generationtime_ms: 0.1 }));
    await expect(provider(base).findCity("Atlantis")).resolves.toBeUndefined();
    await expect(provider(base).findCity("  ")).resolves.toBeUndefined();
    expect(requests).toHaveLength(1);
  });

  it("a failing service is a WeatherUnavailableError with its reason", async () => {
    const base = await serve((_url, res) =>
      json(res, 400, { error: true, reason: "Bad latitude" }),
    );
    const city = { name: "X", country: "Y", latitude: 91, longitude: 0 };
    const error = await provider(base)
      .currentTemperature(city)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherUnavailableError);
    expect((error as Error).message).toMatch(/answered 400: Bad latitude/);
  });

  it("says clearly when the service cannot be reached", async () => {
    const base = await serve(() => undefined);
    const closed = server;
    server = undefined;
    await new Promise((resolve) => closed?.close(resolve));
    const error = await provider(base)
      .findCity("Paris")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherUnavailableError);
    expect((error as Error).message).toMatch(
      /^Cannot reach Open-Meteo \(127\.0\.0\.1:\d+\): .*ECONNREFUSED/,
    );
    expect((error as Error).message).toContain("leave WEATHER unset to use the offline table");
  });

  it("times out a service that does not answer", async () => {
    const base = await serve(() => undefined);
    const error = await provider(base, 50)
      .findCity("Paris")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeatherUnavailableError);
    expect((error as Error).message).toMatch(/did not answer within 50 ms/);
  });

  it("an aborted lookup rejects with the abort reason, not as unavailable", async () => {
    const base = await serve(() => undefined);
    const controller = new AbortController();
    const lookup = provider(base).findCity("Paris", { signal: controller.signal });
    const reason = new Error("flow cancelled");
    setTimeout(() => controller.abort(reason), 10);
    await expect(lookup).rejects.toBe(reason);
  });
});

describe("weatherProviderNamed", () => {
  it("picks the provider named by WEATHER and explains an unknown name", () => {
    expect(weatherProviderNamed(undefined)).toBeInstanceOf(OfflineWeather);
    expect(weatherProviderNamed("open-meteo")).toBeInstanceOf(OpenMeteoWeather);
    expect(() => weatherProviderNamed("sunny")).toThrow(/WEATHER=sunny is not a weather provider/);
  });
});
