/** A webhook callback served on a free loopback port, and a poster that sends it updates. */
import { once } from "node:events";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "@grammyjs/types";

/** A running webhook server: `post` an update, `close` when done. */
export interface WebhookServer {
  /** Where it listens: `http://127.0.0.1:PORT/`. */
  readonly url: string;
  post(update: Update): Promise<Response>;
  close(): void;
}

/** Serves `callback` (e.g. grammY's `webhookCallback(bot, "http")`) on 127.0.0.1. */
export async function serveOnLoopback(callback: RequestListener): Promise<WebhookServer> {
  const server = createServer(callback);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    post: (update) =>
      fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(update),
      }),
    close: () => server.close(),
  };
}
