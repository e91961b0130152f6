import { MemoryHistory, MemoryStorage } from "colloquy";
import { describe, expect, it } from "vitest";
import { BACK, createFormBot } from "./form-bot.js";

const formBot = () => createFormBot(new MemoryStorage());

const email = "Step 1/3: your email?";
const age = "Step 2/3: your age? [Back]";
const city = "Step 3/3: your city? [Back]";
const badEmail = "That does not look like an email address.";
const badAge = "Age must be a whole number from 1 to 150.";

describe("the demo's /form", () => {
  it("follows the golden transcript: three steps, then what was saved", async () => {
    const { say } = formBot();
    expect(await say("/form")).toEqual([email]);
    expect(await say("ann@example.com")).toEqual([age]);
    expect(await say("36")).toEqual([city]);
    expect(await say("Lisbon")).toEqual(["Saved: email=ann@example.com, age=36, city=Lisbon"]);
    expect(await say("Lisbon")).toEqual(["I did not understand. Try /start."]);
  });

  it("says what is wrong with an answer and asks the same step again", async () => {
    const { say } = formBot();
    await say("/form");
    expect(await say("ann", "ann@", " ann@example.com ")).toEqual([
      badEmail,
      email,
      badEmail,
      email,
      age,
    ]);
    for (const wrong of ["0", "151", "-3", "12.5", "1e2", "thirty", "36 years"]) {
      expect(await say(wrong)).toEqual([badAge, age]);
    }
    expect(await say("150")).toEqual([city]);
    expect(await say("Porto")).toEqual(["Saved: email=ann@example.com, age=150, city=Porto"]);
  });

  it("accepts every address a browser's email field does, short ones too", async () => {
    const { say } = formBot();
    await say("/form");
    expect(await say("a@b.c")).toEqual([age]);
    await say("/form");
    expect(await say("ann.o'neil+bot@mail.example")).toEqual([age]);
  });

  it("goes back a step with Back, to what was typed there, and answers every press", async () => {
    const { say, answered, toasts } = formBot();
    await say("/form", "ann@example.com", "36");
    expect(await say(BACK)).toEqual([age]);
    expect(await say(BACK)).toEqual([email]);
    // Step 1 has no Back button; a press on an older prompt's button stays on step 1.
    expect(await say(BACK)).toEqual([]);
    expect(await say("bob@example.com", "40", BACK, "41")).toEqual([age, city, age, city]);
    expect(await say("Oslo")).toEqual(["Saved: email=bob@example.com, age=41, city=Oslo"]);
    // Once the form is over, Back does nothing, but the press is still answered.
    expect(await say(BACK)).toEqual([]);
    expect(answered()).toBe(5);
    // The presses that could not go back said so.
    const inactive = "This button is no longer active.";
    expect(toasts()).toEqual([undefined, undefined, inactive, undefined, inactive]);
  });

  it("keeps no step behind a user who starts again or cancels", async () => {
    const { say } = formBot();
    await say("/form", "ann@example.com", "36");
    expect(await say("/form", BACK)).toEqual([email]);
    await say("ann@example.com");
    expect(await say("/cancel", "36", BACK)).toEqual([
      "Cancelled.",
      "I did not understand. Try /start.",
    ]);
    expect(await say("/cancel")).toEqual(["Nothing to cancel."]);
  });

  it("keeps its history where it is told to", async () => {
    const history = new MemoryHistory();
    const { say } = createFormBot(new MemoryStorage(), history);
    await say("/form", "ann@example.com", "36");
    expect(await history.list("form:chat:5/user:5")).toEqual([
      expect.objectContaining({ step: "email", data: {} }),
      expect.objectContaining({ step: "age", data: { email: "ann@example.com" } }),
    ]);
    expect(await say(BACK)).toEqual([age]);
    expect(await history.list("form:chat:5/user:5")).toHaveLength(1);
  });
});
