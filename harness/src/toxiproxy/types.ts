/** Shapes of what netsplit sends to and reads from the Toxiproxy API (our own, not the client's). */

/** A proxy to create: Toxiproxy listens on `listen` and forwards to `upstream`. */
export interface ProxySpec {
  /** Unique proxy name, e.g. "n1_to_n2". */
  name: string;
  /** "host:port" Toxiproxy listens on; port 0 lets Toxiproxy choose (read it back from ProxyInfo). */
  listen: string;
  /** "host:port" of the real service. */
  upstream: string;
  /** Default true. A disabled proxy does not listen at all. */
  enabled?: boolean;
}

export type ToxicType =
  | "latency"
  | "bandwidth"
  | "timeout"
  | "slow_close"
  | "limit_data"
  | "reset_peer"
  | "slicer";

/** upstream = client -> server bytes, downstream = server -> client bytes. */
export type ToxicStream = "upstream" | "downstream";

/** A toxic to add to a proxy. Attributes are Toxiproxy's, e.g. `{ latency: 100, jitter: 0 }` (ms). */
export interface ToxicSpec {
  /** Unique per proxy. */
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  /** Fraction of connections affected, 0..1. Default 1. */
  toxicity?: number;
  attributes: Record<string, number>;
}

/** A toxic as the server reports it (defaults filled in). */
export interface ToxicInfo {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  toxicity: number;
  attributes: Record<string, number>;
}

/** A proxy as the server reports it; `listen` carries the real port even if 0 was asked for. */
export interface ProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicInfo[];
}
