// node `ws` echo server for bench/compare.sh: every message goes back as it came (text or binary).
// Usage: node bench/ws-echo.js PORT   (ws is installed by compare.sh into bench/node/)
'use strict';
const path = require('path');
const { WebSocketServer } = require(path.join(__dirname, 'node', 'node_modules', 'ws'));

const port = Number(process.argv[2] || 9003);
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on('listening', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
