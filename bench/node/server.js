// Benchmark peer for docs/performance.md.
//
// A plain Node.js server with the `ws` package: the peer a user might pick instead of AgentWire
// for streaming agent events over WebSocket. It runs the same trivial workload as
// bench/bare/BareEndpoint.java: every incoming text message is answered with five separate text
// frames, each a JSON event of the same shape and size as AgentWire's, sent one by one.
//
// Usage: node server.js <port>   (listens on 127.0.0.1:<port>, path /ws, no auth)
'use strict';

const { WebSocketServer } = require('ws');

const port = Number.parseInt(process.argv[2], 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.js <port>');
  process.exit(2);
}

// perMessageDeflate is left at ws's default (disabled for the server).
const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws' });

wss.on('connection', (socket) => {
  socket.on('message', (_message, isBinary) => {
    if (isBinary) return;
    for (let seq = 1; seq <= 5; seq++) {
      socket.send(
        '{"type":"agent_thinking","id":"b-' + seq + '","run_id":"r-00000000-0000-0000-0000-000000000000",' +
          '"thread_id":"t-00000000-0000-0000-0000-000000000000","seq":' + seq +
          ',"ts":"' + new Date().toISOString() + '","data":{"text":"step of the bare endpoint"}}'
      );
    }
  });
});

wss.on('listening', () => {
  console.log('listening on ' + wss.address().port);
});

wss.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
