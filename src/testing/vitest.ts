/**
 * vitest, for the contract suites (`testStorage`, `testLock`, `testHistory`) that register their
 * tests with it. Loaded when present rather than imported outright, so that the rest of
 * `colloquy/testing` (`expectTranscript`, `ManualClock`, ...) works under any test runner.
 */
type Vitest = typeof import("vitest");

const loaded: Vitest | undefined = await import("vitest").catch((error: unknown) => {
  if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") return undefined;
  throw error;
});

/** vitest's API; throws, naming `suite`, when vitest is not installed. */
export function vitest(suite: string): Vitest {
  if (loaded !== undefined) return loaded;
  throw new Error(
    `${suite} registers vitest tests, and vitest is not installed: npm install -D vitest, and ` +
      "run the file with vitest.",
  );
}
