/**
 * Tells when the bot has gone quiet: no update in progress and no API call for a while. The
 * terminal reads the next line only then, so a reply is on screen before the next input is
 * taken — I/O pacing, not a correctness wait: updates are fed one at a time either way.
 */
export class Activity {
  #inProgress = 0;
  #lastAt = Date.now();

  /** Notes that the bot just did something (an API call). */
  touch(): void {
    this.#lastAt = Date.now();
  }

  /** Counts `work` as in progress until it settles. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.#inProgress += 1;
    this.touch();
    try {
      return await work;
    } finally {
      this.#inProgress -= 1;
      this.touch();
    }
  }

  /** Resolves once nothing is in progress and nothing happened for `quietMs`. */
  quiet(quietMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const left = this.#inProgress > 0 ? quietMs : this.#lastAt + quietMs - Date.now();
        if (left <= 0) resolve();
        else setTimeout(check, left);
      };
      // Always one timer turn first, so work queued as promise jobs (a flow running on after its
      // update was handled) has run before the bot counts as quiet.
      setTimeout(check, 0);
    });
  }
}
