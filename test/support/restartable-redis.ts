/**
 * A redis-server that a test can kill (SIGKILL) and start again on the same port with the same
 * data: append-only file on, fsync'd at every write, so a kill loses nothing Redis acknowledged —
 * what is tested is the clients' reconnection, not Redis's durability.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { freePort, waitReady } from "./redis-server.js";
import { tempDir } from "./temp-dir.js";

/** A redis-server with a fixed port and data directory, killed and restarted at will. */
export interface RestartableRedis {
  readonly port: number;
  readonly url: string;
  /** Ends the server with SIGKILL, as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Ends it and removes its data. */
  stop(): Promise<void>;
}

/** Starts a restartable redis-server on a free loopback port. */
export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = await tempDir("redis-aof");
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir.path];
    args.push("--save", "", "--appendonly", "yes", "--appendfsync", "always");
    child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    await waitReady(child);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      await dir.remove();
    },
  };
}
