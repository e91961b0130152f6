/**
 * A Bot API server on 127.0.0.1 that answers like Telegram through LocalBotApi, for end-to-end
 * tests of bots that talk HTTP (point them at it with TELEGRAM_API_ROOT).
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiCall, LocalBotApi } from "../../src/adapters/local-api.js";

export interface BotApiServer {
  /** The API root: `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Every call any bot made, oldest first. */
  readonly calls: ApiCall[];
  stop(): Promise<void>;
}

async function readJson(
  request: import("node:http").IncomingMessage,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString();
  return body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
}

/** Options of {@link startBotApiServer}. */
export interface BotApiServerOptions {
  /** Methods this server lacks: they fail as a minimal Bot API server's would (404). */
  readonly missing?: readonly string[];
}

/** Starts the server on a free loopback port. */
export async function startBotApiServer(options: BotApiServerOptions = {}): Promise<BotApiServer> {
  const api = new LocalBotApi();
  const missing = new Set(options.missing ?? []);
  const server = createServer((request, response) => {
    const method = /^\/bot[^/]+\/(\w+)/.exec(request.url ?? "")?.[1];
    readJson(request)
      .then(async (payload) => {
        if (method === undefined) throw new Error(`not a Bot API path: ${request.url}`);
        if (missing.has(method)) {
          response.statusCode = 404;
          response.end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
          return;
        }
        // Long polling with nothing to deliver: answer after a moment, not in a tight loop.
        if (method === "getUpdates") await new Promise((resolve) => setTimeout(resolve, 100));
        const answer = api.respond(method, payload);
        if (!answer.ok) response.statusCode = answer.error_code;
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify(answer));
      })
      .catch((error: unknown) => {
        response.statusCode = 400;
        response.end(JSON.stringify({ ok: false, error_code: 400, description: String(error) }));
      });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: api.calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
