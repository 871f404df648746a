// Node's own WebSocket (undici's, global in Node 22, behind --experimental-websocket in Node 20) instead of the `ws`
// package: the client must take it by default, as it takes a browser's.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from './support/server.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server?.stop());

test("with Node's global WebSocket and no option, calls, streams and bytes work", async () => {
  const major = Number(process.versions.node.split('.')[0]);
  const flags = major >= 22 ? [] : ['--experimental-websocket'];
  const child = fileURLToPath(new URL('./support/global-websocket-child.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, '--no-warnings', child, server.url], {
    timeout: 30_000,
  });
  assert.deepEqual(JSON.parse(stdout), { encoding: 'msgpack', sum: 42, items: [1, 2, 3], bytes: [1, 2, 3] });
});
