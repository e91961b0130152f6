import { AssertionError } from "node:assert";
import { lineMatches } from "./transcript-script.js";

// How many lines of each transcript are shown before and after the first difference.
const around = 6;

/**
 * Throws when the `actual` transcript is not the `expected` one: an `AssertionError` (which
 * vitest, node's test runner and others report with a diff) whose message names the first line
 * that differs and shows both transcripts around it.
 */
export function assertTranscript(expected: readonly string[], actual: readonly string[]): void {
  const length = Math.max(expected.length, actual.length);
  let at = 0;
  while (at < length && lineMatches(expected[at] ?? "\0", actual[at] ?? "\0")) at += 1;
  if (at === length) return;
  const message = [
    `The transcript differs at line ${at + 1}:`,
    `  expected: ${expected[at] ?? "(the end of the transcript)"}`,
    `  actual:   ${actual[at] ?? "(the end of the transcript)"}`,
    "",
    "Expected:",
    ...excerpt(expected, at),
    "Actual:",
    ...excerpt(actual, at),
  ].join("\n");
  throw new AssertionError({
    message,
    // Where the expected line ends with " …", the actual one counts as written out.
    expected: expected.map((line, i) => (lineMatches(line, actual[i] ?? "\0") ? actual[i] : line)),
    actual: [...actual],
    operator: "expectTranscript",
  });
}

/** The lines around `at`, numbered, with the line at `at` marked. */
function excerpt(lines: readonly string[], at: number): string[] {
  const from = Math.max(0, at - around);
  const to = Math.min(lines.length, at + around + 1);
  const width = String(Math.max(to, at + 1)).length;
  const shown = lines.slice(from, to).map((line, i) => {
    const number = String(from + i + 1).padStart(width);
    return `${from + i === at ? ">" : " "} ${number} | ${line}`;
  });
  if (at >= lines.length) shown.push(`> ${at + 1} | (the end of the transcript)`);
  if (from > 0) shown.unshift(`  ${" ".repeat(width)} | …`);
  if (to < lines.length) shown.push(`  ${" ".repeat(width)} | …`);
  return shown;
}
