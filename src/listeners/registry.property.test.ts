import type { Update } from "@grammyjs/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListenerTimeoutError } from "../errors.js";
import { ManualClock } from "../testing/manual-clock.js";
import { UpdateFactory } from "../testing/updates.js";
import type { WaitMatch } from "./match.js";
import { ListenerRegistry } from "./registry.js";

type Op =
  | {
      op: "wait";
      chat: number;
      user?: number;
      message?: number;
      timeoutMs?: number;
      even?: boolean;
    }
  | { op: "offer"; chat: number; user: number; replyTo?: number; text: number }
  | { op: "cancel"; chat: number; user?: number }
  | { op: "advance"; ms: number };

const small = (n: number) => fc.integer({ min: 1, max: n });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record(
    {
      op: fc.constant("wait" as const),
      chat: small(2),
      user: small(2),
      message: small(2),
      timeoutMs: fc.integer({ min: 1, max: 50 }),
      even: fc.boolean(),
    },
    { requiredKeys: ["op", "chat"] },
  ),
  fc.record(
    {
      op: fc.constant("offer" as const),
      chat: small(2),
      user: small(2),
      replyTo: small(2),
      text: fc.nat(9),
    },
    { requiredKeys: ["op", "chat", "user", "text"] },
  ),
  fc.record(
    { op: fc.constant("cancel" as const), chat: small(2), user: small(2) },
    { requiredKeys: ["op", "chat"] },
  ),
  fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 30 }) }),
);

function matches(match: WaitMatch<Update>, update: Update): boolean {
  const message = update.message;
  if (message === undefined || message.chat.id !== match.chatId) return false;
  if (match.userId !== undefined && message.from?.id !== match.userId) return false;
  if (match.messageId !== undefined && message.reply_to_message?.message_id !== match.messageId) {
    return false;
  }
  return match.filter?.(update, match) ?? true;
}

describe("ListenerRegistry under random interleavings", () => {
  it("never delivers an update twice or to a non-matching wait, and leaves nothing behind", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const clock = new ManualClock();
        const registry = new ListenerRegistry({ clock, maxPerUser: 1000, maxPerChat: 1000 });
        const deliveries = new Map<Update, number>();
        const pending: Promise<void>[] = [];
        const factory = new UpdateFactory();
        for (const step of ops) {
          if (step.op === "wait") {
            const match: WaitMatch<Update> = {
              chatId: step.chat,
              ...(step.user === undefined ? {} : { userId: step.user }),
              ...(step.message === undefined ? {} : { messageId: step.message }),
              ...(step.even ? { filter: (u: Update) => Number(u.message?.text) % 2 === 0 } : {}),
            };
            const options = step.timeoutMs === undefined ? {} : { timeoutMs: step.timeoutMs };
            pending.push(
              registry.wait(match, options).then(
                (update) => {
                  expect(matches(match, update)).toBe(true);
                  deliveries.set(update, (deliveries.get(update) ?? 0) + 1);
                },
                (error: unknown) => {
                  if (!(error instanceof Error) || !error.name.startsWith("Listener")) throw error;
                },
              ),
            );
          } else if (step.op === "offer") {
            const chat = { id: step.chat, type: "group" as const, title: "g" };
            const from = { id: step.user, is_bot: false, first_name: "U" };
            const update = factory.text(String(step.text), {
              chat,
              from,
              ...(step.replyTo === undefined ? {} : { replyTo: step.replyTo }),
            });
            registry.offer(update);
          } else if (step.op === "cancel") {
            registry.cancel({
              chatId: step.chat,
              ...(step.user === undefined ? {} : { userId: step.user }),
            });
          } else {
            clock.advance(step.ms);
          }
        }
        registry.shutdown();
        await Promise.all(pending);
        for (const count of deliveries.values()) expect(count).toBe(1);
        expect(registry.size).toBe(0);
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("fires every timeout exactly at its deadline", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 20 }),
        async (timeouts) => {
          const clock = new ManualClock();
          const registry = new ListenerRegistry({ clock });
          const start = clock.now();
          const firedAt: number[] = [];
          const waits = timeouts.map((timeoutMs, i) =>
            registry
              .wait(
                { chatId: i + 1 },
                { timeoutMs, onTimeout: () => void firedAt.push(clock.now() - start) },
              )
              .catch((error: unknown) => expect(error).toBeInstanceOf(ListenerTimeoutError)),
          );
          clock.advance(100);
          await Promise.all(waits);
          expect(firedAt).toEqual([...timeouts].sort((a, b) => a - b));
          expect(registry.size).toBe(0);
        },
      ),
    );
  });
});
