/**
 * (c) a K-step `ctx.ask` conversation on colloquy, (d) the same on @grammyjs/conversations v2,
 * (e) as a Telegraf WizardScene and (g) as the smallest await-in-a-handler `ask` without colloquy
 * (`floorBot`), each fed one update at a time and with a wave in flight.
 *
 * The peers run over fewer users where they are slow (conversations v2 replays every earlier
 * step on each update): µs per update does not depend on the user count, and the row's label
 * says how many ran.
 *
 * @module
 */
import { check, ratio } from "../harness/figures.js";
import type { BenchRow, BenchSuite, Figure } from "../harness/types.js";
import { type BenchBot, colloquyBot, conversationsBot, floorBot, telegrafBot } from "./bots.js";
import { driveConversation, type FeedMode, makeUsers, sumTimings } from "./drive.js";
import { expectCount, perUpdate } from "./measure.js";

/** Conversation lengths measured. */
export const STEPS = [1, 5, 20, 50] as const;
const MODES: readonly FeedMode[] = ["seq", "par"];

/** Users for conversations v2 by mode and K: its cost grows with K, the run time must not. */
const CONVERSATIONS_USERS: Record<FeedMode, Record<number, number>> = {
  seq: { 1: 200, 5: 100, 20: 40, 50: 16 },
  par: { 1: 1000, 5: 1000, 20: 200, 50: 80 },
};

interface Framework {
  /** Row names start with it: `${prefix}/k20/seq`. */
  readonly prefix: string;
  readonly title: string;
  make(steps: number): BenchBot;
  /** Users per row (full size); a `par` row has them all in flight at once. */
  users(steps: number, mode: FeedMode): number;
  readonly reps?: number;
}

const frameworks = {
  c: {
    prefix: "colloquy/ask",
    title: "(c) colloquy ctx.ask",
    make: colloquyBot,
    users: () => 1000,
  },
  d: {
    prefix: "conversations",
    title: "(d) @grammyjs/conversations v2",
    make: conversationsBot,
    // Each update replays all earlier steps, and each replay ends on a setTimeout(0) tick.
    users: (steps, mode) => CONVERSATIONS_USERS[mode][steps] ?? 20,
    reps: 3,
  },
  e: {
    prefix: "telegraf/wizard",
    title: "(e) Telegraf WizardScene",
    make: telegrafBot,
    users: () => 1000,
    reps: 3,
  },
  // Not in the list: what any await-in-a-handler conversation costs on grammY without
  // colloquy, so (c)'s ratios to (f) can be told apart from what merely waiting costs.
  g: {
    prefix: "floor",
    title: "(g) smallest await-in-handler ask, no colloquy",
    make: floorBot,
    users: () => 1000,
  },
} satisfies Record<string, Framework>;

/** The row name of `framework` at `steps` and `mode`. */
function rowName(framework: Framework, steps: number, mode: FeedMode): string {
  return `${framework.prefix}/k${steps}/${mode}`;
}

function conversationRow(framework: Framework, steps: number, mode: FeedMode): BenchRow {
  const full = framework.users(steps, mode);
  const how = mode === "seq" ? "one at a time" : "all in flight";
  return {
    name: rowName(framework, steps, mode),
    label: `${framework.title}, K=${steps}, ${full} users, ${how}`,
    unit: "µs/update",
    ...(framework.reps === undefined ? {} : { reps: framework.reps }),
    async measure(context) {
      const users = makeUsers(context.size(full, Math.min(full, 20)));
      const bot = framework.make(steps);
      const waves = await driveConversation(bot.feed, users, steps, mode);
      await bot.close();
      expectCount("finished conversations", bot.finished(), users.length);
      const first = waves[1]?.wallMs ?? Number.NaN;
      const last = waves[steps]?.wallMs ?? Number.NaN;
      const extra = steps > 1 ? { "last/first": last / first } : {};
      return perUpdate(sumTimings(waves), users.length * (steps + 1), extra);
    },
  };
}

function figuresAt(steps: number, mode: FeedMode): Figure[] {
  const { c, d, e, g } = frameworks;
  const at = `k${steps} ${mode}`;
  const ours = rowName(c, steps, mode);
  const figures = [
    ratio(`c/f ${at}`, "colloquy ask over a plain grammY reply", ours, `grammy/reply/${mode}`, {
      op: "<=",
      value: 1.5,
    }),
    ratio(`d/c ${at}`, "conversations v2 over colloquy", rowName(d, steps, mode), ours),
    ratio(`e/c ${at}`, "Telegraf wizard over colloquy", rowName(e, steps, mode), ours),
    ratio(
      `g/f ${at}`,
      "waiting without colloquy over a plain reply",
      rowName(g, steps, mode),
      `grammy/reply/${mode}`,
    ),
    ratio(`c/g ${at}`, "colloquy ask over waiting without colloquy", ours, rowName(g, steps, mode)),
  ];
  if (steps > 1) {
    figures.push(
      check(`c last/first ${at}`, "colloquy: answer K over answer 1", `${ours}#last/first`, "×", {
        op: "<=",
        value: 1.1,
      }),
    );
  }
  return figures;
}

/** Rows (c), (d), (e) for every K and feed mode, with their ratios to (f) and to each other. */
export const conversationSuite: BenchSuite = {
  name: "conversation",
  rows: Object.values(frameworks).flatMap((framework) =>
    STEPS.flatMap((steps) => MODES.map((mode) => conversationRow(framework, steps, mode))),
  ),
  figures: STEPS.flatMap((steps) => MODES.flatMap((mode) => figuresAt(steps, mode))),
};
