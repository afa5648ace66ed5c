// AgentWire protocol v1 client: one WebSocket per client, reconnects by itself with exponential
// backoff and jitter, resumes with the id of the last event it processed, and splits batched
// frames. No dependencies, no build step. See docs/client.md.

const MAX_INPUT_BYTES = 32 * 1024;
const MAX_FRAME_BYTES = 64 * 1024;
const EVENT_TYPES = ["agent_started", "agent_thinking", "agent_output_delta", "tool_executing", "tool_completed", "agent_completed"];

/** An error the server sent (or the client raised) for one request. */
export class AgentWireError extends Error {
  constructor(code, message, requestId) {
    super(message);
    this.name = "AgentWireError";
    this.code = code;
    this.requestId = requestId;
  }
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt, { minDelayMs = 500, maxDelayMs = 15000, factor = 2, jitter = 0.5 } = {}, random = Math.random) {
  const base = Math.min(maxDelayMs, minDelayMs * Math.pow(factor, attempt));
  return Math.round(base * (1 - jitter * random()));
}

/** Where connect tickets are issued for a WebSocket URL: ws(s)://host/ctx/ws → http(s)://host/ctx/api/tickets. */
export function ticketUrl(url) {
  const http = url.replace(/^ws/, "http").replace(/[?#].*$/, "");
  return http.replace(/\/ws\/?$/, "") + "/api/tickets";
}

/** The messages of one server frame: one JSON object per line (JSON Lines batching). */
export function parseFrame(data) {
  return String(data).split("\n").filter((line) => line.length > 0).map((line) => JSON.parse(line));
}

/**
 * The WebSocket URL with the credential and, when resuming, the last processed event id. The
 * credential is a connect ticket ({ ticket }) or, for servers without tickets, the token itself
 * ({ token }), which proxies and access logs would keep: tickets are the default.
 */
export function connectionUrl(url, credential, lastEventId) {
  const params = new URLSearchParams();
  if (typeof credential === "string") credential = { token: credential };
  if (credential?.ticket) params.set("ticket", credential.ticket);
  else if (credential?.token) params.set("access_token", credential.token);
  if (lastEventId) params.set("last_event_id", lastEventId);
  const query = params.toString();
  return query ? url + (url.includes("?") ? "&" : "?") + query : url;
}

export class AgentWireClient {
  /**
   * @param {object} options
   * @param {string} options.url the endpoint, e.g. "wss://portal.example.com/agentwire/ws"
   * @param {string | (() => string | Promise<string>)} options.token a JWT, or a function that
   *   returns a fresh one; called on every connect, so expired tokens are renewed (the server
   *   closes a connection whose token expired with 4401, and the client reconnects and resumes)
   * @param {boolean} [options.tickets=true] trade the token for a one-time connect ticket before each
   *   connect, so that no token appears in the WebSocket URL; false sends the token as access_token
   */
  constructor({ url, token, tickets = true, lastEventId = null, reconnect = {}, pingIntervalMs = 25000, WebSocket: Socket = globalThis.WebSocket, fetch: fetchTicket = (...args) => globalThis.fetch(...args), random = Math.random, setTimer = (run, ms) => setTimeout(run, ms), clearTimer = (id) => clearTimeout(id) } = {}) {
    if (!url) throw new TypeError("url is required");
    this.url = url;
    this.token = token;
    this.tickets = tickets;
    this.fetch = fetchTicket;
    this.reconnectOptions = reconnect;
    this.pingIntervalMs = pingIntervalMs;
    this.Socket = Socket;
    this.random = random;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.state = "idle";
    this.lastEventId = lastEventId;
    this.handlers = new Map();
    this.pending = new Map();
    this.outbox = [];
    this.nextRequest = 1;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.pingTimer = null;
    this.awaitingPong = null;
    this.opened = null;
  }

  /** Connects; resolves once the first connection is open. */
  connect() {
    if (this.state === "closed") return Promise.reject(new AgentWireError("closed", "the client was closed"));
    if (!this.opened) {
      this.opened = new Promise((resolve, reject) => { this.resolveOpened = resolve; this.rejectOpened = reject; });
      this.open();
    }
    return this.opened;
  }

  /** Starts a run; resolves with { runId, threadId } from run_accepted. */
  startRun({ input, agent, threadId } = {}) {
    if (typeof input !== "string") return Promise.reject(new AgentWireError("invalid_message", "input must be a string"));
    if (new TextEncoder().encode(input).length > MAX_INPUT_BYTES) {
      return Promise.reject(new AgentWireError("invalid_message", `input is longer than ${MAX_INPUT_BYTES} bytes`));
    }
    const message = { type: "start_run", input };
    if (agent) message.agent = agent;
    if (threadId) message.thread_id = threadId;
    return this.request(message).then((reply) => ({ runId: reply.run_id, threadId: reply.thread_id }));
  }

  /** Asks the server to cancel a run; the run's agent_completed (cancelled) follows. */
  cancelRun(runId) {
    this.send({ type: "cancel_run", run_id: runId, request_id: this.newRequestId() });
  }

  /** Subscribes to an event type, "*" (every agent event), "connection", "resumed", "resume_failed" or "error". */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type)?.delete(handler);
  }

  /** Closes for good: no reconnect, pending requests are rejected. */
  close() {
    if (this.state === "closed") return;
    this.setState("closed");
    this.clearTimer(this.timer);
    this.stopPinging();
    this.outbox = [];
    this.failPending("closed", "the client was closed", () => true);
    this.rejectOpened?.(new AgentWireError("closed", "the client was closed"));
    const socket = this.socket;
    this.socket = null; // frames still in flight on it are not dispatched any more
    if (socket) socket.close(1000, "closed by the client");
  }

  // ---- internals ----

  async open() {
    this.setState(this.attempt === 0 && !this.lastEventId ? "connecting" : "reconnecting");
    let token;
    try {
      token = typeof this.token === "function" ? await this.token() : this.token;
    } catch (error) {
      this.emit("error", new AgentWireError("token_failed", String(error?.message ?? error)));
      this.scheduleReconnect();
      return;
    }
    let credential = { token };
    if (this.tickets && token) {
      try {
        const response = await this.fetch(ticketUrl(this.url), { method: "POST", headers: { Authorization: "Bearer " + token } });
        if (!response.ok) throw new Error(`the ticket endpoint answered ${response.status}`);
        credential = { ticket: (await response.json()).ticket };
      } catch (error) {
        this.emit("error", new AgentWireError("ticket_failed", String(error?.message ?? error)));
        this.scheduleReconnect();
        return;
      }
    }
    if (this.state === "closed") return;
    const socket = new this.Socket(connectionUrl(this.url, credential, this.lastEventId), "agentwire.v1");
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      const queued = this.outbox;
      this.outbox = [];
      for (const { text, requestId } of queued) this.transmit(socket, text, requestId);
      this.setState("open");
      this.resolveOpened?.();
      this.startPinging();
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      this.attempt = 0; // the server talks to us: a healthy connection, so backoff starts over
      for (const line of String(event.data).split("\n")) {
        if (!line) continue;
        let message;
        try {
          message = JSON.parse(line);
        } catch (error) {
          this.emit("error", new AgentWireError("invalid_frame", "the server sent a line that is not JSON"));
          continue;
        }
        this.dispatch(message);
      }
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.lost(`connection closed (${event.code}${event.reason ? ": " + event.reason : ""})`);
    };
    socket.onerror = () => {};
  }

  /** The current connection is gone: fail what waits on it and come back, resuming. */
  lost(reason) {
    const socket = this.socket;
    this.socket = null;
    this.stopPinging();
    this.failPending("connection_lost", "the connection closed before the server answered; the run may have started", (request) => request.socket === socket);
    if (this.state === "closed") return;
    if (socket && socket.readyState < 2) socket.close(4000, reason);
    this.emit("error", new AgentWireError("connection_lost", reason));
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.state === "closed") return;
    this.setState("reconnecting");
    const delay = backoffDelay(this.attempt++, this.reconnectOptions, this.random);
    this.timer = this.setTimer(() => this.open(), delay);
  }

  dispatch(message) {
    if (message.type === "pong") {
      if (message.request_id === this.awaitingPong) this.awaitingPong = null;
      return;
    }
    if (message.type === "run_accepted" || message.type === "error") {
      const request = this.pending.get(message.request_id);
      if (request) {
        this.pending.delete(message.request_id);
        if (message.type === "error") request.reject(new AgentWireError(message.code, message.message, message.request_id));
        else request.resolve(message);
      } else if (message.type === "error") {
        this.emit("error", new AgentWireError(message.code, message.message, message.request_id));
      }
      return;
    }
    if (message.type === "resumed" || message.type === "resume_failed") {
      this.emit(message.type, message);
      return;
    }
    if (EVENT_TYPES.includes(message.type)) {
      this.emit(message.type, message);
      this.emit("*", message);
      this.lastEventId = message.id;
    }
  }

  request(message) {
    if (this.state === "closed") return Promise.reject(new AgentWireError("closed", "the client was closed"));
    const requestId = this.newRequestId();
    const text = JSON.stringify({ ...message, request_id: requestId });
    if (new TextEncoder().encode(text).length > MAX_FRAME_BYTES) {
      return Promise.reject(new AgentWireError("invalid_message", `the message is longer than ${MAX_FRAME_BYTES} bytes`, requestId));
    }
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, socket: null });
      this.enqueue(text, requestId);
    });
  }

  send(message) {
    if (this.state === "closed") throw new AgentWireError("closed", "the client was closed");
    this.enqueue(JSON.stringify(message), message.request_id);
  }

  /** Sends now when open; otherwise keeps it for the next connection. */
  enqueue(text, requestId) {
    if (this.socket && this.state === "open") this.transmit(this.socket, text, requestId);
    else this.outbox.push({ text, requestId });
  }

  transmit(socket, text, requestId) {
    const request = this.pending.get(requestId);
    if (request) request.socket = socket;
    socket.send(text);
  }

  newRequestId() {
    return "c" + this.nextRequest++;
  }

  /** Rejects the pending requests that match; the others (not sent yet) keep waiting. */
  failPending(code, reason, matches) {
    for (const [requestId, request] of this.pending) {
      if (!matches(request)) continue;
      this.pending.delete(requestId);
      request.reject(new AgentWireError(code, reason, requestId));
    }
  }

  /** A ping that gets no pong before the next one means a dead connection: drop it and resume. */
  startPinging() {
    if (!this.pingIntervalMs) return;
    this.pingTimer = this.setTimer(() => {
      if (this.awaitingPong && this.socket) {
        this.lost("no answer to a ping");
        return;
      }
      this.awaitingPong = this.newRequestId();
      this.socket?.send(JSON.stringify({ type: "ping", request_id: this.awaitingPong }));
      this.startPinging();
    }, this.pingIntervalMs);
  }

  stopPinging() {
    this.clearTimer(this.pingTimer);
    this.pingTimer = null;
    this.awaitingPong = null;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit("connection", { state });
  }

  emit(type, value) {
    for (const handler of this.handlers.get(type) ?? []) {
      try {
        handler(value);
      } catch (error) {
        if (type !== "error") this.emit("error", new AgentWireError("handler_error", `a ${type} handler threw: ${error?.message ?? error}`));
      }
    }
  }
}
