/**
 * The keys of a context's update, read once per context and shared by the middleware that needs
 * them (coordination, then the plugin and its waits).
 *
 * @module
 */
import type { Context } from "grammy";
import { type UpdateKeys, updateKeys } from "../../keys.js";

const KEYS: unique symbol = Symbol("colloquy.keys");

/** The keys of `ctx`'s update, read on the first call and kept on the context. */
export function keysOf(ctx: Context): UpdateKeys {
  const holder = ctx as Context & { [KEYS]?: UpdateKeys };
  let keys = holder[KEYS];
  if (keys === undefined) {
    keys = updateKeys(ctx.update);
    holder[KEYS] = keys;
  }
  return keys;
}
