import { InvalidArgumentError } from "../errors.js";

/** One line of a transcript as a test writes it. */
export type ScriptLine =
  /** A line the person types: `you> TEXT`, or `NAME you> TEXT` / `NAME@CHAT you> TEXT`. */
  | {
      readonly kind: "input";
      readonly text: string;
      /** Who types it; `undefined` for the default person. */
      readonly person: string | undefined;
      /** The group chat it is typed in; `undefined` for the person's private chat. */
      readonly chat: string | undefined;
      readonly line: string;
    }
  /** `… 60 s pass`: the test's clock moves on. */
  | { readonly kind: "time"; readonly ms: number; readonly line: string }
  /** Anything else: what the bot is expected to show. */
  | { readonly kind: "output"; readonly line: string };

const inputPattern = /^(?:([\p{L}\p{N}_.-]+)(?:@([\p{L}\p{N}_.-]+))?\s+)?you> (.*)$/u;
const timePattern = /^(?:…|\.\.\.)\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)\s+pass(?:es)?$/;
const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000 };

/**
 * The lines of a transcript written in a test: indented as the test likes (the common indent is
 * removed), blank lines and trailing spaces ignored.
 */
export function transcriptLines(transcript: string): string[] {
  const lines = transcript.split(/\r?\n/).map((line) => line.trimEnd());
  const written = lines.filter((line) => line !== "");
  const indent = Math.min(...written.map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return written.map((line) => line.slice(indent));
}

/** Reads each line of a written transcript as input, a lapse of time, or expected output. */
export function parseScript(transcript: string): ScriptLine[] {
  return transcriptLines(transcript).map((line): ScriptLine => {
    const input = inputPattern.exec(line);
    if (input) {
      const [, person, chat, text = ""] = input;
      return { kind: "input", text, person, chat, line };
    }
    const time = timePattern.exec(line);
    if (time) return { kind: "time", ms: Number(time[1]) * (unitMs[time[2] ?? "s"] ?? 0), line };
    // The bot's lines start with `bot`, `error>`, `(` or an indent: this one meant time to pass.
    if (/^(?:…|\.\.\.)/.test(line)) {
      throw new InvalidArgumentError(
        "A transcript line that starts with …",
        'a lapse of time such as "… 60 s pass" (units ms, s, min, h)',
        line,
      );
    }
    return { kind: "output", line };
  });
}

/**
 * Whether the bot's `actual` line is the `expected` one: equal, or, when `expected` ends with
 * ` …`, starting with what comes before it (for long texts a test need not spell out).
 */
export function lineMatches(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  return expected.endsWith(" …") && actual.startsWith(expected.slice(0, -1));
}
