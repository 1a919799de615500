/**
 * Toxiproxy's Prometheus counters (`-proxy-metrics`), reduced to what a report keeps: per
 * netsplit proxy, [received upstream, sent upstream, received downstream, sent downstream].
 */

export type ProxyCounters = Record<string, [number, number, number, number]>;

const LINE = /^toxiproxy_proxy_(received|sent)_bytes_total\{([^}]*)\}\s+([0-9.eE+-]+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Parses the counters of the proxies `keep` accepts (all when omitted). Other lines are ignored. */
export function parseProxyCounters(text: string, keep: (proxy: string) => boolean = () => true): ProxyCounters {
  const out: ProxyCounters = {};
  for (const line of text.split("\n")) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2]!.matchAll(LABEL)) labels[l[1]!] = l[2]!;
    const proxy = labels.proxy;
    if (!proxy || !keep(proxy)) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    const index = (m[1] === "received" ? 0 : 1) + (labels.direction === "downstream" ? 2 : 0);
    const counters = (out[proxy] ??= [0, 0, 0, 0]);
    counters[index] = value;
  }
  return out;
}
