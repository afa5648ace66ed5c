// Unit tests of agentwire-client.js, run in the browser by ChatInChromiumIT: a fake WebSocket and
// hand-driven timers make every reconnect, resume and error path deterministic.
import { AgentWireClient, AgentWireError, backoffDelay, connectionUrl, parseFrame } from "../js/agentwire-client.js";

const tests = [];
const test = (name, body) => tests.push({ name, body });
function assert(condition, message) { if (!condition) throw new Error(message); }
function equal(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

class FakeSocket {
  static instances = [];
  constructor(url, protocol) { this.url = url; this.protocol = protocol; this.sent = []; this.readyState = 0; FakeSocket.instances.push(this); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code, reason) { this.readyState = 3; this.closedWith = code; }
  serverOpen() { this.readyState = 1; this.onopen?.(); }
  serverSends(...messages) { this.onmessage?.({ data: messages.map((m) => JSON.stringify(m)).join("\n") }); }
  serverCloses(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: "" }); }
}

function timers() {
  const pending = [];
  return {
    pending,
    setTimer: (run, ms) => { const t = { run, ms }; pending.push(t); return t; },
    clearTimer: (t) => { const i = pending.indexOf(t); if (i >= 0) pending.splice(i, 1); },
    fire() { const t = pending.shift(); assert(t, "no timer pending"); t.run(); return t.ms; },
  };
}

