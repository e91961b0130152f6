/**
 * Feeding updates to a bot the way a real feed would, in waves: one wave is one update from each
 * user. Updates are built before a wave's clock starts, so only the framework is timed.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { UpdateFactory } from "colloquy/testing";

/** Hands one update to a bot; resolves when the framework is done with it (`handleUpdate`). */
export type Feed = (update: Update) => Promise<unknown>;

/**
 * `seq`: one update at a time, each awaited (long polling with `bot.start()`, a webhook under
 * low load). `par`: the whole wave in flight at once, as @grammyjs/runner dispatches a batch.
 */
export type FeedMode = "seq" | "par";

/** Wall and CPU time of some updates, in milliseconds. CPU counts every thread (GC helpers too). */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Users with private chats, ids from `firstId`; each builds its own updates. */
export function makeUsers(count: number, firstId = 1_000_000): UpdateFactory[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new UpdateFactory({ from: { id: firstId + i, is_bot: false, first_name: `User${i}` } }),
  );
}

/** Feeds one wave and times it. */
export async function feedWave(
  feed: Feed,
  updates: readonly Update[],
  mode: FeedMode,
): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  if (mode === "seq") {
    for (const update of updates) await feed(update);
  } else {
    await Promise.all(updates.map(feed));
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Adds timings up. */
export function sumTimings(timings: readonly Timing[]): Timing {
  let wallMs = 0;
  let cpuMs = 0;
  for (const t of timings) {
    wallMs += t.wallMs;
    cpuMs += t.cpuMs;
  }
  return { wallMs, cpuMs };
}

/** The text every answer carries; never a command, so no bypass fires. */
export const ANSWER_TEXT = "an answer";

/**
 * Runs a K-step conversation for every user: a `/start` wave, then K waves of answers. Returns
 * each wave's timing (index 0 is the `/start` wave, index k answers the k-th question).
 */
export async function driveConversation(
  feed: Feed,
  users: readonly UpdateFactory[],
  steps: number,
  mode: FeedMode,
): Promise<Timing[]> {
  const waves: Timing[] = [];
  waves.push(
    await feedWave(
      feed,
      users.map((u) => u.command("/start")),
      mode,
    ),
  );
  for (let step = 1; step <= steps; step++) {
    waves.push(
      await feedWave(
        feed,
        users.map((u) => u.text(ANSWER_TEXT)),
        mode,
      ),
    );
  }
  return waves;
}

/** Feeds `total` plain text updates from `users`, in waves, and times them all. */
export async function driveTexts(
  feed: Feed,
  users: readonly UpdateFactory[],
  total: number,
  mode: FeedMode,
): Promise<Timing> {
  const waves: Timing[] = [];
  for (let sent = 0; sent < total; sent += users.length) {
    const wave = users.slice(0, Math.min(users.length, total - sent)).map((u) => u.text("hi"));
    waves.push(await feedWave(feed, wave, mode));
  }
  return sumTimings(waves);
}
