// Types for agentwire-client.js (AgentWire protocol v1).

export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface Envelope<T extends string, D> {
  type: T;
  /** Opaque position in the user's stream; keep the last one processed (the client does). */
  id: string;
  run_id: string;
  thread_id: string;
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  ts: string;
  data: D;
}

export type AgentStarted = Envelope<"agent_started", { agent: string; input: string }>;
export type AgentThinking = Envelope<"agent_thinking", { text: string }>;
/** A piece of the answer as the agent writes it (v1.1); the deltas of a run, in order, are its output. */
export type AgentOutputDelta = Envelope<"agent_output_delta", { delta: string }>;
export type ToolExecuting = Envelope<"tool_executing", { call_id: string; tool: string; arguments: Record<string, unknown> }>;
export type ToolCompleted = Envelope<"tool_completed", {
  call_id: string;
  tool: string;
  status: "ok" | "error" | "cancelled" | "timeout";
  result?: unknown;
  error?: string;
  duration_ms: number;
}>;
export type AgentCompleted = Envelope<"agent_completed", {
  status: "succeeded" | "failed" | "cancelled";
  output?: string;
  error?: { code: string; message: string };
  duration_ms: number;
  /** Model tokens the run used, when its agent reported them (the LangChain4j adapter does). */
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
}>;
export type AgentEvent = AgentStarted | AgentThinking | AgentOutputDelta | ToolExecuting | ToolCompleted | AgentCompleted;

export interface Resumed { type: "resumed"; replayed: number }
export interface ResumeFailed { type: "resume_failed"; reason: "invalid_id" | "server_restarted" | "unknown_id" | "expired" | string }

export declare class AgentWireError extends Error {
  constructor(code: string, message: string, requestId?: string);
  /**
   * A protocol error code (e.g. "too_many_runs"), or a client one: "connection_lost", "closed",
   * "token_failed", "invalid_frame", "handler_error".
   */
  readonly code: string;
  readonly requestId?: string;
}

export interface ReconnectOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** 0..1: the share of each delay taken off at random. */
  jitter?: number;
}

export interface AgentWireClientOptions {
  /** e.g. "wss://portal.example.com/agentwire/ws" */
  url: string;
  /**
   * A JWT, or a function returning a fresh one; called on every connect, so that a connection
   * the server closed with 4401 (token expired) resumes with a fresh token.
   */
  token: string | (() => string | Promise<string>);
  /**
   * Trade the token for a one-time connect ticket (POST <context-root>/api/tickets) before each
   * connect, so that no token appears in the WebSocket URL. Default true; false sends the token
   * as access_token.
   */
  tickets?: boolean;
  /** For tests: the fetch used for tickets. */
  fetch?: typeof globalThis.fetch;
  /** Resume from this event id on the first connect (e.g. one kept across a page's own reloads). */
  lastEventId?: string | null;
  reconnect?: ReconnectOptions;
  /** How often to ping; a ping left unanswered until the next one drops the connection. 0 disables. */
  pingIntervalMs?: number;
  /** For tests: the WebSocket class, the random source for jitter, and the timer functions. */
  WebSocket?: new (url: string, protocol: string) => WebSocket;
  random?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface EventMap {
  agent_started: AgentStarted;
  agent_thinking: AgentThinking;
  agent_output_delta: AgentOutputDelta;
  tool_executing: ToolExecuting;
  tool_completed: ToolCompleted;
  agent_completed: AgentCompleted;
  "*": AgentEvent;
  connection: { state: ConnectionState };
  resumed: Resumed;
  resume_failed: ResumeFailed;
  error: AgentWireError;
}

export declare class AgentWireClient {
  constructor(options: AgentWireClientOptions);
  readonly state: ConnectionState;
  readonly lastEventId: string | null;
  connect(): Promise<void>;
  startRun(run: { input: string; agent?: string; threadId?: string }): Promise<{ runId: string; threadId: string }>;
  cancelRun(runId: string): void;
  on<K extends keyof EventMap>(type: K, handler: (value: EventMap[K]) => void): () => void;
  close(): void;
}

export declare function backoffDelay(attempt: number, options?: ReconnectOptions, random?: () => number): number;
export declare function parseFrame(data: string): object[];
export declare function connectionUrl(url: string, credential?: string | { ticket?: string; token?: string }, lastEventId?: string | null): string;
/** Where connect tickets are issued for a WebSocket URL. */
export declare function ticketUrl(url: string): string;