function client(options = {}) {
  FakeSocket.instances = [];
  const clock = timers();
  const tokens = [];
  const c = new AgentWireClient({
    url: "ws://host/agentwire/ws",
    token: () => { tokens.push("t" + tokens.length); return tokens[tokens.length - 1]; },
    WebSocket: FakeSocket, random: () => 0.5, setTimer: clock.setTimer, clearTimer: clock.clearTimer,
    pingIntervalMs: 0, tickets: false, ...options,
  });
  return { c, clock, tokens, socket: () => FakeSocket.instances[FakeSocket.instances.length - 1] };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const event = (n, type = "agent_thinking", run = "r-1") => ({ type, id: "b-" + n, run_id: run, thread_id: "t-1", seq: n, ts: "2026-11-26T00:00:00.000Z", data: {} });

test("backoff grows exponentially, is capped, and jitter only shortens it", () => {
  const options = { minDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
  equal([0, 1, 2, 3, 4, 9].map((a) => backoffDelay(a, options, () => 0)), [100, 200, 400, 800, 1000, 1000], "without jitter");
  equal(backoffDelay(2, options, () => 1), 200, "full jitter halves it");
  for (let i = 0; i < 100; i++) { const d = backoffDelay(3, options); assert(d >= 400 && d <= 800, "jittered delay " + d); }
});

test("a batched frame is split into its messages, in order", () => {
  equal(parseFrame('{"a":1}\n{"b":2}\n{"c":3}'), [{ a: 1 }, { b: 2 }, { c: 3 }], "three lines");
  equal(parseFrame('{"a":1}'), [{ a: 1 }], "one object");
});

test("the connection URL carries the token and, when resuming, the last event id", () => {
  equal(connectionUrl("ws://h/ws", "tok", null), "ws://h/ws?access_token=tok", "first connect");
  equal(connectionUrl("ws://h/ws?x=1", "t k", "b-7"), "ws://h/ws?x=1&access_token=t+k&last_event_id=b-7", "resume");
});

test("by default the token is traded for a connect ticket, and only the ticket is in the URL", async () => {
  const asked = [];
  const fetch = async (url, init) => { asked.push({ url, init }); return { ok: true, json: async () => ({ ticket: "tk" + asked.length, expires_in: 30 }) }; };
  FakeSocket.instances = [];
  const clock = timers();
  const c = new AgentWireClient({ url: "wss://portal.example/agentwire/ws", token: () => "secret-token", fetch, WebSocket: FakeSocket, random: () => 0.5, setTimer: clock.setTimer, clearTimer: clock.clearTimer, pingIntervalMs: 0 });
  c.connect().catch(() => {}); // closed below before it opens
  await settle();
  const socket = FakeSocket.instances[FakeSocket.instances.length - 1];
  equal(asked.length, 1, "one ticket per connect");
  equal(asked[0].url, "https://portal.example/agentwire/api/tickets", "the ticket endpoint beside the socket");
  equal(asked[0].init.method, "POST", "a POST");
  equal(asked[0].init.headers.Authorization, "Bearer secret-token", "with the token in the header");
  equal(socket.url, "wss://portal.example/agentwire/ws?ticket=tk1", "the ticket, not the token, in the URL");
  assert(!socket.url.includes("secret-token"), "no token in the URL");
  c.close();
});

test("a ticket endpoint that fails is reported and retried with backoff", async () => {
  let calls = 0;
  const fetch = async () => { calls++; return calls === 1 ? { ok: false, status: 503 } : { ok: true, json: async () => ({ ticket: "later" }) }; };
  const { c, clock, socket } = client({ tickets: true, fetch });
  const errors = [];
  c.on("error", (e) => errors.push(e.code));
  c.connect().catch(() => {}); // closed below before it opens
  await settle();
  equal(errors, ["ticket_failed"], "reported");
  equal(FakeSocket.instances.length, 0, "no socket without a ticket");
  clock.fire();
  await settle();
  equal(socket().url, "ws://host/agentwire/ws?ticket=later", "connected with the next ticket");
  c.close();
});

test("connect offers agentwire.v1 with a fresh token and resolves when open", async () => {
  const { c, socket } = client();
  const states = [];
  c.on("connection", ({ state }) => states.push(state));
  const opened = c.connect();
  await settle();
  equal(socket().protocol, "agentwire.v1", "subprotocol");
  equal(socket().url, "ws://host/agentwire/ws?access_token=t0", "url");
  socket().serverOpen();
  await opened;
  equal(states, ["connecting", "open"], "states");
});

test("startRun resolves with run_accepted and rejects with the server's error code", async () => {
  const { c, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const accepted = c.startRun({ input: "hi", agent: "scripted", threadId: "t-9" });
  const sent = socket().sent[0];
  equal([sent.type, sent.input, sent.agent, sent.thread_id], ["start_run", "hi", "scripted", "t-9"], "message");
  socket().serverSends({ type: "run_accepted", request_id: sent.request_id, run_id: "r-1", thread_id: "t-9" });
  equal(await accepted, { runId: "r-1", threadId: "t-9" }, "accepted");
  const refused = c.startRun({ input: "again" });
  socket().serverSends({ type: "error", request_id: socket().sent[1].request_id, code: "too_many_runs", message: "wait" });
  const error = await refused.then(() => null, (e) => e);
  assert(error instanceof AgentWireError, "an AgentWireError");
  equal([error.code, error.message], ["too_many_runs", "wait"], "mapped error");
});

test("events reach their type's handlers and '*', in order, and advance lastEventId", async () => {
  const { c, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const all = [], thinking = [];
  c.on("*", (e) => all.push(e.seq));
  const off = c.on("agent_thinking", (e) => thinking.push(e.seq));
  socket().serverSends(event(1, "agent_started"), event(2), event(3));
  off();
  socket().serverSends(event(4));
  equal(all, [1, 2, 3, 4], "every event");
  equal(thinking, [2, 3], "until unsubscribed");
  equal(c.lastEventId, "b-4", "last processed id");
});

test("answer deltas (v1.1) are events: handlers, '*' and lastEventId", async () => {
  const { c, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const all = [], pieces = [];
  c.on("*", (e) => all.push(e.type));
  c.on("agent_output_delta", (e) => pieces.push(e.data.delta));
  const delta = (n, text) => ({ ...event(n, "agent_output_delta"), data: { delta: text } });
  socket().serverSends(event(1, "agent_started"), delta(2, "Hel"), delta(3, "lo"));
  equal(pieces.join(""), "Hello", "the pieces, in order");
  equal(all, ["agent_started", "agent_output_delta", "agent_output_delta"], "every event");
  equal(c.lastEventId, "b-3", "a delta is resumable like any event");
});

test("a dropped connection reconnects with backoff and resumes from the last event", async () => {
  const { c, clock, tokens, socket } = client({ reconnect: { minDelayMs: 100, factor: 2, jitter: 0 } });
  const states = [];
  c.on("connection", ({ state }) => states.push(state));
  c.connect(); await settle(); socket().serverOpen();
  socket().serverSends(event(1, "agent_started"), event(2));
  socket().serverCloses(1006);
  equal(clock.fire(), 100, "first delay");
  await settle();
  equal(socket().url, "ws://host/agentwire/ws?access_token=t1&last_event_id=b-2", "resume url with a new token");
  socket().serverCloses(1006);
  equal(clock.fire(), 200, "second delay doubles");
  await settle();
  socket().serverOpen();
  const resumed = [];
  c.on("resumed", (m) => resumed.push(m.replayed));
  socket().serverSends(event(3), { type: "resumed", replayed: 1 });
  equal(resumed, [1], "resumed reported");
  equal(c.lastEventId, "b-3", "replayed events count as processed");
  equal(tokens.length, 3, "a token per connect");
  equal(states, ["connecting", "open", "reconnecting", "open"], "states");
  socket().serverCloses(1006);
  equal(clock.fire(), 100, "the delay starts over after a successful connect");
});

test("resume_failed is reported to the page", async () => {
  const { c, socket } = client();
  const failures = [];
  c.on("resume_failed", (m) => failures.push(m.reason));
  c.connect(); await settle(); socket().serverOpen();
  socket().serverSends({ type: "resume_failed", reason: "expired" });
  equal(failures, ["expired"], "reason");
});

test("a request in flight when the connection drops is rejected as connection_lost", async () => {
  const { c, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const pending = c.startRun({ input: "hi" });
  socket().serverCloses(1006);
  const error = await pending.then(() => null, (e) => e);
  equal(error?.code, "connection_lost", "code");
});

test("messages sent while reconnecting go out once the connection is open again", async () => {
  const { c, clock, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  socket().serverCloses(1006);
  c.cancelRun("r-1");
  clock.fire(); await settle();
  equal(socket().sent.length, 0, "nothing before open");
  socket().serverOpen();
  equal(socket().sent.map((m) => [m.type, m.run_id]), [["cancel_run", "r-1"]], "sent after open");
});

test("close() stops for good: no reconnect, pending requests rejected", async () => {
  const { c, clock, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const pending = c.startRun({ input: "hi" });
  c.close();
  equal((await pending.then(() => null, (e) => e))?.code, "closed", "pending rejected");
  equal(socket().closedWith, 1000, "closed normally");
  equal(clock.pending.length, 0, "no reconnect scheduled");
  equal(c.state, "closed", "state");
});

test("a ping left unanswered drops the connection and reconnects", async () => {
  const { c, clock, socket } = client({ pingIntervalMs: 1000 });
  c.connect(); await settle(); socket().serverOpen();
  const first = socket();
  equal(clock.fire(), 1000, "ping timer");
  equal(first.sent[0].type, "ping", "a ping was sent");
  clock.fire();
  equal(first.closedWith, 4000, "the silent connection is dropped");
  equal(c.state, "reconnecting", "and replaced");
});

test("a token function that fails is reported and retried", async () => {
  let calls = 0;
  const { c, clock, socket } = client({ token: () => { calls++; if (calls === 1) throw new Error("idp down"); return "ok"; } });
  const errors = [];
  c.on("error", (e) => errors.push(e.code));
  c.connect(); await settle();
  equal(errors, ["token_failed"], "reported");
  clock.fire(); await settle();
  equal(socket().url, "ws://host/agentwire/ws?access_token=ok", "retried");
});

test("a message queued while reconnecting survives a failed attempt and is sent once", async () => {
  const { c, clock, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  socket().serverCloses(1006);
  const run = c.startRun({ input: "queued" });
  let settled = false;
  run.then(() => { settled = true; }, () => { settled = true; });
  clock.fire(); await settle();
  socket().serverCloses(1006); // this attempt never opened
  await settle();
  assert(!settled, "the queued request is still waiting");
  clock.fire(); await settle();
  socket().serverOpen();
  const sent = socket().sent.filter((m) => m.type === "start_run");
  equal(sent.map((m) => m.input), ["queued"], "sent exactly once, on the connection that opened");
  socket().serverSends({ type: "run_accepted", request_id: sent[0].request_id, run_id: "r-5", thread_id: "t-5" });
  equal(await run, { runId: "r-5", threadId: "t-5" }, "and answered");
});

test("input over 32 KiB is refused before it can cost the connection", async () => {
  const { c, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  const error = await c.startRun({ input: "é".repeat(16 * 1024 + 1) }).then(() => null, (e) => e);
  equal(error?.code, "invalid_message", "refused locally (the limit is in UTF-8 bytes)");
  equal(socket().sent.length, 0, "nothing was sent");
  equal(c.state, "open", "the connection is untouched");
});

test("a server that accepts and drops at once does not defeat the backoff", async () => {
  const { c, clock, socket } = client({ reconnect: { minDelayMs: 100, factor: 2, jitter: 0 } });
  c.connect(); await settle();
  const delays = [];
  for (let i = 0; i < 4; i++) {
    socket().serverOpen();
    socket().serverCloses(1011);
    delays.push(clock.fire());
    await settle();
  }
  equal(delays, [100, 200, 400, 800], "growing");
});

test("one line that is not JSON does not cost the other events of its frame", async () => {
  const { c, socket } = client();
  const seen = [], errors = [];
  c.on("*", (e) => seen.push(e.seq));
  c.on("error", (e) => errors.push(e.code));
  c.connect(); await settle(); socket().serverOpen();
  socket().onmessage({ data: JSON.stringify(event(1, "agent_started")) + "\n{broken\n" + JSON.stringify(event(2)) });
  equal(seen, [1, 2], "both events");
  equal(errors, ["invalid_frame"], "the bad line reported");
});

test("after close() nothing more reaches the handlers", async () => {
  const { c, socket } = client();
  const seen = [];
  c.on("*", (e) => seen.push(e.seq));
  c.connect(); await settle(); socket().serverOpen();
  const old = socket();
  c.close();
  old.onmessage?.({ data: JSON.stringify(event(1, "agent_started")) });
  equal(seen, [], "a frame still in flight is ignored");
});

test("queued messages go out before anything a connection handler sends", async () => {
  const { c, clock, socket } = client();
  c.connect(); await settle(); socket().serverOpen();
  socket().serverCloses(1006);
  c.cancelRun("r-queued");
  c.on("connection", ({ state }) => { if (state === "open") c.cancelRun("r-from-handler"); });
  clock.fire(); await settle();
  socket().serverOpen();
  equal(socket().sent.map((m) => m.run_id), ["r-queued", "r-from-handler"], "in order");
});

test("a handler that throws is reported as handler_error and the others still run", async () => {
  const { c, socket } = client();
  const errors = [], seen = [];
  c.on("error", (e) => errors.push(e.code));
  c.on("*", () => { throw new TypeError("oops"); });
  c.on("*", (e) => seen.push(e.seq));
  c.connect(); await settle(); socket().serverOpen();
  socket().serverSends(event(1, "agent_started"));
  equal(seen, [1], "the other handler ran");
  equal(errors, ["handler_error"], "reported");
});

const results = [];
for (const { name, body } of tests) {
  try { await body(); results.push({ name, ok: true }); }
  catch (error) { results.push({ name, ok: false, error: String(error?.stack ?? error) }); }
  const item = document.createElement("li");
  item.textContent = (results.at(-1).ok ? "ok " : "FAILED ") + name + (results.at(-1).error ? ": " + results.at(-1).error : "");
  document.getElementById("results").append(item);
}
window.testResults = results;
document.body.dataset.done = "true";
