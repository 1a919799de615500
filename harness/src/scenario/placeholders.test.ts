import { describe, expect, it } from "vitest";
import { malformedPlaceholders, placeholdersIn, portNamesIn, renderTemplate, type PlaceholderValues } from "./placeholders.js";

const values: PlaceholderValues = {
  node: "n2",
  fullName: "n2@127.0.0.1",
  nodes: ["n1@127.0.0.1", "n2@127.0.0.1", "n3@127.0.0.1"],
  index: 2,
  distPort: 4370,
  dir: "/tmp/run/n2",
  port: (name) => ({ amqp: 5672, http: 15672 })[name] ?? 0,
  fullNameOf: (node) => `${node}@127.0.0.1`,
};

describe("renderTemplate", () => {
  it("replaces every placeholder of the contract", () => {
    expect(renderTemplate("{node} {full_name} {nodes} {index} {dist_port} {dir} {port:amqp} {port:http} {full_name:n1}", values))
      .toBe("n2 n2@127.0.0.1 n1@127.0.0.1,n2@127.0.0.1,n3@127.0.0.1 2 4370 /tmp/run/n2 5672 15672 n1@127.0.0.1");
  });

  it("replaces repeated and adjacent placeholders", () => {
    expect(renderTemplate("worker-{index}{index}-{node}/{node}", values)).toBe("worker-22-n2/n2");
  });

  it("leaves Erlang terms and every other brace as written", () => {
    const config = "[{rabbit, [{x, 1}, {cluster_nodes, {['{full_name:n1}'], disc}}]}, {kernel, [{inet_dist_listen_min, {dist_port}}]}].";
    expect(renderTemplate(config, values)).toBe(
      "[{rabbit, [{x, 1}, {cluster_nodes, {['n1@127.0.0.1'], disc}}]}, {kernel, [{inet_dist_listen_min, 4370}]}].",
    );
    for (const text of ["{rabbit, [{x, 1}]}", "{}", "{ node }", "{Node}", "{port}", "{port:}", "{port:Amqp}", "{port: amqp}", "{full_name:N1}", "{nodes:n1}", "%{port: 1}", "{{node}}x"]) {
      expect(renderTemplate(text, values)).toBe(text === "{{node}}x" ? "{n2}x" : text);
    }
  });

  it("does not rescan what it replaced", () => {
    expect(renderTemplate("{dir}", { ...values, dir: "/a/{node}" })).toBe("/a/{node}");
  });
});

describe("placeholdersIn", () => {
  it("lists each occurrence in order, with its offset", () => {
    expect(placeholdersIn("a {node} {port:amqp} {full_name:n3} {rabbit, 1} {index}")).toEqual([
      { kind: "node", text: "{node}", offset: 2 },
      { kind: "port", name: "amqp", text: "{port:amqp}", offset: 9 },
      { kind: "full_name_of", node: "n3", text: "{full_name:n3}", offset: 21 },
      { kind: "index", text: "{index}", offset: 48 },
    ]);
    expect(placeholdersIn("{rabbit, [{x, 1}]}")).toEqual([]);
  });

  it("portNamesIn gives the distinct port names the runner must allocate", () => {
    expect(portNamesIn("{port:amqp} {port:http}", "{port:amqp}{port:epmd_2}", "{node}")).toEqual(["amqp", "http", "epmd_2"]);
  });

  it("malformedPlaceholders finds port and node placeholders with a bad argument", () => {
    expect(malformedPlaceholders("{port:Amqp} {port:} {full_name:N-1} {port:amqp} {port: 1} {rabbit, 1}")).toEqual([
      { kind: "port", argument: "Amqp", text: "{port:Amqp}", offset: 0 },
      { kind: "port", argument: "", text: "{port:}", offset: 12 },
      { kind: "full_name_of", argument: "N-1", text: "{full_name:N-1}", offset: 20 },
    ]);
  });
});
