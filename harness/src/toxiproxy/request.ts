/**
 * One HTTP call to the Toxiproxy API with a timeout, turning every failure into a
 * ToxiproxyApiError that carries a string code, the HTTP status (when there was one) and a
 * message quoting the method, path and the server's own error text.
 *
 * Toxiproxy answers errors as `{"error": "toxic already exists", "status": 409}`.
 *
 * Used only for the endpoints toxiproxy-node-client has no call for (GET /metrics,
 * GET /proxies/{p}/toxics); everything else goes through the client (see api.ts).
 */
import { ToxiproxyApiError } from "../errors.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

export interface RequestOptions {
  /** Base URL, e.g. "http://127.0.0.1:8474". */
  baseUrl: string;
  method: HttpMethod;
  /** Path below the base URL, e.g. "/proxies/n1_to_n2/toxics". */
  path: string;
  /** Sent as JSON when present. */
  body?: unknown;
  timeoutMs: number;
}

export interface HttpResult {
  status: number;
  text: string;
}

/** Performs the request; resolves for 2xx, rejects with ToxiproxyApiError otherwise. */
export async function toxiproxyRequest(opts: RequestOptions): Promise<HttpResult> {
  const what = `Toxiproxy ${opts.method} ${opts.path}`;
  const init: RequestInit = { method: opts.method, signal: AbortSignal.timeout(opts.timeoutMs) };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { "content-type": "application/json" };
  }
  let status: number;
  let text: string;
  try {
    const response = await fetch(opts.baseUrl + opts.path, init);
    status = response.status;
    text = await response.text();
  } catch (err) {
    throw transportError(what, opts, err);
  }
  if (status >= 200 && status < 300) return { status, text };
  throw new ToxiproxyApiError(
    codeForStatus(status),
    `${what} failed (${status}): ${serverErrorText(text)}`,
    status,
  );
}

/** Parses a 2xx body as JSON, or fails with code toxiproxy_bad_response quoting the body. */
export function parseJson<T>(result: HttpResult, method: HttpMethod, path: string): T {
  try {
    return JSON.parse(result.text) as T;
  } catch (err) {
    throw new ToxiproxyApiError(
      "toxiproxy_bad_response",
      `Toxiproxy ${method} ${path} answered ${result.status} with a body that is not JSON: ${JSON.stringify(result.text.slice(0, 200))}`,
      result.status,
      { cause: err },
    );
  }
}

export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return "toxiproxy_bad_request";
    case 404:
      return "toxiproxy_not_found";
    case 409:
      return "toxiproxy_conflict";
    default:
      return status >= 500 ? "toxiproxy_server_error" : "toxiproxy_http_error";
  }
}

/** The `error` field of Toxiproxy's JSON error body, or the raw body (trimmed) if not JSON. */
export function serverErrorText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      return String((parsed as { error: unknown }).error);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = body.trim();
  return trimmed.length > 0 ? trimmed.slice(0, 500) : "(empty body)";
}

function transportError(what: string, opts: RequestOptions, err: unknown): ToxiproxyApiError {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return new ToxiproxyApiError(
      "toxiproxy_timeout",
      `${what} failed: no answer from ${opts.baseUrl} within ${opts.timeoutMs}ms`,
      undefined,
      { cause: err },
    );
  }
  return new ToxiproxyApiError(
    "toxiproxy_unreachable",
    `${what} failed: cannot reach Toxiproxy at ${opts.baseUrl} (${describeCause(err)}); is toxiproxy-server running?`,
    undefined,
    { cause: err },
  );
}

/** undici hides the useful part ("ECONNREFUSED") in err.cause. */
function describeCause(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${code}: ${current.message}` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(" <- ") : String(err);
}
