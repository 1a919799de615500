import { describe, expect, it } from "vitest";
import { parseProxyCounters } from "./metrics.js";

const TEXT = `# HELP toxiproxy_proxy_received_bytes_total
# TYPE toxiproxy_proxy_received_bytes_total counter
toxiproxy_proxy_received_bytes_total{direction="downstream",listener="127.0.0.1:39091",proxy="n1_to_n2",upstream="127.0.0.1:39675"} 6
toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:39091",proxy="n1_to_n2",upstream="127.0.0.1:39675"} 29
toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="127.0.0.1:39091",proxy="n1_to_n2",upstream="127.0.0.1:39675"} 5
toxiproxy_proxy_sent_bytes_total{direction="upstream",listener="127.0.0.1:39091",proxy="n1_to_n2",upstream="127.0.0.1:39675"} 2.9e+01
toxiproxy_proxy_sent_bytes_total{direction="upstream",listener="127.0.0.1:1",proxy="other",upstream="127.0.0.1:2"} 7
go_goroutines 12
`;

describe("parseProxyCounters", () => {
  it("keeps [received up, sent up, received down, sent down] per proxy", () => {
    expect(parseProxyCounters(TEXT)).toEqual({ n1_to_n2: [29, 29, 6, 5], other: [0, 7, 0, 0] });
  });

  it("keeps only the proxies asked for, and ignores everything else", () => {
    expect(parseProxyCounters(TEXT, (p) => p.includes("_to_"))).toEqual({ n1_to_n2: [29, 29, 6, 5] });
    expect(parseProxyCounters("")).toEqual({});
  });
});
