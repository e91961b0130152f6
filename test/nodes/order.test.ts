import { MemoryStorage } from "colloquy";
import { describe, expect, it } from "vitest";
import { createOrderBot } from "./order-bot.js";

const orderBot = () => createOrderBot(new MemoryStorage());

const menu = "[Yes|No]";
const cartKeys = "[Finish|Cancel]";

describe("the demo's /order", () => {
  it("follows the golden transcript", async () => {
    const { say } = orderBot();
    expect(await say("/order")).toEqual([`Hello, Ann! Are you hungry? ${menu}`]);
    expect(await say("Maybe")).toEqual(["Say what?"]);
    expect(await say("Yes")).toEqual([
      "No worries, I've got your back!",
      `What are you gonna order? Cart: Empty ${cartKeys}`,
    ]);
    expect(await say("Finish")).toEqual(["Cart is empty! Write Cancel to cancel the order"]);
    expect(await say("Pizza", "Sushi")).toEqual([
      "Added Pizza",
      `What are you gonna order? Cart: Pizza ${cartKeys}`,
      "Added Sushi",
      `What are you gonna order? Cart: Pizza, Sushi ${cartKeys}`,
    ]);
    expect(await say("Finish")).toEqual([
      "Ordering Pizza, Sushi",
      "Ordered!",
      `Again main menu! Are you hungry? ${menu}`,
    ]);
    expect(await say("Yes", "Tea", "Cancel")).toEqual([
      "No worries, I've got your back!",
      `What are you gonna order? Cart: Empty ${cartKeys}`,
      "Added Tea",
      `What are you gonna order? Cart: Tea ${cartKeys}`,
      "Order cancelled!",
      `Again main menu! Are you hungry? ${menu}`,
    ]);
    expect(await say("No", "Hi again")).toEqual([
      "Write me when you are ready then!",
      `Again main menu! Are you hungry? ${menu}`,
    ]);
  });

  it("restarts with /order while in the flow, and leaves it with /cancel", async () => {
    const { say } = orderBot();
    await say("/order", "Yes", "Pizza");
    expect(await say("/order")).toEqual([`Hello, Ann! Are you hungry? ${menu}`]);
    expect(await say("Yes")).toEqual([
      "No worries, I've got your back!",
      `What are you gonna order? Cart: Empty ${cartKeys}`,
    ]);
    expect(await say("/cancel", "Pizza")).toEqual([
      "Cancelled.",
      "I did not understand. Try /start.",
    ]);
    expect(await say("/cancel")).toEqual(["Nothing to cancel."]);
  });
});
