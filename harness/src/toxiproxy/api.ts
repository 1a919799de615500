/**
 * ToxiproxyApi: netsplit's adapter over toxiproxy-node-client@4.1.0 (the client the design
 * names). Nothing else in netsplit talks to Toxiproxy, none of the client's types leak out of
 * this folder, and every failure leaves here as our ToxiproxyApiError (code + HTTP status).
 *
 * Through the client: populate (`Toxiproxy.populate`), version (`getVersion`), the proxy list
 * (`getAll`), setEnabled (`Proxy.update`), addToxic (`Proxy.addToxic`), removeToxic
 * (`Toxic.remove`), reset (`reset`), deleteProxy (`Proxy.remove`), and `get` on a cache miss.
 * Plain fetch (request.ts) ONLY where the client has no call: `GET /metrics` (metrics) and
 * `GET /proxies/{p}/toxics` (listToxics; listProxies uses it for each proxy's toxics).
 *
 * Speed: the client hangs its calls on Proxy/Toxic objects. We cache the Proxy objects by name
 * (filled by populate and getAll, `get` on a miss, one lookup per name even under
 * Promise.all) and the Toxic objects addToxic returns, so setEnabled, addToxic and removeToxic
 * are ONE request each. Neither cache is a source of truth: requests go to paths built from
 * names, so a stale entry just meets the server's own 404, and a toxic we have no object for is
 * removed through a Toxic built for its name (same single DELETE). The client's requests travel
 * over node:http with a keep-alive pool (pooled-http.ts, same contract as the client's own
 * fetch-based HttpClient): a partition's hundreds of calls cost a third of what fetch costs.
 *
 * What the client cannot do, and what we do about it (read in node_modules/.../dist):
 * - Errors: HttpClient throws `ToxiproxyError("Error", "Request failed with status code 409")`
 *   before reading the body, so the server's error text ("toxic already exists") is LOST; we
 *   parse the status out of that message and quote the standard reason phrase instead
 *   ("failed (409 Conflict)"). Transport failures arrive as ToxiproxyError("TypeError",
 *   "fetch failed") with undici's cause (ECONNREFUSED, ...) dropped; a non-JSON body as
 *   ToxiproxyError("SyntaxError", ...) without the body or the status.
 * - No AbortSignal or timeout: every call is bounded by `requestTimeoutMs` with Promise.race
 *   against a timer that is always cleared. On timeout the underlying request is ABANDONED,
 *   not aborted: it may still reach the server and take effect later.
 * - Its Proxy objects drop the `toxics` the server sends, so the ProxyInfo that populate and
 *   setEnabled return has `toxics: []`; listProxies and listToxics give the real toxics.
 * - It puts proxy and toxic names into URLs unescaped, so names that are not URL-safe
 *   (anything encodeURIComponent would change) are refused here with toxiproxy_bad_request.
 * - Proxy.update posts exactly the body given; we send only `{ enabled }` (the server keeps
 *   listen and upstream), never the cached listen/upstream, which could be stale.
 */
import { STATUS_CODES } from "node:http";
import {
  type ICreateToxicBody,
  Proxy as ClientProxy,
  Toxic as ClientToxic,
  Toxiproxy,
  ToxiproxyError,
} from "toxiproxy-node-client";
import { ToxiproxyApiError } from "../errors.js";
import { codeForStatus, type HttpMethod, parseJson, toxiproxyRequest } from "./request.js";
import { PooledHttpClient } from "./pooled-http.js";
import type { ProxyInfo, ProxySpec, ToxicInfo, ToxicSpec, ToxicType } from "./types.js";

export interface ToxiproxyApiOptions {
  /** Timeout of every single API call, in ms. Default 5000. */
  requestTimeoutMs: number;
}

const DEFAULTS: ToxiproxyApiOptions = { requestTimeoutMs: 5000 };

type UpdateBody = Parameters<ClientProxy["update"]>[0];

/** Typed access to one Toxiproxy server, e.g. `new ToxiproxyApi("http://127.0.0.1:8474")`. */
export class ToxiproxyApi {
  /** Base URL without a trailing slash. */
  readonly url: string;
  private readonly options: ToxiproxyApiOptions;
  private readonly client: Toxiproxy;
  /** The client's Proxy objects, by proxy name. */
  private readonly proxies = new Map<string, ClientProxy>();
  /** `get` calls in flight, by proxy name, so concurrent misses share one request. */
  private readonly lookups = new Map<string, Promise<ClientProxy>>();
  /** proxy name -> toxic name -> the client's Toxic object that addToxic returned. */
  private readonly toxics = new Map<string, Map<string, ClientToxic<unknown>>>();

