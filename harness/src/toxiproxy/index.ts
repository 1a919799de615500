/** Public surface of netsplit's Toxiproxy layer: start a server, drive it through ToxiproxyApi. */
export { ToxiproxyApi, type ToxiproxyApiOptions } from "./api.js";
export { resolveToxiproxyServer } from "./binary.js";
export { startToxiproxyServer, type StartedToxiproxyServer, type ToxiproxyServerOptions } from "./server.js";
export type { ProxyInfo, ProxySpec, ToxicInfo, ToxicSpec, ToxicStream, ToxicType } from "./types.js";
