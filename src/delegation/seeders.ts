/**
 * Seeders decide which delegate an update belongs to (telepot's seed-calculating functions).
 *
 * @module
 */
import type { Update } from "@grammyjs/types";
import { scopes, type UpdateKeys, type UpdateKind, updateKeys } from "../keys.js";

/**
 * A seed that starts a delegate of its own, which no later update can reach
 * (`seeders.perMessage()`); `oneOff` labels it in messages.
 */
export interface OneOffSeed {
  readonly oneOff: string;
}

/**
 * Names a delegate: every update with the same string seed goes to the same live delegate. A
 * {@link OneOffSeed} always starts a new one.
 */
export type Seed = string | OneOffSeed;

/** Any function from an update to its seed; `undefined` means "no delegate for this update". */
export type SeedFn = (update: Update) => Seed | undefined;

/** A built-in seeder, narrowed by chaining its methods (each returns a new seeder). */
export interface Seeder extends SeedFn {
  /** Only updates whose subject id (see each seeder) is one of `ids`. */
  in(ids: Iterable<number>): Seeder;
  /** Only updates whose subject id is not one of `ids` (updates without one pass). */
  except(ids: Iterable<number>): Seeder;
  /** Only updates of these kinds (the top-level part of a filter query, e.g. `"message"`). */
  on(...kinds: UpdateKind[]): Seeder;
}

interface SeederSpec {
  readonly seed: (keys: UpdateKeys, update: Update) => Seed | undefined;
  /** The id that `in` and `except` test. */
  readonly subject: (keys: UpdateKeys) => number | undefined;
  readonly accepts: (keys: UpdateKeys) => boolean;
}

function build(spec: SeederSpec): Seeder {
  const seeder = (update: Update): Seed | undefined => {
    const keys = updateKeys(update);
    return spec.accepts(keys) ? spec.seed(keys, update) : undefined;
  };
  const narrowed = (test: (keys: UpdateKeys) => boolean): Seeder =>
    build({ ...spec, accepts: (keys) => spec.accepts(keys) && test(keys) });
  const membership = (ids: Iterable<number>, wanted: boolean): Seeder => {
    const set = new Set(ids);
    return narrowed((keys) => {
      const id = spec.subject(keys);
      return id === undefined ? !wanted : set.has(id) === wanted;
    });
  };
  return Object.assign(seeder, {
    in: (ids: Iterable<number>) => membership(ids, true),
    except: (ids: Iterable<number>) => membership(ids, false),
    on(...kinds: UpdateKind[]): Seeder {
      const set = new Set<string>(kinds);
      return narrowed((keys) => set.has(keys.kind));
    },
  });
}

const chatId = (keys: UpdateKeys): number | undefined => keys.chatId;
const userId = (keys: UpdateKeys): number | undefined => keys.userId;
const any = (): boolean => true;
const inlineKinds = new Set<string>(["inline_query", "chosen_inline_result"]);

function callbackOrigin(keys: UpdateKeys): string | undefined {
  if (keys.inlineMessageId !== undefined) return `inline-message:${keys.inlineMessageId}`;
  const chat = scopes.chat(keys);
  return chat === undefined || keys.messageId === undefined
    ? undefined
    : `${chat}/message:${keys.messageId}`;
}

/**
 * The built-in seeders. Each names a subject id that `in` and `except` test.
 *
 * @example
 * ```ts
 * bot.use(delegate(seeders.perChat().except([adminChat]).on("message"), MessageCounter));
 * bot.use(delegate(seeders.chain(seeders.perInlineUser(), seeders.perChat()), handler));
 * ```
 */
export const seeders: {
  /** One delegate per chat (within its business connection); subject: the chat id. */
  readonly perChat: () => Seeder;
  /** One delegate per user, across chats; subject: the user id. */
  readonly perUser: () => Seeder;
  /** One delegate per user in each chat (and forum topic); subject: the user id. */
  readonly perUserInChat: () => Seeder;
  /** One delegate per user's inline queries and chosen results; subject: the user id. */
  readonly perInlineUser: () => Seeder;
  /**
   * One delegate per message whose inline buttons were pressed (a chat message or an inline-mode
   * message); only callback queries; subject: the chat id.
   */
  readonly perCallbackOrigin: () => Seeder;
  /** A new delegate for every update, never recorded; subject: the chat id. */
  readonly perMessage: () => Seeder;
  /** One delegate for the whole bot; subject: the chat id. */
  readonly perApplication: () => Seeder;
  /** The seed of the first seeder that gives one. */
  readonly chain: (...seeders: SeedFn[]) => SeedFn;
} = {
  perChat: () => build({ seed: scopes.chat, subject: chatId, accepts: any }),
  perUser: () => build({ seed: scopes.user, subject: userId, accepts: any }),
  perUserInChat: () => build({ seed: scopes.userInChat, subject: userId, accepts: any }),
  perInlineUser: () =>
    build({ seed: scopes.user, subject: userId, accepts: (keys) => inlineKinds.has(keys.kind) }),
  perCallbackOrigin: () =>
    build({
      seed: callbackOrigin,
      subject: chatId,
      accepts: (keys) => keys.kind === "callback_query",
    }),
  perMessage: () =>
    build({
      seed: (_, update) => ({ oneOff: `update:${update.update_id}` }),
      subject: chatId,
      accepts: any,
    }),
  perApplication: () => build({ seed: () => "application", subject: chatId, accepts: any }),
  chain:
    (...list) =>
    (update) => {
      for (const seeder of list) {
        const seed = seeder(update);
        if (seed !== undefined) return seed;
      }
      return undefined;
    },
};

/** A seed as text, for messages and errors. */
export function seedLabel(seed: Seed): string {
  return typeof seed === "string" ? seed : seed.oneOff;
}
