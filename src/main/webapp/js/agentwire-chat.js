// <agentwire-chat>: a drop-in agent chat for any page, built on AgentWireClient. It renders the
// user's messages, each run's thinking, each tool call (running, then result or error with its
// duration), the answer or failure, a cancel button while a run is running, and the connection
// state. Shadow DOM; theme it with the CSS custom properties listed in docs/client.md.

import { AgentWireClient } from "./agentwire-client.js";

const STYLE = `
:host { display: block; font: var(--aw-font, 15px/1.45 system-ui, sans-serif); color: var(--aw-text, #1d2430);
  background: var(--aw-background, #fff); border: 1px solid var(--aw-border, #d6dbe6); border-radius: var(--aw-radius, 8px); }
.status { padding: .4rem .75rem; font-size: .85em; border-bottom: 1px solid var(--aw-border, #d6dbe6); color: var(--aw-muted, #55607a); }
.status[data-state="open"]::before { content: "● "; color: var(--aw-ok, #1b7f3b); }
.status[data-state="reconnecting"]::before, .status[data-state="connecting"]::before { content: "● "; color: var(--aw-warn, #8a6d00); }
.status[data-state="closed"]::before { content: "● "; color: var(--aw-error, #b3261e); }
.scroll { max-height: var(--aw-height, 32rem); overflow-y: auto; }
.log { list-style: none; margin: 0; padding: .75rem; }
.turn { margin-bottom: .9rem; }
.user { background: var(--aw-user-background, #eef2ff); padding: .4rem .6rem; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.run { margin: .4rem 0 0 .75rem; padding-left: .6rem; border-left: 3px solid var(--aw-accent, #3b5bdb); }
.run[data-status="failed"] { border-color: var(--aw-error, #b3261e); }
.run[data-status="cancelled"] { border-color: var(--aw-warn, #8a6d00); }
.steps { list-style: none; margin: 0; padding: 0; font-size: .9em; }
.thinking { color: var(--aw-muted, #55607a); font-style: italic; }
.tool { font-family: var(--aw-mono, ui-monospace, monospace); font-size: .85em; overflow-wrap: anywhere; }
.tool[data-status="error"], .tool[data-status="timeout"], .failure { color: var(--aw-error, #b3261e); }
.answer { white-space: pre-wrap; margin: .3rem 0; }
.notice { color: var(--aw-warn, #8a6d00); font-size: .9em; }
form { display: flex; gap: .5rem; padding: .75rem; border-top: 1px solid var(--aw-border, #d6dbe6); }
textarea { flex: 1; font: inherit; resize: vertical; min-height: 2.5em; }
button { font: inherit; cursor: pointer; }
.cancel { margin-left: .5rem; font-size: .8em; }
`;

