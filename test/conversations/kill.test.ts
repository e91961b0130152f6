/**
 * SIGKILL at every step of a 10-step durable conversation, in a real process on a real SQLite
 * file, answering through a Bot API server in this test (which keeps every message sent, across
 * processes, and hands out the message ids).
 *
 * The crash window: a message sent after an answer and before the conversation's next wait is
 * journaled is sent again when the process dies in between, since the answer's update is then
 * delivered again (Telegram redelivers an update whose webhook request failed, or that getUpdates
 * did not confirm) and the step runs again. A process killed while the conversation waits loses
 * and repeats nothing.
 *
 * Each conversation belongs to another user, so one pair of processes covers every step: the
 * first runs each user's conversation to its step k and is killed; the second, on the same file,
 * carries every conversation on to its end.
 */
import type { ChildProcessByStdio } from "node:child_process";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Update } from "@grammyjs/types";
import Database from "better-sqlite3";
import { UpdateFactory } from "colloquy/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { spawnTs, stop } from "../support/child.js";
import { type TempDir, tempDir } from "../support/temp-dir.js";

const script = fileURLToPath(new URL("./conversation-process.ts", import.meta.url));
const STEPS = 10;

/** One run of conversation-process.ts, taking updates as webhook requests. */
class BotProcess {
  readonly #child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  #port = 0;
  readonly output = { stdout: "", stderr: "" };

  private constructor(child: ChildProcessByStdio<Writable | null, Readable, Readable>) {
    this.#child = child;
    child.stdout.on("data", (chunk: Buffer) => {
      this.output.stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      this.output.stderr += chunk.toString();
    });
  }

  /** Starts the bot on `env` and resolves once it takes updates. */
  static async start(env: Record<string, string>): Promise<BotProcess> {
    const started = new BotProcess(spawnTs(script, { env }));
    await started.printed("listening ", "\n");
    started.#port = Number(/listening (\d+)\n/.exec(started.output.stdout)?.[1]);
    return started;
  }

  /** Resolves once stdout holds `text` (followed by `then`); rejects if the process ends first. */
  printed(text: string, then = ""): Promise<void> {
    const has = () => {
      const at = this.output.stdout.indexOf(text);
      return at >= 0 && this.output.stdout.indexOf(then, at + text.length) >= 0;
    };
    return new Promise((resolve, reject) => {
      if (has()) return resolve();
      const onData = () => {
        if (!has()) return;
        this.#child.stdout.off("data", onData);
        this.#child.off("exit", onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        reject(
          new Error(
            `the bot process ended (${signal ?? code}) before printing "${text}":\n` +
              `${this.output.stdout}\n${this.output.stderr}`,
          ),
        );
      this.#child.stdout.on("data", onData);
      this.#child.once("exit", onExit);
    });
  }

  #post(update: Update): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.#port}/`, {
      method: "POST",
      body: JSON.stringify(update),
    });
  }

  /** Delivers `update` and resolves once it was handled. */
  async deliver(update: Update): Promise<void> {
    const response = await this.#post(update);
    if (!response.ok) throw new Error(`update ${update.update_id}: ${await response.text()}`);
  }

  /** Delivers `update` to a process that will be killed before it answers. */
  deliverUnanswered(update: Update): void {
    this.#post(update).then(
      () => {
        throw new Error(`update ${update.update_id} was answered; it should have blocked`);
      },
      () => {},
    );
  }

  kill(): Promise<number | null> {
    return stop(this.#child, "SIGKILL");
  }
}

/** A user with a conversation of their own: their updates and answers. */
class Chatter {
  readonly id: number;
  readonly #updates: UpdateFactory;

  constructor(id: number) {
    this.id = id;
    // Update ids apart per user, as Telegram's are unique per bot.
    this.#updates = new UpdateFactory(
      { from: { id, is_bot: false, first_name: `U${id}` } },
      id * 100,
    );
  }

  enter(): Update {
    return this.#updates.command("/steps");
  }

  answerText(step: number): string {
    return `${this.id}.${step}`;
  }

  answer(step: number): Update {
    return this.#updates.text(this.answerText(step));
  }

  /** Every message the conversation should send, in order, each once. */
  expected(): string[] {
    const sent = ["Step 1/10?"];
    for (let step = 1; step <= STEPS; step++) {
      sent.push(`Got ${step}: ${this.answerText(step)}`);
      if (step < STEPS) sent.push(`Step ${step + 1}/${STEPS}?`);
    }
    const all = Array.from({ length: STEPS }, (_, i) => this.answerText(i + 1));
    sent.push(`Summary: ${all.join(", ")}`);
    return sent;
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The messages sent to `chat`, in order. */
const sentTo = (api: BotApiServer, chat: number): string[] =>
  api.calls
    .filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === chat)
    .map((c) => String(c.payload.text));

