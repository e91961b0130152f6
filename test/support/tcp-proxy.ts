/**
 * A TCP proxy on 127.0.0.1 that can stall: put between clients and a server (Redis), it holds
 * every byte in both directions for a while and then forwards them all, in order — the server
 * keeps its data, and no connection drops, as in a network hiccup or a paused VM.
 */
import { once } from "node:events";
import { createConnection, createServer, type Socket } from "node:net";

export interface TcpProxy {
  /** Where clients connect instead of the server. */
  readonly port: number;
  /** Holds every byte for `ms`, then forwards what was held; resolves once it has. */
  stall(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** One direction of one connection: forwards at once, or holds while the proxy stalls. */
class Pipe {
  readonly #to: Socket;
  readonly #held: Buffer[] = [];

  constructor(from: Socket, to: Socket, stalled: () => boolean) {
    this.#to = to;
    from.on("data", (chunk: Buffer) => {
      if (stalled()) this.#held.push(chunk);
      else to.write(chunk);
    });
  }

  flush(): void {
    for (const chunk of this.#held.splice(0)) this.#to.write(chunk);
  }
}

/** Starts a proxy to `targetPort` on 127.0.0.1. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let stalled = false;
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: "127.0.0.1" });
    const pair = [
      new Pipe(client, upstream, () => stalled),
      new Pipe(upstream, client, () => stalled),
    ];
    for (const pipe of pair) pipes.add(pipe);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(socket);
      socket.on("error", () => other.destroy());
      socket.on("close", () => {
        other.destroy();
        sockets.delete(socket);
        for (const pipe of pair) pipes.delete(pipe);
      });
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    async stall(ms) {
      stalled = true;
      await new Promise((resolve) => setTimeout(resolve, ms));
      stalled = false;
      for (const pipe of pipes) pipe.flush();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
