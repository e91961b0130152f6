/**
 * A scripted conversation driven through colloquy's core listener registry, printed as a
 * transcript. No token, no network: the "user" is a list of updates fed one by one.
 */
import type { Update } from "@grammyjs/types";
import { ListenerRegistry, ListenerTimeoutError } from "colloquy";
import { ManualClock, UpdateFactory } from "colloquy/testing";

const clock = new ManualClock();
const registry = new ListenerRegistry({ clock });
const user = new UpdateFactory({ from: { id: 1, is_bot: false, first_name: "Ann" } });
const say = (text: string) => console.log(`bot> ${text}`);

async function ask(question: string, timeoutMs = 60_000): Promise<string> {
  say(question);
  const reply: Update = await registry.wait({ chatId: 1, userId: 1 }, { timeoutMs });
  return reply.message?.text ?? "";
}

async function conversation(): Promise<void> {
  const name = await ask("What is your name?");
  say(`Hello, ${name}!`);
  const city = await ask("Which city do you live in?");
  say(`${city} is lovely.`);
  try {
    await ask("Anything else? (nobody answers this one)", 5_000);
  } catch (error) {
    if (!(error instanceof ListenerTimeoutError)) throw error;
    say("You took too long. Bye!");
  }
}

const done = conversation();
for (const text of ["Ann", "Lisbon"]) {
  await Promise.resolve();
  console.log(`you> ${text}`);
  registry.offer(user.text(text));
  await new Promise((resolve) => setImmediate(resolve));
}
console.log("(five seconds pass on the manual clock)");
clock.advance(5_000);
await done;
console.log(`stats: ${JSON.stringify(registry.stats())}`);
