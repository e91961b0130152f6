/** What {@link armWindDown} does once input has ended. */
export interface WindDownOptions {
  /** Whether the runner reads the process's own stdin: a Ctrl+C then reaches the process. */
  readonly ownStdin: boolean;
  /** Shows one line to the person (interactive runs), or `undefined` to show nothing. */
  readonly notice: ((text: string) => void) | undefined;
  /** How long the bot may take to finish before the notice is shown. */
  readonly noticeAfterMs: number;
}

/**
 * From the moment input has `ended` until the returned function is called (the run is over): a
 * Ctrl+C quits at once with exit code 130, as a second Ctrl+C does in any terminal program —
 * a handler stuck on something outside colloquy must not hold the terminal, whatever SIGINT
 * handlers the program has — and, when it takes longer than `noticeAfterMs`, one line says that
 * the bot is being waited for, so the first Ctrl+C never leaves a silent prompt.
 */
export function armWindDown(ended: AbortSignal, options: WindDownOptions): () => void {
  const quit = () => process.exit(130);
  let slow: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (options.ownStdin) process.once("SIGINT", quit);
    const notice = options.notice;
    if (notice === undefined) return;
    slow = setTimeout(
      () => notice("(waiting for the bot to finish; Ctrl+C again quits at once)"),
      options.noticeAfterMs,
    );
  };
  if (ended.aborted) arm();
  else ended.addEventListener("abort", arm, { once: true });
  return () => {
    ended.removeEventListener("abort", arm);
    clearTimeout(slow);
    process.removeListener("SIGINT", quit);
  };
}