class AgentWireChat extends HTMLElement {
  static get observedAttributes() { return ["url", "agent"]; }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>
      <div class="status" role="status" data-state="idle">Not connected</div>
      <div class="scroll" role="log" aria-live="polite" aria-label="Agent conversation"><ol class="log"></ol></div>
      <form><textarea aria-label="Message" placeholder="Ask the agent…" required></textarea>
        <button type="submit">Send</button></form>`;
    this.log = this.shadowRoot.querySelector(".log");
    this.scroller = this.shadowRoot.querySelector(".scroll");
    this.statusLine = this.shadowRoot.querySelector(".status");
    this.form = this.shadowRoot.querySelector("form");
    this.input = this.shadowRoot.querySelector("textarea");
    this.runs = new Map();
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
    this.input.addEventListener("keydown", (event) => {
      if (event.isComposing || event.keyCode === 229) return; // Enter that confirms an IME composition
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); this.submit(); }
    });
  }

  /** A JWT string or a function returning one; read on every connect, so it can be replaced. */
  set token(value) { this._token = value; if (this.isConnected) this.start(); }
  get token() { return this._token; }

  connectedCallback() {
    // A token set before the element was defined is an own property hiding the setter.
    if (Object.prototype.hasOwnProperty.call(this, "token")) { const value = this.token; delete this.token; this.token = value; }
    this.start();
  }

  disconnectedCallback() {
    // Moved rather than removed: keep the connection (and its place in the stream).
    queueMicrotask(() => { if (!this.isConnected) { this.client?.close(); this.client = null; } });
  }

  attributeChangedCallback(name) {
    if (name === "url" && this.client) {
      const resumeFrom = this.client.lastEventId;
      this.client.close();
      this.client = null;
      this.start(resumeFrom);
    }
  }

  start(lastEventId = null) {
    if (this.client || !this._token) return;
    const url = this.getAttribute("url") || defaultUrl();
    const client = new AgentWireClient({
      url,
      lastEventId,
      token: () => (typeof this._token === "function" ? this._token() : this._token),
    });
    this.client = client;
    client.on("connection", ({ state }) => this.showState(state));
    client.on("*", (event) => this.render(event));
    client.on("resume_failed", () => this.historyLost());
    client.on("error", (error) => this.problem(error));
    client.connect().catch(() => {});
  }

  /** Sends a message as the user, as if typed. */
  async send(text) {
    if (!this.client) throw new Error("not connected: set the token first");
    const turn = this.turn(text);
    try {
      const { runId } = await this.client.startRun({ input: text, agent: this.getAttribute("agent") || undefined });
      this.attachRun(runId, turn);
      return runId;
    } catch (error) {
      const text = error.code === "connection_lost"
        ? "The connection dropped while starting; the run may have started and will show here if so."
        : `Not started: ${error.code} – ${error.message}`;
      turn.append(element("p", "failure", text));
      throw error;
    }
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.send(text).catch(() => {});
  }

  turn(text) {
    const item = element("li", "turn");
    item.append(element("div", "user", text));
    this.log.append(item);
    return item;
  }

  /** The block of a run, created on first sight (a run started in another tab has no turn here). */
  runBlock(runId, turn) {
    let block = this.runs.get(runId);
    if (!block) {
      block = element("div", "run");
      block.dataset.runId = runId;
      block.dataset.status = "running";
      block.steps = element("ol", "steps");
      block.append(block.steps);
      const cancel = element("button", "cancel", "Cancel");
      cancel.type = "button";
      cancel.setAttribute("aria-label", "Cancel this run");
      cancel.addEventListener("click", () => { this.input.focus(); this.client?.cancelRun(runId); });
      block.cancel = cancel;
      block.prepend(cancel);
      block.tools = new Map();
      this.runs.set(runId, block);
      (turn ?? this.turn("(started elsewhere)")).append(block);
    }
    return block;
  }

  attachRun(runId, turn) {
    const block = this.runs.get(runId);
    if (block && turn && block.parentElement !== turn) {
      const placeholder = block.parentElement;
      turn.append(block);
      if (placeholder?.querySelector(".run") === null) placeholder.remove();
    } else {
      this.runBlock(runId, turn);
    }
  }

  render(event) {
    const block = this.runBlock(event.run_id);
    const data = event.data ?? {};
    switch (event.type) {
      case "agent_thinking":
        block.steps.append(element("li", "thinking", data.text));
        break;
      case "agent_output_delta": {
        // The answer as it is written: one growing paragraph, replaced by the output at the end.
        if (!block.draft) {
          block.draft = element("p", "answer draft", "");
          block.draft.setAttribute("aria-live", "polite");
          block.append(block.draft);
        }
        block.draft.textContent += data.delta ?? "";
        break;
      }
      case "tool_executing": {
        const line = element("li", "tool", `${data.tool} ${JSON.stringify(data.arguments)} … running`);
        line.dataset.status = "running";
        block.tools.set(data.call_id, line);
        block.steps.append(line);
        break;
      }
      case "tool_completed": {
        const line = block.tools.get(data.call_id) ?? block.steps.appendChild(element("li", "tool"));
        line.dataset.status = data.status;
        const outcome = data.status === "ok" ? JSON.stringify(data.result) : data.error;
        line.textContent = `${data.tool} → ${data.status} in ${data.duration_ms} ms: ${outcome}`;
        break;
      }
      case "agent_completed":
        block.dataset.status = data.status;
        if (block.cancel.contains(this.shadowRoot.activeElement)) this.input.focus();
        block.cancel.remove();
        block.tools.clear();
        if (block.draft) { block.draft.remove(); block.draft = null; }
        if (data.status === "succeeded") block.append(element("p", "answer", data.output ?? ""));
        else if (data.status === "failed") block.append(element("p", "failure", `Failed: ${data.error?.code ?? "unknown"} – ${data.error?.message ?? ""}`));
        else block.append(element("p", "notice", "Cancelled."));
        break;
    }
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  showState(state) {
    if (state === "open") this.lastProblem = null;
    const text = { idle: "Not connected", connecting: "Connecting…", open: "Connected", reconnecting: "Reconnecting…", closed: "Disconnected" }[state] ?? state;
    this.statusLine.dataset.state = state;
    this.statusLine.textContent = text;
    this.dispatchEvent(new CustomEvent("agentwire-connection", { detail: { state } }));
  }

  /** Runs still shown as running may have ended while the history was lost. */
  historyLost() {
    for (const block of this.runs.values()) {
      if (block.dataset.status !== "running") continue;
      block.dataset.status = "unknown";
      block.cancel.remove();
      block.append(element("p", "notice", "What happened to this run could not be restored."));
    }
    this.notice("Part of the history could not be restored after reconnecting; reload to see it all.");
  }

  /** Connection drops show in the status line; other problems once each until the next success. */
  problem(error) {
    if (error.code === "connection_lost") return;
    if (this.lastProblem === error.code && error.code === "token_failed") return;
    this.lastProblem = error.code;
    this.notice(`${error.code}: ${error.message}`);
  }

  notice(text) {
    const item = element("li", "notice", text);
    this.log.append(item);
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function defaultUrl() {
  const url = new URL("ws", new URL("..", import.meta.url));
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

if (!customElements.get("agentwire-chat")) customElements.define("agentwire-chat", AgentWireChat);
export { AgentWireChat };