  constructor(url: string, options: Partial<ToxiproxyApiOptions> = {}) {
    this.url = url.replace(/\/+$/, "");
    this.options = { ...DEFAULTS, ...options };
    this.client = new Toxiproxy(this.url);
    // the client's calls over a keep-alive node:http pool instead of one fetch each (pooled-http.ts)
    if (this.url.startsWith("http://")) this.client.api = new PooledHttpClient() as unknown as Toxiproxy["api"];
  }

  /** The server's version string (e.g. "2.12.0"; "git" for a `go install` build). */
  async version(): Promise<string> {
    const text = await this.bounded("GET", "/version", () => this.client.getVersion());
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && "version" in parsed) {
        return String((parsed as { version: unknown }).version);
      }
    } catch {
      // Toxiproxy before 2.6 answered plain text.
    }
    return text.trim();
  }

  /**
   * Creates (or replaces, by name) all proxies in ONE `POST /populate`. On failure the error
   * message names the proxies the server had already created (they stay). The ProxyInfos have
   * `toxics: []` (see the header); a proxy populate kept unchanged may still have toxics.
   */
  async populate(proxies: ProxySpec[]): Promise<ProxyInfo[]> {
    const body = proxies.map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled ?? true }));
    let created: Record<string, ClientProxy>;
    try {
      created = await this.bounded("POST", "/populate", () => this.client.populate(body));
    } catch (err) {
      throw await this.withCreatedProxies(err, proxies);
    }
    const result: ProxyInfo[] = [];
    for (const proxy of Object.values(created)) {
      this.remember(proxy);
      // A replaced proxy lost its toxics; a kept one did not. Dropping the objects is safe either way.
      this.toxics.delete(proxy.name);
    }
    // In the order asked for (the client returns an object keyed by name).
    for (const name of new Set(proxies.map((p) => p.name))) {
      const proxy = created[name];
      if (proxy !== undefined) result.push(toProxyInfo(proxy, []));
    }
    return result;
  }

  /** All proxies with their toxics, sorted by name (getAll, then each proxy's toxics in parallel). */
  async listProxies(): Promise<ProxyInfo[]> {
    const all = await this.allProxies();
    const listed = await Promise.all(
      all.map(async (proxy) => {
        try {
          return toProxyInfo(proxy, await this.listToxics(proxy.name));
        } catch (err) {
          // Deleted between the two requests: it is not there any more.
          if (err instanceof ToxiproxyApiError && err.status === 404) return undefined;
          throw err;
        }
      }),
    );
    return listed.filter((p): p is ProxyInfo => p !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Enables or disables a proxy. Disabling closes its existing connections and stops listening,
   * so new connections are refused. The ProxyInfo has `toxics: []` (see the header).
   */
  async setEnabled(name: string, enabled: boolean): Promise<ProxyInfo> {
    const path = proxyPath(name);
    const proxy = await this.proxy(name);
    // The server starts from the proxy's current listen/upstream and applies what we send.
    const updated = await this.bounded("POST", path, () => proxy.update({ enabled } as UpdateBody), name);
    this.remember(updated);
    return toProxyInfo(updated, []);
  }

  /** Adds a toxic; fails with code toxiproxy_conflict (409) if the name is taken on this proxy. */
  async addToxic(proxy: string, toxic: ToxicSpec): Promise<ToxicInfo> {
    const path = `${proxyPath(proxy)}/toxics`;
    const target = await this.proxy(proxy);
    const body: ICreateToxicBody<Record<string, number>> = {
      name: toxic.name,
      type: toxic.type,
      stream: toxic.stream,
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes,
    };
    const added = await this.bounded("POST", path, () => target.addToxic(body), proxy);
    const info = toToxicInfo(added); // validates the answer before we keep the object
    let mine = this.toxics.get(proxy);
    if (mine === undefined) this.toxics.set(proxy, (mine = new Map()));
    mine.set(added.name, added);
    return info;
  }

  /** Removes a toxic; fails with code toxiproxy_not_found (404) if there is none by that name. */
  async removeToxic(proxy: string, toxicName: string): Promise<void> {
    const path = `${proxyPath(proxy)}/toxics/${safeName(toxicName, "toxic")}`;
    const toxic = this.toxics.get(proxy)?.get(toxicName) ?? this.toxicFor(proxy, toxicName);
    try {
      await this.bounded("DELETE", path, () => toxic.remove());
    } catch (err) {
      if (err instanceof ToxiproxyApiError && err.status === 404) this.forgetToxic(proxy, toxicName);
      throw err;
    }
    this.forgetToxic(proxy, toxicName);
  }

  /** The toxics currently on a proxy (plain fetch: the client has no such call). */
  async listToxics(proxy: string): Promise<ToxicInfo[]> {
    const path = `${proxyPath(proxy)}/toxics`;
    const list = parseJson<unknown>(await this.call("GET", path), "GET", path);
    if (!Array.isArray(list)) throw badResponse(`Toxiproxy GET ${path} answered something that is not a list: ${JSON.stringify(list).slice(0, 200)}`);
    return list.map((t) => toToxicInfo(t as ToxicInfo));
  }

  /** `POST /reset`: re-enables every proxy and removes every toxic (existing links survive). */
  async reset(): Promise<void> {
    await this.bounded("POST", "/reset", () => this.client.reset());
    this.toxics.clear();
    for (const proxy of [...this.proxies.values()]) {
      this.proxies.set(
        proxy.name,
        new ClientProxy(this.client, { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: true, toxics: [] }),
      );
    }
  }

  /** Deletes a proxy (its listener and connections close). */
  async deleteProxy(name: string): Promise<void> {
    const path = proxyPath(name);
    const proxy = await this.proxy(name);
    try {
      await this.bounded("DELETE", path, () => proxy.remove(), name);
    } finally {
      // Gone on success; on failure (e.g. 404) we no longer know: the next use looks it up again.
      this.forgetProxy(name);
    }
  }

  /**
   * Prometheus text from `GET /metrics` (plain fetch: the client has no such call). Empty string
   * when the server runs without `-proxy-metrics`/`-runtime-metrics` (it answers 404 then).
   */
  async metrics(): Promise<string> {
    try {
      return (await this.call("GET", "/metrics")).text;
    } catch (err) {
      if (err instanceof ToxiproxyApiError && err.status === 404) return "";
      throw err;
    }
  }

  /** The client's Proxy object for `name`: cached, else ONE `get` shared by concurrent callers. */
  private async proxy(name: string): Promise<ClientProxy> {
    const cached = this.proxies.get(name);
    if (cached !== undefined) return cached;
    let lookup = this.lookups.get(name);
    if (lookup === undefined) {
      const path = proxyPath(name);
      lookup = this.bounded("GET", path, () => this.client.get(name), name);
      this.lookups.set(name, lookup);
      const settle = () => {
        if (this.lookups.get(name) === lookup) this.lookups.delete(name);
      };
      lookup.then((proxy) => {
        // Only if nobody dropped the name (deleteProxy, getAll) while we were asking.
        if (this.lookups.get(name) === lookup) this.remember(proxy);
        settle();
      }, settle);
    }
    return lookup;
  }

  /** getAll; the cache then holds exactly the proxies the server has. */
  private async allProxies(): Promise<ClientProxy[]> {
    const all = Object.values(await this.bounded("GET", "/proxies", () => this.client.getAll()));
    const names = new Set(all.map((p) => p.name));
    for (const name of [...this.proxies.keys()]) if (!names.has(name)) this.forgetProxy(name);
    for (const proxy of all) this.remember(proxy);
    return all;
  }

  /** A Toxic object for a toxic we did not add (or no longer hold): only `name` feeds its DELETE path. */
  private toxicFor(proxy: string, toxicName: string): ClientToxic<unknown> {
    // Same string as the client's Proxy.getPath(), which is what Toxic expects as proxyPath.
    const proxyUrl = this.proxies.get(proxy)?.getPath() ?? `${this.client.host}/proxies/${proxy}`;
    return new ClientToxic(this.client.api, proxyUrl, { name: toxicName } as ICreateToxicBody<unknown>);
  }

  private remember(proxy: ClientProxy): void {
    if (typeof proxy.name === "string") this.proxies.set(proxy.name, proxy);
  }

  private forgetProxy(name: string): void {
    this.proxies.delete(name);
    this.lookups.delete(name);
    this.toxics.delete(name);
  }

  private forgetToxic(proxy: string, toxicName: string): void {
    const mine = this.toxics.get(proxy);
    if (mine?.delete(toxicName) && mine.size === 0) this.toxics.delete(proxy);
  }

  /**
   * Runs one client call, bounded by requestTimeoutMs, translating its errors. The client takes
   * no AbortSignal, so on timeout its request is abandoned (it may still complete), not aborted.
   * `proxyName`: the call addresses that proxy, so a 404 means it is gone: drop it from the cache.
   */
  private async bounded<T>(method: HttpMethod, path: string, run: () => Promise<T>, proxyName?: string): Promise<T> {
    const what = `Toxiproxy ${method} ${path}`;
    const timeoutMs = this.options.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ToxiproxyApiError("toxiproxy_timeout", `${what} failed: no answer from ${this.url} within ${timeoutMs}ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timedOut]);
    } catch (err) {
      const translated = translate(what, this.url, err);
      if (proxyName !== undefined && translated.status === 404) this.forgetProxy(proxyName);
      throw translated;
    } finally {
      clearTimeout(timer);
    }
  }

  private call(method: HttpMethod, path: string) {
    return toxiproxyRequest({ baseUrl: this.url, method, path, timeoutMs: this.options.requestTimeoutMs });
  }

  private async withCreatedProxies(err: unknown, wanted: ProxySpec[]): Promise<unknown> {
    if (!(err instanceof ToxiproxyApiError) || err.status === undefined) return err;
    const existing = await this.allProxies().catch(() => undefined);
    if (existing === undefined) return err;
    const names = new Set(existing.map((p) => p.name));
    const created = wanted.filter((p) => names.has(p.name)).map((p) => p.name);
    const note = created.length > 0 ? `; proxies that exist now: ${created.join(", ")}` : "; no proxy was created";
    return new ToxiproxyApiError(err.code, err.message + note, err.status, { cause: err });
  }
}

/** Our path for messages; the name must be URL-safe because the client does not escape it. */
function proxyPath(name: string): string {
  return `/proxies/${safeName(name, "proxy")}`;
}

function safeName(name: string, what: "proxy" | "toxic"): string {
  if (name === "" || encodeURIComponent(name) !== name) {
    throw new ToxiproxyApiError(
      "toxiproxy_bad_request",
      `${what} name ${JSON.stringify(name)} cannot be used: toxiproxy-node-client puts names into URLs unescaped, so use letters, digits and - _ . ! ~ * ' ( ) only`,
    );
  }
  return name;
}

/** "Request failed with status code 409", HttpClient's only message for a non-2xx answer. */
const STATUS_MESSAGE = /^Request failed with status code (\d{3})$/;

/** Turns whatever the client (or our timer) threw into a ToxiproxyApiError. */
function translate(what: string, url: string, err: unknown): ToxiproxyApiError {
  if (err instanceof ToxiproxyApiError) return err;
  if (err instanceof ToxiproxyError) {
    const status = STATUS_MESSAGE.exec(err.message)?.[1];
    if (status !== undefined) {
      const code = Number(status);
      const reason = STATUS_CODES[code] ?? "error";
      // The client reads no error body, so the server's own text is not available here.
      const hint = code >= 500 ? "; the reason is in toxiproxy-server's output (toxiproxy-node-client drops the error text)" : "";
      return new ToxiproxyApiError(codeForStatus(code), `${what} failed (${code} ${reason})${hint}`, code, { cause: err });
    }
    if (err.name === "SyntaxError") {
      return badResponse(`${what} answered with a body that is not JSON (${err.message})`, err);
    }
    // HttpClient wraps fetch's own failure (TypeError "fetch failed"); undici's cause is dropped.
    return new ToxiproxyApiError(
      "toxiproxy_unreachable",
      `${what} failed: cannot reach Toxiproxy at ${url} (${err.name}: ${err.message}); is toxiproxy-server running?`,
      undefined,
      { cause: err },
    );
  }
  // Thrown while the client read or shaped a 2xx answer (body cut short, fields missing, ...).
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return badResponse(`${what} answered something toxiproxy-node-client could not read (${detail})`, err);
}

function badResponse(message: string, cause?: unknown): ToxiproxyApiError {
  return new ToxiproxyApiError("toxiproxy_bad_response", message, undefined, cause === undefined ? undefined : { cause });
}

function toProxyInfo(p: ClientProxy, toxics: ToxicInfo[]): ProxyInfo {
  if (typeof p.name !== "string" || typeof p.listen !== "string") {
    throw badResponse(`Toxiproxy answered a proxy without name or listen: ${JSON.stringify(p.toJson())}`);
  }
  return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled, toxics };
}

function toToxicInfo(t: Pick<ToxicInfo, "name" | "stream" | "toxicity"> & { type: string; attributes: unknown }): ToxicInfo {
  if (typeof t?.name !== "string" || typeof t.attributes !== "object" || t.attributes === null) {
    throw badResponse(`Toxiproxy answered a toxic without name or attributes: ${JSON.stringify(t)}`);
  }
  return {
    name: t.name,
    type: t.type as ToxicType,
    stream: t.stream,
    toxicity: t.toxicity,
    attributes: { ...(t.attributes as Record<string, number>) },
  };
}
