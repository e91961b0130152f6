import { describe, expect, it, vi } from "vitest";
import { texts } from "../../examples/demo/texts.js";
import { createDemo } from "./harness.js";

const paris = [
  "Found Paris (France) at latitude 48.85341 and longitude 2.3488",
  "Current temperature is 9.7 °C",
  "What should we do next? [continue|quit]",
];

/** What transcripts cannot show: stale presses, logged errors, concurrent updates, timers. */
describe("demo /weather (the Io flow in Telegram)", () => {
  it("/cancel during choose ends the flow at once and nothing more is sent", async () => {
    const { send, press, transcript } = createDemo();
    await send("/weather");
    await send("Tokyo");
    await vi.waitFor(() => expect(transcript()).toHaveLength(4));
    await send("/cancel");
    await press("0");
    await send("London");
    expect(transcript().slice(4)).toEqual([texts.cancelled, texts.notUnderstood]);
  });

  it("a flow that fails tells the user, and its error reaches the error handler", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = {
      findCity: () => Promise.reject(new Error("database on fire")),
      currentTemperature: () => Promise.resolve(0),
    };
    const { send, transcript } = createDemo({ weather: broken });
    await send("/weather");
    await send("Paris");
    await vi.waitFor(() => expect(transcript()).toEqual(["Name a city:", texts.flowFailed]));
    await vi.waitFor(() => expect(logged).toHaveBeenCalled());
    expect(String(logged.mock.calls[0]?.[1])).toContain("database on fire");
    logged.mockRestore();
    await send("Berlin");
    expect(transcript().at(-1)).toBe(texts.notUnderstood);
  });

  it("two fast texts are both used, in order", async () => {
    const { bot, user, transcript } = createDemo();
    await bot.handleUpdate(user.command("/weather"));
    await Promise.all([
      bot.handleUpdate(user.text("Atlantis")),
      bot.handleUpdate(user.text("Paris")),
    ]);
    await vi.waitFor(() => expect(transcript()).toHaveLength(6));
    expect(transcript()).toEqual([
      "Name a city:",
      "Found nothing. I know Paris, Berlin, London, Tokyo, New York, Madrid, Rome, and Sydney.",
      "Name a city:",
      ...paris,
    ]);
  });
});

describe("demo stop (the bot is stopping)", () => {
  it("closes the counter with a goodbye, ends waits quietly, and cancels their timers", async () => {
    const { send, transcript, clock, demo } = createDemo();
    await send("/count");
    await send("/name");
    expect(clock.pendingTimers).toBe(2);
    demo.stop();
    await vi.waitFor(() => expect(transcript()).toHaveLength(3));
    expect(transcript()).toEqual([
      texts.counting,
      texts.askName,
      "Counter closed: the bot is stopping.",
    ]);
    // Neither the counter's idle close nor /name's timeout is left to fire.
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("demo inline mode", () => {
  it("lists the known cities that contain the query", async () => {
    const { bot, api } = createDemo();
    await bot.handleUpdate({
      update_id: 900,
      inline_query: {
        id: "q1",
        from: { id: 1, is_bot: false, first_name: "Ann" },
        query: "par",
        offset: "",
      },
    });
    await vi.waitFor(() =>
      expect(api.calls.some((c) => c.method === "answerInlineQuery")).toBe(true),
    );
    const answer = api.calls.find((c) => c.method === "answerInlineQuery");
    expect(answer?.payload).toMatchObject({
      inline_query_id: "q1",
      results: [{ type: "article", title: "Paris" }],
    });
  });
});
