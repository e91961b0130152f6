/** A grammY test bot with one node flow on memory: `/go` enters it, other texts pass on. */
import { MemoryLock, MemoryStorage } from "colloquy";
import { UpdateFactory } from "colloquy/testing";
import type { Update } from "grammy/types";
import { type BotFlowOptions, createFlow } from "../../src/adapters/grammy/flow.js";
import { createTestBot, type TestBotOptions, type TestContext } from "../support/grammy.js";

export const ann = { id: 1, is_bot: false, first_name: "Ann" };
/** Ann's scope key in her private chat, as `scopes.userInChat` builds it. */
export const annScope = "chat:1/user:1";

export type FlowBotOptions = Pick<BotFlowOptions<TestContext>, "nodes" | "start"> &
  Partial<BotFlowOptions<TestContext>> & { readonly bot?: TestBotOptions };

export function createFlowBot({ bot: botOptions, ...options }: FlowBotOptions) {
  const testBot = createTestBot(botOptions);
  const { bot, clock } = testBot;
  const storage = options.storage ?? new MemoryStorage({ clock });
  const lock = options.lock ?? new MemoryLock({ clock });
  const flow = createFlow<TestContext>({ id: "t", clock, ...options, storage, lock });
  bot.command("go", (ctx) => flow.enter(ctx));
  bot.use(flow);
  /** Texts that went past the flow to the next handlers. */
  const passed: string[] = [];
  bot.on("message:text", (ctx) => {
    passed.push(ctx.message.text);
  });
  const user = new UpdateFactory({ from: ann });
  const updateOf = (text: string): Update =>
    text.startsWith("/") ? user.command(text) : user.text(text);
  const send = (text: string) => bot.handleUpdate(updateOf(text));
  /** Ann's storage key in flow "t" with the default prefix. */
  const key = `colloquy:flow:t:${annScope}`;
  return { ...testBot, storage, lock, flow, passed, user, updateOf, send, key };
}
