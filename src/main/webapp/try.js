// A minimal client of AgentWire protocol v1 for the "try it" page. It does not reconnect or
// resume: the embeddable client does that. Everything the server sends is shown as text.

const $ = (selector) => document.querySelector(selector);
const runs = new Map(); // run_id -> list item
let socket;
let nextRequest = 1;
const pending = new Map(); // request_id -> question text

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const user = $("#user").value.trim();
  const response = await fetch(new URL("api/dev/token?user=" + encodeURIComponent(user), location.href), { method: "POST" });
  if (!response.ok) {
    status(response.status === 404
      ? "This server is not in dev mode, so it hands out no tokens. Start it with the README's run command."
      : "Could not get a token: HTTP " + response.status);
    $("#chat").hidden = false;
    return;
  }
  const { token } = await response.json();
  connect(token, user);
});

function connect(token, user) {
  const url = new URL("ws?access_token=" + encodeURIComponent(token), location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(url, "agentwire.v1");
  status("Connecting as " + user + "…");
  socket.addEventListener("open", () => {
    status("Connected as " + user);
    $("#login").hidden = true;
    $("#chat").hidden = false;
  });
  socket.addEventListener("close", (e) => status("Disconnected (" + e.code + (e.reason ? ": " + e.reason : "") + "). Reload to connect again."));
  socket.addEventListener("message", (e) => {
    for (const line of e.data.split("\n")) {
      if (line) handle(JSON.parse(line));
    }
  });
}

function handle(message) {
  switch (message.type) {
    case "run_accepted":
      runFor(message.run_id, pending.get(message.request_id));
      pending.delete(message.request_id);
      return;
    case "error":
      pending.delete(message.request_id);
      status("Error " + message.code + ": " + message.message);
      return;
    case "pong":
      return;
    default:
      if (message.run_id) showEvent(message);
  }
}

function runFor(runId, question) {
  let item = runs.get(runId);
  if (!item) {
    item = $("#run-template").content.firstElementChild.cloneNode(true);
    item.querySelector(".run-id").textContent = runId;
    item.querySelector(".question").textContent = question ?? "(started in another tab)";
    item.querySelector(".cancel").addEventListener("click", () =>
      send({ type: "cancel_run", run_id: runId, request_id: "c" + nextRequest++ }));
    runs.set(runId, item);
    $("#runs").prepend(item);
  }
  return item;
}

function showEvent(event) {
  const item = runFor(event.run_id);
  const line = document.createElement("li");
  const type = document.createElement("span");
  type.className = "type";
  type.textContent = event.type;
  line.append(type, " #" + event.seq + " " + event.ts.slice(11) + " " + JSON.stringify(event.data));
  item.querySelector(".events").append(line);
  if (event.type === "agent_completed") {
    const { status: runStatus, output, error } = event.data;
    item.dataset.status = runStatus;
    item.querySelector(".run-status").textContent = runStatus + " in " + event.data.duration_ms + " ms";
    item.querySelector(".cancel").remove();
    const answer = item.querySelector(".answer");
    answer.hidden = false;
    answer.textContent = runStatus === "succeeded" ? output : runStatus === "failed" ? error.code + ": " + error.message : "Cancelled.";
  }
}

function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    status("Not connected.");
    return;
  }
  socket.send(JSON.stringify(message));
}

$("#run-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#input").value;
  const requestId = "r" + nextRequest++;
  pending.set(requestId, input);
  const message = { type: "start_run", request_id: requestId, input };
  if ($("#agent").value) message.agent = $("#agent").value;
  send(message);
});

for (const button of document.querySelectorAll("[data-example]")) {
  button.addEventListener("click", () => {
    $("#agent").value = "";
    $("#input").value = button.dataset.example;
  });
}
for (const button of document.querySelectorAll("[data-scripted]")) {
  button.addEventListener("click", () => {
    $("#agent").value = "scripted";
    $("#input").value = button.dataset.scripted;
  });
}

function status(text) {
  $("#status").textContent = text;
}
