import { UpdateFactory } from "colloquy/testing";
import { describe, expect, it } from "vitest";
import { restartable } from "./harness.js";

const ann = { id: 7, is_bot: false, first_name: "Ann" };

/** A three-question conversation that keeps the ids of the prompts it sent. */
const profile = () => {
  const promptIds: number[] = [];
  const setup = restartable("profile", async (conv) => {
    const name = await conv.ask("Name?");
    promptIds.push(conv.replaying ? -1 : 0);
    const age = await conv.ask("Age?");
    const city = await conv.ask("City?");
    const done = await city.reply(
      `${name.message?.text}, ${age.message?.text}, ${city.message?.text}`,
    );
    promptIds.push(done.message_id);
  });
  return { ...setup, promptIds };
};

describe("durable conversations", () => {
  it("run live: one prompt per answer, and the journal is gone at the end", async () => {
    const setup = profile();
    const { bot } = setup.start();
    const user = new UpdateFactory({ from: ann });
    await bot.handleUpdate(user.command("/profile"));
    await bot.handleUpdate(user.text("Ann"));
    await bot.handleUpdate(user.text("33"));
    await bot.handleUpdate(user.text("Oslo"));
    expect(setup.sent()).toEqual(["Name?", "Age?", "City?", "Ann, 33, Oslo"]);
    await bot.handleUpdate(user.text("again"));
    expect(setup.sent().at(-1)).toBe("fallthrough: again");
    expect(setup.errors).toEqual([]);
  });

  it("after a restart, replay sends nothing and goes on live from where it waited", async () => {
    const setup = profile();
    const first = setup.start();
    const user = new UpdateFactory({ from: ann });
    await first.bot.handleUpdate(user.command("/profile"));
    await first.bot.handleUpdate(user.text("Ann"));
    expect(setup.sent()).toEqual(["Name?", "Age?"]);

    const second = setup.start();
    await second.bot.handleUpdate(user.text("33"));
    // Replay re-ran "Name?" and "Age?" from the journal: only "City?" was sent.
    expect(second.calls()).toBe(1);
    expect(setup.sent()).toEqual(["Name?", "Age?", "City?"]);
    await second.bot.handleUpdate(user.text("Oslo"));
    expect(setup.sent()).toEqual(["Name?", "Age?", "City?", "Ann, 33, Oslo"]);
    expect(setup.errors).toEqual([]);
  });
});
