/**
 * Every recogniser on lines captured from real runs (OTP 25, see testdata/otp25-log-lines.json:
 * "forwarded" lines are what the agent sent, "console" lines come from the nodes' log files;
 * RabbitMQ 3.10.8's in testdata/rabbitmq-3.10.8-otp25-lines.json).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { connectFailed, connectRejected, crash, globalDisconnect, mnesiaPartition, nameConflict, rabbitAutohealLoser, rabbitDownButReachable, rabbitPartialPartition, rabbitPaused, rabbitStopped, recognise, supervisorReport, termName, tickTimeout, type LogInput } from "./recognise.js";

interface Captured extends LogInput { source: "forwarded" | "console"; scenario: string; node: string }
const fixture = JSON.parse(readFileSync(new URL("./testdata/otp25-log-lines.json", import.meta.url), "utf8")) as { otp: string; lines: Captured[] };
const lines = fixture.lines;
const find = (source: Captured["source"], start: string): Captured => {
  const l = lines.find((x) => x.source === source && x.text.startsWith(start));
  if (!l) throw new Error(`no captured ${source} line starting with ${start}`);
  return l;
};

describe("recognisers on real OTP 25 lines", () => {
  it("the fixture says where it came from", () => {
    expect(fixture.otp).toBe("25");
    expect(lines.length).toBeGreaterThan(15);
  });

  it("global disconnecting a node to prevent overlapping partitions: who and whom", () => {
    expect(globalDisconnect(find("forwarded", "'global' at node 'n1@127.0.0.1' disconnected node"))).toEqual({ kind: "global_disconnect", by: "n1", peer: "n2", done: true });
    expect(globalDisconnect(find("forwarded", "'global' at node 'n2@127.0.0.1' requested disconnect"))).toEqual({ kind: "global_disconnect", by: "n2", peer: "n1", done: false });
    expect(globalDisconnect(find("console", `'global' at node :"n1@127.0.0.1" disconnected node`))).toEqual({ kind: "global_disconnect", by: "n1", peer: "n2", done: true });
    expect(globalDisconnect(find("console", `'global' at node :"n1@127.0.0.1" requested disconnect`))).toEqual({ kind: "global_disconnect", by: "n1", peer: "n3", done: false });
  });

  it("global name conflicts: which name and which pid was killed", () => {
    // forwarded: global logs the name with ~w, so a binary name comes as its bytes
    expect(nameConflict(find("forwarded", "global: Name conflict"))).toEqual({ kind: "name_conflict", name: "solo", pid: "<11329.145.0>", pidTail: "145.0" });
    expect(nameConflict(find("console", "global: Name conflict"))).toEqual({ kind: "name_conflict", name: "solo", pid: "<11329.145.0>", pidTail: "145.0" });
    expect(termName("leader")).toBe("leader");
    expect(termName(":leader")).toBe("leader");
    expect(termName(`<<"solo">>`)).toBe("solo");
  });

  it("net_kernel: a node not responding to ticks", () => {
    expect(tickTimeout(find("forwarded", "** Node 'n2@127.0.0.1' not responding"))).toEqual({ kind: "tick_timeout", peer: "n2" });
    expect(tickTimeout(find("console", `** Node :"n2@127.0.0.1" not responding`))).toEqual({ kind: "tick_timeout", peer: "n2" });
  });

  it("connection attempts that failed or were refused", () => {
    expect(connectFailed(find("forwarded", "'global' at 'n3@127.0.0.1' failed to connect"))).toEqual({ kind: "connect_failed", by: "n3", peer: "n1" });
    expect(connectFailed(find("console", `'global' at :"n1@127.0.0.1" failed to connect`))).toEqual({ kind: "connect_failed", by: "n1", peer: "n3" });
    expect(connectRejected(find("forwarded", "** Connection attempt from node"))).toEqual({ kind: "connect_rejected", from: "n1", why: "invalid challenge reply: the cookies differ" });
    expect(connectRejected(find("console", "** Connection attempt from node"))).toEqual({ kind: "connect_rejected", from: "n1", why: "invalid challenge reply: the cookies differ" });
  });

  it("a pg scope restarted by its supervisor", () => {
    const l = find("forwarded", "Supervisor: {local,my_app_sup}");
    expect(l.start).toBe("pg:start_link/1");
    expect(supervisorReport(l)).toEqual({ kind: "supervisor", supervisor: "my_app_sup", child: "my_scope", context: "child_terminated", reason: "killed", pgScope: "my_scope" });
  });

  it("an app's supervisor restarting a crashed child", () => {
    expect(supervisorReport(find("forwarded", "Supervisor: {local,demo_sup}"))).toEqual({ kind: "supervisor", supervisor: "demo_sup", child: "worker", context: "child_terminated", reason: "ArgumentError: kaboom" });
  });

  it("crash reports: process, reason, short stack", () => {
    const named = crash(find("forwarded", "crasher: initial call: erl_eval:'-expr/6-fun-2-'/0, pid: <0.141.0>, registered_name: demo_worker"));
    expect(named).toEqual({ kind: "crash", process: "demo_worker", reason: "ArgumentError: kaboom", stack: ["erl_eval.do_apply/7 (erl_eval.erl:742)", "Agent.Server.handle_cast/2 (lib/agent/server.ex:27)", "gen_server.try_dispatch/4 (gen_server.erl:1123)"] });
    const exit = crash(find("forwarded", "crasher: initial call: erl_eval:'-expr/6-fun-2-'/0, pid: <0.144.0>"));
    expect(exit).toMatchObject({ process: "<0.144.0> (erl_eval:'-expr/6-fun-2-'/0)", reason: "{shutdown_badly,[1,2,3]}" });
    expect(crash(find("forwarded", "Generic server demo_worker terminating"))).toMatchObject({ process: "demo_worker", reason: "ArgumentError: kaboom" });
    expect(crash(find("forwarded", "** Task <0.138.0> terminating"))).toMatchObject({ process: "Task <0.138.0>", reason: "RuntimeError: boom in a task", stack: ["erl_eval.do_apply/7 (erl_eval.erl:742)", "Task.Supervised.invoke_mfa/2 (lib/task/supervised.ex:89)", "proc_lib.init_p_do_apply/3 (proc_lib.erl:240)"] });
  });

  it("mnesia: inconsistent database after a partition", () => {
    expect(mnesiaPartition(find("forwarded", "Mnesia('n2@127.0.0.1')"))).toEqual({ kind: "mnesia_partition", node: "n2", context: "running_partitioned_network", peer: "n3" });
    expect(mnesiaPartition(find("console", `Mnesia(:"n1@127.0.0.1")`))).toEqual({ kind: "mnesia_partition", node: "n1", context: "running_partitioned_network", peer: "n3" });
  });

  it("every forwarded line of the fixture is recognised; lines no recogniser knows give null", () => {
    const unknown = lines.filter((l) => l.source === "forwarded" && recognise(l) === null);
    expect(unknown.map((l) => l.text)).toEqual([]);
    expect(recognise({ text: "netsplit control: 127.0.0.1:1 closed the connection" })).toBeNull();
    expect(recognise({ text: "Task #PID<0.139.0> started from #PID<0.138.0> terminating" })).toBeNull();
  });
});

describe("recognisers on real RabbitMQ 3.10.8 lines (OTP 25)", () => {
  const rmq = JSON.parse(readFileSync(new URL("./testdata/rabbitmq-3.10.8-otp25-lines.json", import.meta.url), "utf8")) as { rabbitmq: string; otp: string; lines: Captured[] };
  const all = rmq.lines;
  const get = (source: Captured["source"], scenario: string, node: string, start: string): Captured => {
    const l = all.find((x) => x.source === source && x.scenario.startsWith(scenario) && x.node === node && x.text.startsWith(start));
    if (!l) throw new Error(`no captured ${source} line of ${scenario} on ${node} starting with ${start}`);
    return l;
  };

  it("the fixture says where it came from", () => {
    expect([rmq.rabbitmq, rmq.otp]).toEqual(["3.10.8", "25"]);
    expect(all.filter((l) => l.source === "forwarded").length).toBeGreaterThan(20);
  });

  it("pause_minority: the isolated node pauses itself (forwarded: a warning)", () => {
    const fwd = get("forwarded", "pause-minority", "n3", "Cluster minority/secondary status detected");
    expect(fwd.level).toBe("warning");
    expect(rabbitPaused(fwd)).toEqual({ kind: "rabbit_paused" });
    expect(rabbitPaused(get("console", "pause-minority", "n3", "Cluster minority/secondary status detected"))).toEqual({ kind: "rabbit_paused" });
  });

  it("rabbit stopping (application_controller's exit report; RabbitMQ's own file spells it differently); other applications are not facts", () => {
    const fwd = get("forwarded", "pause-minority", "n3", "Application: rabbit.");
    expect(fwd.label).toBe("application_controller:exit");
    expect(rabbitStopped(fwd)).toEqual({ kind: "rabbit_stopped", reason: "stopped" });
    expect(rabbitStopped(get("console", "pause-minority", "n3", "Application rabbit exited"))).toEqual({ kind: "rabbit_stopped", reason: "stopped" });
    expect(recognise(get("forwarded", "pause-minority", "n3", "Application: mnesia."))).toBeNull();
    expect(recognise(get("forwarded", "pause-minority", "n3", "Application: syslog."))).toBeNull();
  });

  it("after the heal: mnesia on the restarting node learns its peers had seen it down", () => {
    expect(mnesiaPartition(get("forwarded", "pause-minority", "n3", "Mnesia('n3@127.0.0.1')"))).toEqual({ kind: "mnesia_partition", node: "n3", context: "starting_partitioned_network", peer: "n1" });
    expect(mnesiaPartition(get("console", "pause-minority", "n3", "Mnesia('n3@127.0.0.1')"))).toEqual({ kind: "mnesia_partition", node: "n3", context: "starting_partitioned_network", peer: "n1" });
  });

  it("autoheal: every node sees the partition in mnesia; the loser names the winner and restarts", () => {
    expect(mnesiaPartition(get("forwarded", "autoheal", "n1", "Mnesia("))).toEqual({ kind: "mnesia_partition", node: "n1", context: "running_partitioned_network", peer: "n3" });
    const loser = get("forwarded", "autoheal", "n3", "Autoheal: we were selected to restart");
    expect(loser.level).toBe("warning");
    expect(rabbitAutohealLoser(loser)).toEqual({ kind: "rabbit_autoheal_loser", winner: "n2" });
    expect(rabbitAutohealLoser(get("console", "autoheal", "n3", "Autoheal: we were selected to restart"))).toEqual({ kind: "rabbit_autoheal_loser", winner: "n2" });
  });

  it("a partial partition (one link cut): who lost whom, who still sees it, and what the node does", () => {
    expect(rabbitPartialPartition(get("forwarded", "partial", "n3", "Partial partition detected"))).toEqual({ kind: "rabbit_partial_partition", down: "n2", peer: "n1", action: "pause" });
    expect(rabbitPartialPartition(get("forwarded", "partial", "n2", "Partial partition detected"))).toEqual({ kind: "rabbit_partial_partition", down: "n3", peer: "n1", action: "pause" });
    // RabbitMQ's own file has the message over five lines: the first says nothing about whom
    expect(rabbitPartialPartition(get("console", "partial", "n3", "Partial partition detected"))).toBeNull();
    expect(rabbitDownButReachable(get("forwarded", "partial", "n1", "Received a 'DOWN' message from 'n2@"))).toEqual({ kind: "rabbit_down_but_reachable", down: "n2" });
    expect(rabbitDownButReachable(get("console", "partial", "n1", "Received a 'DOWN' message from 'n3@"))).toEqual({ kind: "rabbit_down_but_reachable", down: "n3" });
  });

  it("RabbitMQ's boot noise and its info lines (which the agent does not forward) are not facts", () => {
    for (const start of ["Could not auto-cluster with node", "Feature flags: the previous instance", "Message store"]) expect(recognise(get("forwarded", "pause-minority", "n1", start))).toBeNull();
    const info = all.filter((l) => l.level === "info");
    expect(info.length).toBeGreaterThan(10);
    expect(info.filter((l) => l.source === "forwarded")).toEqual([]);
    expect(info.map((l) => recognise(l)).filter((f) => f !== null)).toEqual([]);
  });

  it("every forwarded partition line of the fixture is recognised", () => {
    const partition = all.filter((l) => l.source === "forwarded" && /minority|Autoheal|Partial partition|Received a 'DOWN'|Application: rabbit\.|Mnesia\(|not responding/.test(l.text));
    expect(partition.length).toBeGreaterThan(12);
    expect(partition.filter((l) => recognise(l) === null).map((l) => l.text)).toEqual([]);
  });
});
