/**
 * netsplit's error hierarchy. Every error carries a string `code` a program can switch on and a
 * message a person can act on (it quotes the values involved and says how to fix the problem).
 */
export class NetsplitError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A scenario file (or an equivalent object) is invalid. */
export class ScenarioError extends NetsplitError {}

/** The Toxiproxy API answered with an error, or could not be reached. */
export class ToxiproxyApiError extends NetsplitError {
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

/** A node agent failed, timed out, refused us, or answered with an error. */
export class AgentError extends NetsplitError {
  readonly node: string | undefined;
  constructor(code: string, message: string, node?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.node = node;
  }
}

/** The user asked for something impossible (bad flag, unknown node, bad fault shape). */
export class UsageError extends NetsplitError {}

/** A prerequisite (erl, elixir, toxiproxy-server, docker) is missing or broken. */
export class PrerequisiteError extends NetsplitError {}

/** A process we started failed to start or died unexpectedly. */
export class ProcessError extends NetsplitError {}
