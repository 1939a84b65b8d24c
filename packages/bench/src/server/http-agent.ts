/**
 * A fetch over node:http with its own keep-alive agent: one TCP connection
 * opened at the first POST of a drain and reused by the next ones, closed
 * with `close`. Global fetch would reuse a connection left open by the
 * previous run, and a woken app has no such connection.
 */
import { Agent, request } from "node:http";

export interface AgentFetch {
  fetch: typeof fetch;
  /** TCP connections opened. */
  readonly connections: number;
  close(): void;
}

export function agentFetch(): AgentFetch {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let connections = 0;
  const f = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const req = request(new URL(String(input)), { method: init?.method ?? "GET", headers: init?.headers as Record<string, string>, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
        });
      });
      req.on("socket", (s) => {
        if (!(s as { counted?: boolean }).counted) {
          (s as { counted?: boolean }).counted = true;
          connections++;
        }
      });
      req.on("error", reject);
      req.end(init?.body as Uint8Array | undefined);
    });
  return {
    fetch: f as typeof fetch,
    get connections() {
      return connections;
    },
    close: () => agent.destroy(),
  };
}
