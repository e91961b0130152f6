/**
 * What instances tell each other: announcements of waits on the shared channel, and hand-overs
 * with their acknowledgements on each instance's own channel.
 *
 * @module
 */
import type { Update } from "@grammyjs/types";

/** On `…events`: an owner started (`+`) or stopped (`-`) waiting on a scope, lives, or left. */
export interface Announcement {
  readonly e: "+" | "-" | "alive" | "gone";
  /** The owner instance. */
  readonly o: string;
  readonly s?: string;
  /** The owner's lease: it counts as alive this long after the announcement. */
  readonly l: number;
}

/** On `…to:<instance>`: an update handed over, or the acknowledgement of one. */
export type InboxMessage =
  | { readonly k: "update"; readonly h: string; readonly from: string; readonly u: Update }
  | { readonly k: "ack"; readonly h: string; readonly ok: boolean };

/** Parses a message; `undefined` for text that is not a JSON object (never from colloquy). */
export function parseJson(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
