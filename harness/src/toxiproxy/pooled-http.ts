/**
 * The transport under toxiproxy-node-client. The client's own HttpClient calls the global
 * `fetch` once per request; Node's fetch costs about a millisecond of CPU per call, which is
 * what a partition costs: a 16-node split is 256 toxic calls at once (measured with
 * bench/fault-apply.ts: fetch 0.3–1 s, node:http with a keep-alive pool 0.1–0.3 s, on 2 cores).
 *
 * PooledHttpClient keeps the client's exact contract (get/post/delete/getText; a non-2xx answer
 * throws ToxiproxyError("Error", "Request failed with status code N") before the body is used;
 * an empty body is `{ data: undefined }`; a body that is not JSON throws ToxiproxyError with the
 * parser's error name) and sends the requests with node:http over a keep-alive pool of
 * MAX_SOCKETS connections per API. Idle pooled sockets do not keep the process alive. A request
 * that fails with ECONNRESET on a REUSED socket (the server closed it while idle, before it read
 * anything) is sent once more on a new one, as Node's documentation recommends.
 */
import http from "node:http";
import { ToxiproxyError } from "toxiproxy-node-client";

/** Connections per Toxiproxy API: enough to keep the server busy, few enough to reuse them. */
export const MAX_SOCKETS = 16;

export type PooledMethod = "GET" | "POST" | "DELETE";

export class PooledHttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });

  async get<T>(url: string): Promise<{ data: T }> {
    return this.request<T>("GET", url);
  }

  async post<T>(url: string, body?: unknown): Promise<{ data: T }> {
    return this.request<T>("POST", url, body);
  }

  async delete(url: string): Promise<void> {
    await this.request("DELETE", url);
  }

  async getText(url: string): Promise<string> {
    return this.send("GET", url, undefined);
  }

  /** Closes the pooled connections (they close by themselves when the server goes). */
  close(): void {
    this.agent.destroy();
  }

  private async request<T>(method: PooledMethod, url: string, body?: unknown): Promise<{ data: T }> {
    const text = await this.send(method, url, body === undefined ? undefined : JSON.stringify(body));
    if (text.length === 0) return { data: undefined as T };
    try {
      return { data: JSON.parse(text) as T };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      throw new ToxiproxyError(err.name, err.message, err.stack);
    }
  }

  /** One request; resolves with the body of a 2xx answer. `retry`: once, for a stale pooled socket. */
  private send(method: PooledMethod, url: string, body: string | undefined, retry = true): Promise<string> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
      const req = http.request(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (err) => reject(wrap(err)));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) reject(new ToxiproxyError("Error", `Request failed with status code ${status}`));
          else resolve(Buffer.concat(chunks).toString("utf8"));
        });
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (retry && req.reusedSocket && err.code === "ECONNRESET") this.send(method, url, body, false).then(resolve, reject);
        else reject(wrap(err));
      });
      req.end(body);
    });
  }
}

/** Transport failures as the client reports them: a ToxiproxyError named after the error. */
function wrap(e: unknown): ToxiproxyError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code;
  return new ToxiproxyError(err.name, code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message, err.stack);
}
