/**
 * Who gets a message when a user is in several of the demo's flows at once: the flow they entered
 * most recently (issue 22, §1). Every ordered pair of the demo's flow kinds is played.
 */
import { describe, expect, it, vi } from "vitest";
import { texts } from "../../examples/demo/texts.js";
import { createDemo } from "./harness.js";

/** How to enter each flow, a message only that flow understands, and its answer to it. */
const flows = {
  name: { enter: "/name", answer: "Ann", reply: "Hello, Ann!" },
  weather: {
    enter: "/weather",
    answer: "Paris",
    reply: "Found Paris (France) at latitude 48.85341 and longitude 2.3488",
  },
  order: { enter: "/order", answer: "Yes", reply: "No worries, I've got your back!" },
  form: { enter: "/form", answer: "ann@example.com", reply: "Step 2/3: your age? [Back]" },
  count: { enter: "/count", answer: "a", reply: "1" },
} as const;

type Flow = keyof typeof flows;
const names = Object.keys(flows) as Flow[];
const pairs = names.flatMap((first) =>
  names.filter((second) => second !== first).map((second) => [first, second] as const),
);

describe("demo: one user in two flows", () => {
  it.each(pairs)("in %s, then %s: the second one gets the answer", async (first, second) => {
    const { send, transcript } = createDemo();
    await send(flows[first].enter);
    await send(flows[second].enter);
    // The Io flow answers after its handler returns: wait for each prompt before going on.
    await vi.waitFor(() => expect(transcript().length).toBeGreaterThanOrEqual(2));
    const before = transcript().length;
    await send(flows[second].answer);
    await vi.waitFor(() => expect(transcript().length).toBeGreaterThan(before));
    expect(transcript()[before]).toBe(flows[second].reply);
  });

  it("counts again once the flow started after /count has ended", async () => {
    const { send, transcript } = createDemo();
    for (const line of ["/count", "a", "/name", "Ann", "b"]) await send(line);
    expect(transcript()).toEqual([texts.counting, "1", "What is your name?", "Hello, Ann!", "2"]);
  });
});
