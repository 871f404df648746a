// Run by global-websocket.test.mjs in a Node with a global WebSocket (22+, or 20 with --experimental-websocket):
// the client with no WebSocket option at all, as in a browser. Prints one JSON line of what it saw.
import { TetherClient } from '../../dist/index.js';

const client = new TetherClient(process.argv[2], { logger: null });
await client.connect();
const sum = await client.call('add', 2, 40);
const items = [];
for await (const n of client.stream('count', 3)) items.push(n);
const bytes = await client.call('echo', new Uint8Array([1, 2, 3]));
console.log(JSON.stringify({ encoding: client.encoding, sum, items, bytes: [...bytes] }));
await client.close();
