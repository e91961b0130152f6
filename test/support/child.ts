/**
 * Runs the repository's TypeScript programs in child processes, for the tests and scripts that
 * need a real process: one to kill, to restart, or to talk to over its own stdin, HTTP port or
 * exit code.
 */
import { type ChildProcess, type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** How {@link spawnTs} runs its entry. */
export interface SpawnTsOptions {
  /** Arguments after the entry. */
  readonly args?: readonly string[];
  /** Variables set over this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the child's stdin, which is then closed; without it, stdin is not connected. */
  readonly input?: string;
  /** Connects stdin as a pipe left open, for the caller to write to and end (`input` is ignored). */
  readonly openStdin?: boolean;
}

/**
 * Runs `entry` (a path from the repository root, or an absolute one) under
 * `node --import tsx --conditions=colloquy-src`, with stdout and stderr piped. The condition makes
 * `colloquy` imports load `src/` as the tests do, not a stale `dist/`; running from the root lets
 * the entry and tsx resolve wherever the runner was started.
 */
export function spawnTs(
  entry: string,
  options: SpawnTsOptions = {},
): ChildProcessByStdio<Writable | null, Readable, Readable> {
  const argv = ["--import", "tsx", "--conditions=colloquy-src", entry, ...(options.args ?? [])];
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: [options.input === undefined && !options.openStdin ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (options.input !== undefined && !options.openStdin) child.stdin?.end(options.input);
  return child as ChildProcessByStdio<Writable | null, Readable, Readable>;
}

/** Gathers what `streams` print, in the order it arrives; the getter reads it so far. */
export function collect(...streams: Readable[]): () => string {
  let text = "";
  for (const stream of streams) {
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
  }
  return () => text;
}

/**
 * Resolves to what the child printed (stdout and stderr together) once that includes `text`;
 * rejects with that output if the child exits first, so a crash at startup shows its cause.
 */
export function waitForOutput(
  child: ChildProcess,
  text: string,
  name = "the child",
): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) resolve(output);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${name} exited with ${code} before printing "${text}":\n${output}`)),
    );
  });
}

/**
 * Resolves to the child's exit code (`null` when a signal ended it); at once if it has ended,
 * since an ended child emits no more "exit" and waiting for one would hang.
 */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", resolve));
}

/** How a child ended after {@link timeToExit}'s `end`, and how long that took. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
}

/** Calls `end` (close stdin, send a signal) and measures how long the child takes to exit. */
export function timeToExit(child: ChildProcess, end: () => void): Promise<Exit> {
  const started = performance.now();
  const ending = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) =>
      resolve({ code, signal, ms: Math.round(performance.now() - started) }),
    ),
  );
  end();
  return ending;
}

/** Sends `signal` to the child and resolves to its exit code once it has ended. */
export function stop(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  const ending = exited(child);
  child.kill(signal);
  return ending;
}
