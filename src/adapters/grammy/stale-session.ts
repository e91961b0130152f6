/**
 * A development check for a common mistake: writing to the session of the context a handler
 * started with after it suspended in `ask`. That update's session was saved when the update was
 * done; later writes to it are lost. The answer's context has the live session.
 *
 * @module
 */
import type { Context } from "grammy";

function snapshot(ctx: Context): string | undefined {
  try {
    const session = (ctx as Context & { session?: unknown }).session;
    return session === undefined ? undefined : JSON.stringify(session);
  } catch {
    // A session that cannot be read or serialised is not ours to judge.
    return undefined;
  }
}

/**
 * Watches `ctx.session` from the first suspension on; `check()` warns once if it changed since.
 * Does nothing when the context has no session.
 */
export function watchStaleSession(ctx: Context): { suspended(): void; check(): void } {
  let saved: string | undefined;
  let warned = false;
  return {
    suspended() {
      if (saved === undefined) saved = snapshot(ctx);
      else this.check();
    },
    check() {
      if (warned || saved === undefined || snapshot(ctx) === saved) return;
      warned = true;
      console.warn(
        `colloquy: ctx.session of update ${ctx.update.update_id} was changed after the handler ` +
          "waited in ctx.ask/waitFor; that update's session was already saved, so the change is " +
          "lost. Change the session through the answer's context instead (answer.session).",
      );
    },
  };
}
