/**
 * The users, chat and registry the registry's unit tests share.
 *
 * @module
 */
import { ManualClock } from "../testing/manual-clock.js";
import { UpdateFactory } from "../testing/updates.js";
import { ListenerRegistry } from "./registry.js";

export const ann = { id: 7, is_bot: false, first_name: "Ann" };
export const bob = { id: 8, is_bot: false, first_name: "Bob" };
export const group = { id: -100, type: "supergroup" as const, title: "g" };
export const inGroup = (from = ann) => new UpdateFactory({ chat: group, from });

export function setup(options: { defaultTimeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const registry = new ListenerRegistry({ clock, ...options });
  return { clock, registry };
}