/** Copies sent beyond the first of each message. */
const duplicatesIn = (sent: string[]): string[] =>
  sent.filter((text, i) => sent.indexOf(text) !== i);

let api: BotApiServer | undefined;
let dir: TempDir | undefined;
const processes: BotProcess[] = [];
afterEach(async () => {
  for (const running of processes.splice(0)) await running.kill();
  await api?.stop();
  await dir?.remove();
});

describe("a durable conversation killed with SIGKILL at every step", () => {
  it("keeps every answer, loses no message, and repeats only what the crash window sent", async () => {
    api = await startBotApiServer();
    dir = await tempDir("conv-kill");
    const env = { TELEGRAM_API_ROOT: api.url, DB_PATH: join(dir.path, "bot.db") };
    // For each step k, one user's process dies while their conversation waits for answer k,
    // and another's after it replied to answer k, blocked before the next wait is journaled.
    const waiting = range(1, STEPS).map((k) => ({ k, user: new Chatter(100 + k) }));
    const inWindow = range(1, STEPS).map((k) => ({ k, user: new Chatter(200 + k) }));
    const block = inWindow.map(({ k, user }) => `${user.id}:${k}`).join(",");

    const first = await BotProcess.start({ ...env, BLOCK: block });
    processes.push(first);
    const cutOff = new Map<number, Update>();
    const upTo = async (user: Chatter, k: number) => {
      await first.deliver(user.enter());
      for (const step of range(1, k - 1)) await first.deliver(user.answer(step));
    };
    await Promise.all([
      ...waiting.map(({ k, user }) => upTo(user, k)),
      ...inWindow.map(async ({ k, user }) => {
        await upTo(user, k);
        const update = user.answer(k);
        cutOff.set(user.id, update);
        first.deliverUnanswered(update);
        await first.printed(`blocked ${user.id} ${k}\n`);
      }),
    ]);
    expect(sentTo(api, 105)).toEqual(waiting[4]?.user.expected().slice(0, 9));
    expect(sentTo(api, 205).at(-1)).toBe("Got 5: 205.5");
    expect(await first.kill()).toBe(null);

    const second = await BotProcess.start(env);
    processes.push(second);
    await Promise.all([
      ...waiting.map(async ({ k, user }) => {
        for (const step of range(k, STEPS)) await second.deliver(user.answer(step));
      }),
      ...inWindow.map(async ({ k, user }) => {
        // The update whose request failed when the process died comes again.
        await second.deliver(cutOff.get(user.id) as Update);
        for (const step of range(k + 1, STEPS)) await second.deliver(user.answer(step));
      }),
    ]);

    let duplicates = 0;
    for (const { k, user } of waiting) {
      const sent = sentTo(api, user.id);
      expect(sent, `killed waiting for answer ${k}`).toEqual(user.expected());
      duplicates += duplicatesIn(sent).length;
    }
    expect(duplicates, "kills while waiting repeat nothing").toBe(0);
    for (const { k, user } of inWindow) {
      const sent = sentTo(api, user.id);
      const again = duplicatesIn(sent);
      // The reply to answer k was sent, not journaled, and sent again after the restart.
      expect(again, `killed in the window after answer ${k}`).toEqual([
        `Got ${k}: ${user.answerText(k)}`,
      ]);
      expect(sent.filter((text, i) => sent.indexOf(text) === i)).toEqual(user.expected());
      duplicates += again.length;
    }
    expect(duplicates, "one repeat per kill in the crash window").toBe(inWindow.length);
    for (const { user } of [...waiting, ...inWindow]) {
      expect(sentTo(api, user.id).at(-1)).toBe(
        `Summary: ${range(1, STEPS)
          .map((step) => user.answerText(step))
          .join(", ")}`,
      );
    }
    expect(first.output.stderr + second.output.stderr).toBe("");

    // Every conversation ended: its journal is gone from the file.
    await second.kill();
    const db = new Database(env.DB_PATH);
    try {
      expect(db.prepare("SELECT key FROM colloquy_entries").all()).toEqual([]);
    } finally {
      db.close();
    }
    // Two process starts and ~240 updates: a few seconds on an idle machine; room for a busy one.
  }, 60_000);
});
