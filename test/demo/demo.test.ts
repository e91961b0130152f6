import { describe, expect, it, vi } from "vitest";
import { texts } from "../../examples/demo/texts.js";
import { createDemo } from "./harness.js";

const paris = [
  "Found Paris (France) at latitude 48.85341 and longitude 2.3488",
  "Current temperature is 9.7 °C",
  "What should we do next? [continue|quit]",
];

describe("demo through bot.handleUpdate", () => {
  it("/start welcomes; unknown text is not understood", async () => {
    const { send, transcript } = createDemo();
    await send("/start");
    await send("hello?");
    expect(transcript()).toEqual([texts.welcome, texts.notUnderstood]);
  });

  it("/name asks and greets", async () => {
    const { send, transcript } = createDemo();
    await send("/name");
    await send("Ann");
    expect(transcript()).toEqual(["What is your name?", "Hello, Ann!"]);
  });

  it("/name times out at ASK_TIMEOUT_MS through the clock", async () => {
    const { send, transcript, clock } = createDemo({ askTimeoutMs: 5_000 });
    await send("/name");
    await clock.advanceAsync(5_000);
    await vi.waitFor(() => expect(transcript()).toEqual(["What is your name?", texts.tooSlow]));
    await send("Ann");
    expect(transcript().at(-1)).toBe(texts.notUnderstood);
  });

  it("/cancel ends a wait once; with nothing running it says so", async () => {
    const { send, transcript } = createDemo();
    await send("/cancel");
    await send("/name");
    await send("/cancel");
    await send("Ann");
    expect(transcript()).toEqual([
      texts.nothingToCancel,
      "What is your name?",
      texts.cancelled,
      texts.notUnderstood,
    ]);
  });

  it("another command while /name waits ends the wait silently and runs that command", async () => {
    const { send, transcript } = createDemo();
    await send("/name");
    await send("/start");
    await send("Ann");
    expect(transcript()).toEqual(["What is your name?", texts.welcome, texts.notUnderstood]);
  });

  it("/order takes an order inside the full demo, and /cancel leaves it", async () => {
    const { send, transcript } = createDemo();
    for (const text of [
      "/order",
      "Yes",
      "Pizza",
      "/start",
      "Tea",
      "Finish",
      "/order",
      "/cancel",
      "Yes",
    ]) {
      await send(text);
    }
    expect(transcript()).toEqual([
      "Hello, Ann! Are you hungry?",
      "No worries, I've got your back!",
      "What are you gonna order? Cart: Empty",
      "Added Pizza",
      "What are you gonna order? Cart: Pizza",
      texts.welcome,
      "Added Tea",
      "What are you gonna order? Cart: Pizza, Tea",
      "Ordering Pizza, Tea",
      "Ordered!",
      "Again main menu! Are you hungry?",
      "Hello, Ann! Are you hungry?",
      texts.cancelled,
      texts.notUnderstood,
    ]);
  });

  it("/form validates each step, goes back with the Back button, and saves", async () => {
    const { send, press, transcript } = createDemo();
    for (const text of ["/form", "not-an-email", "ann@example.com", "200", "33"]) await send(text);
    await press("back");
    for (const text of ["34", "Lisbon"]) await send(text);
    expect(transcript()).toEqual([
      "Step 1/3: your email?",
      "That does not look like an email address.",
      "Step 1/3: your email?",
      "Step 2/3: your age? [Back]",
      "Age must be a whole number from 1 to 150.",
      "Step 2/3: your age? [Back]",
      "Step 3/3: your city? [Back]",
      "Step 2/3: your age? [Back]",
      "Step 3/3: your city? [Back]",
      "Saved: email=ann@example.com, age=34, city=Lisbon",
    ]);
  });
});

describe("demo /weather (the Io flow in Telegram)", () => {
  it("finds a city, offers continue and quit, and terminates", async () => {
    const { send, press, transcript } = createDemo();
    await send("/weather");
    await vi.waitFor(() => expect(transcript()).toEqual(["Name a city:"]));
    await send("atlantis");
    await vi.waitFor(() => expect(transcript()).toHaveLength(3));
    await send("paris");
    await vi.waitFor(() => expect(transcript()).toHaveLength(6));
    await press("0");
    await vi.waitFor(() => expect(transcript()).toHaveLength(7));
    await send("Berlin");
    await vi.waitFor(() => expect(transcript()).toHaveLength(10));
    await press("1");
    await vi.waitFor(() => expect(transcript()).toHaveLength(11));
    expect(transcript()).toEqual([
      "Name a city:",
      "Found nothing. I know Paris, Berlin, London, Tokyo, New York, Madrid, Rome, and Sydney.",
      "Name a city:",
      ...paris,
      "Name a city:",
      "Found Berlin (Germany) at latitude 52.52437 and longitude 13.41053",
      "Current temperature is 3.0 °C",
      "What should we do next? [continue|quit]",
      "Terminating",
    ]);
    await send("more text");
    expect(transcript().at(-1)).toBe(texts.notUnderstood);
  });

  it("accepts a typed choice, and answers an invalid one with Try again", async () => {
    const { send, transcript } = createDemo();
    await send("/weather");
    await send("Paris");
    await vi.waitFor(() => expect(transcript()).toHaveLength(4));
    await send("maybe");
    await vi.waitFor(() => expect(transcript()).toHaveLength(6));
    await send("quit");
    await vi.waitFor(() => expect(transcript()).toHaveLength(7));
    expect(transcript().slice(4)).toEqual([
      "Try again",
      "What should we do next? [continue|quit]",
      "Terminating",
    ]);
  });

  it("a second /weather while one runs is refused", async () => {
    const { send, transcript } = createDemo();
    await send("/weather");
    await send("/weather");
    await vi.waitFor(() => expect(transcript()).toEqual(["Name a city:", texts.alreadyRunning]));
  });

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

describe("demo /count (a per-chat delegate)", () => {
  it("counts later messages, not the command, and closes after the silence", async () => {
    const { send, transcript, clock } = createDemo({ countIdleMs: 2_500 });
    await send("/count");
    await send("a");
    await send("b");
    await clock.advanceAsync(2_499);
    await send("c");
    await clock.advanceAsync(2_500);
    await vi.waitFor(() => expect(transcript()).toHaveLength(5));
    expect(transcript()).toEqual([
      texts.counting,
      "1",
      "2",
      "3",
      "Counter closed after 2.5 s of silence.",
    ]);
    await send("d");
    expect(transcript().at(-1)).toBe(texts.notUnderstood);
  });

  it("/cancel closes it with one Cancelled.; other commands still run while counting", async () => {
    const { send, transcript } = createDemo();
    await send("/count");
    await send("x");
    await send("/start");
    await send("/cancel");
    await send("y");
    expect(transcript()).toEqual([
      texts.counting,
      "1",
      texts.welcome,
      texts.cancelled,
      texts.notUnderstood,
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
