/**
 * The scopes other instances route by. They cannot evaluate a wait's predicates, so a scope is
 * only who and where: a user in a chat, a whole chat, or a user anywhere (chat-less waits).
 *
 * @module
 */
import type { UpdateKeys } from "../keys.js";
import { chatBase, type MatchScope } from "../listeners/match.js";

/**
 * The scope a wait is published under. A topic is left out on purpose: an update routed to the
 * owner that its wait does not match still runs the owner's normal handlers, so routing a little
 * too much costs a hop, never an answer.
 */
export function scopeOfWait(match: MatchScope): string {
  if (match.chatId === undefined) return `|u${match.userId}`;
  const base = chatBase(match.chatId, match.businessConnectionId);
  return match.userId === undefined ? base : `${base}|u${match.userId}`;
}

/** The scopes an update can answer, most specific first (the order `offer` prefers). */
export function scopesOfUpdate(keys: UpdateKeys): string[] {
  const scopes: string[] = [];
  const user = keys.userId === undefined ? undefined : `|u${keys.userId}`;
  if (keys.chatId !== undefined) {
    const base = chatBase(keys.chatId, keys.businessConnectionId);
    if (user !== undefined) scopes.push(base + user);
    scopes.push(base);
  }
  if (user !== undefined) scopes.push(user);
  return scopes;
}
