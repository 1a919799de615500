/**
 * Facts about the machine a benchmark ran on, recorded next to the figures: without them a
 * number cannot be compared with another run's. Every fact is read from the real tool
 * (erl, elixir, toxiproxy-server's GET /version, the Docker engine); a tool that cannot be asked
 * gives "unknown (<why>)" instead of failing the benchmark.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { startToxiproxyServer } from "../../harness/src/toxiproxy/server.js";
import type { MachineFacts } from "./results.js";

function ask(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 }).trim();
  } catch (err) {
    return `unknown (${(err as Error).message.split("\n")[0]})`;
  }
}

async function toxiproxyVersion(): Promise<string> {
  try {
    const server = await startToxiproxyServer({ host: "127.0.0.1" });
    try {
      return server.version;
    } finally {
      await server.stop();
    }
  } catch (err) {
    return `unknown (${(err as Error).message.split("\n")[0]})`;
  }
}

/** The engine's version, or undefined when no Docker engine answers. */
export function dockerVersion(): string | undefined {
  const v = ask("docker", ["version", "--format", "{{.Server.Version}}"]);
  return v.startsWith("unknown") || v === "" ? undefined : v;
}

export async function machineFacts(): Promise<MachineFacts> {
  const cpus = os.cpus();
  const elixir = ask("elixir", ["--version"]).split("\n").find((l) => l.startsWith("Elixir")) ?? "unknown";
  const docker = dockerVersion();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    otp: ask("erl", ["-noshell", "-eval", 'io:format("~s (erts ~s)", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().']),
    elixir,
    toxiproxy: await toxiproxyVersion(),
    ...(docker ? { docker } : {}),
  };
}
