// The client against scripted peers: the exact bytes it sends, replies it must ignore, input that is not a packet,
// and the faults of docs/client-typescript.md: refused connections, servers that close at once or normally, and a
// connection that goes silent (half-open).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { Source } from '../dist/index.js';
import { newClient } from './support/client.mjs';
import { Recorder, once } from './support/events.mjs';
import { scriptedServer } from './support/scripted.mjs';

const fast = { initialDelay: 10, maxDelay: 40 };

// wire-vectors.md §1: send_rpc("add", 10, 20) with call_id "606ad767e"; ours is "1".
const ADD_VECTOR =
  '86a6736f7572636505a464617461c0a372706385a474797065a772657175657374a66d6574686f64a3616464a461726773920a14a66b776172677380' +
  'a763616c6c5f6964a9363036616437363765a76368616e6e656cc0a974696d657374616d70c0ae636f7272656c6174696f6e5f6964c0';

function reply(callId, response, error = null, extra = {}) {
  return {
    source: 5,
    data: null,
    rpc: { type: 'response', call_id: callId, response, error, is_stream: false, is_end: false, ...extra },
    channel: null,
    timestamp: null,
    correlation_id: null,
  };
}

test('a call goes out byte for byte as webshocket sends it, with the subprotocol offered', async (t) => {
  const frames = new Recorder('frames');
  const server = await scriptedServer((socket, request) => {
    frames.push({ protocol: request.headers['sec-websocket-protocol'] });
    socket.on('message', (data, isBinary) => {
      frames.push({ data, isBinary });
      const request = decode(data);
      socket.send(encode(reply(request.rpc.call_id, 30)));
    });
  });
  const client = newClient(server.url);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  assert.equal(await client.call('add', 10, 20), 30);
  assert.deepEqual(await frames.next(), { protocol: 'webshocket.v1' });
  const frame = await frames.next();
  assert.equal(frame.isBinary, true);
  assert.equal(Buffer.from(frame.data).toString('hex'), ADD_VECTOR.replace('a9363036616437363765', 'a131'));
});

test('a generic client sends JSON text with the six keys in order', async (t) => {
  const frames = new Recorder('frames');
  const server = await scriptedServer((socket, request) => {
    frames.push(request.headers['sec-websocket-protocol'] ?? null);
    socket.on('message', (data, isBinary) => {
      frames.push({ text: data.toString(), isBinary });
      const { rpc } = JSON.parse(data.toString());
      socket.send(JSON.stringify(reply(rpc.call_id, 30)));
    });
  });
  const client = newClient(server.url, { encoding: 'json' });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  assert.equal(await client.call('add', 10, 20), 30);
  assert.equal(await frames.next(), null);
  assert.deepEqual(await frames.next(), {
    text:
      '{"source":5,"data":null,"rpc":{"type":"request","method":"add","args":[10,20],"kwargs":{},"call_id":"1"},' +
      '"channel":null,"timestamp":null,"correlation_id":null}',
    isBinary: false,
  });
});

test("a second reply to the same call (the Python server's) is ignored", async (t) => {
  const server = await scriptedServer((socket) => {
    socket.on('message', (data) => {
      const { rpc } = decode(data);
      if (rpc.method === 'nope') {
        socket.send(encode(reply(rpc.call_id, "RPC method 'nope' not found.", -32601)));
        socket.send(encode(reply(rpc.call_id, null)));
      } else {
        socket.send(encode(reply(rpc.call_id, 'fine')));
      }
    });
  });
  const client = newClient(server.url);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  await assert.rejects(client.call('nope'), { code: -32601 });
  assert.equal(await client.call('other'), 'fine');
  assert.equal(client.pendingCalls, 0);
});

test('a call that gets no answer in time rejects with timeout, and a late answer is dropped', async (t) => {
  const requests = new Recorder('requests');
  const server = await scriptedServer((socket) => socket.on('message', (data) => requests.push(decode(data))));
  const client = newClient(server.url);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  const error = await client.with({ timeout: 50 }).call('never').then(() => null, (e) => e);
  assert.equal(error.kind, 'timeout');
  assert.equal(error.method, 'never');
  assert.equal(error.message, "call 'never' got no answer within 50 ms");
  assert.equal(client.pendingCalls, 0);
  // The answer that comes after the timeout belongs to nobody: dropped, and the session goes on.
  const late = await requests.next();
  const messages = new Recorder('messages');
  client.on('message', messages.record);
  const socket = [...server.sockets][0];
  socket.send(encode(reply(late.rpc.call_id, 'too late')));
  socket.send(encode({ source: 4, data: 'after', rpc: null, channel: null, timestamp: null, correlation_id: null }));
  assert.equal((await messages.next()).data, 'after');
});

test('input that is not a packet arrives as an UNKNOWN packet with the raw bytes, and the session goes on', async (t) => {
  const server = await scriptedServer((socket) => {
    socket.send(Buffer.from([0xc1, 0x00, 0xff]));
    socket.send(encode({ source: 9, data: 'bad source' }));
    socket.send(encode({ source: 4, data: 'custom', rpc: null, channel: null, timestamp: null, correlation_id: 'c-1' }));
  });
  const client = newClient(server.url);
  const messages = new Recorder('messages');
  client.on('message', messages.record);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  const [garbage, badSource, custom] = await messages.take(3);
  assert.equal(garbage.source, Source.UNKNOWN);
  assert.deepEqual([...garbage.data], [0xc1, 0x00, 0xff]);
  assert.equal(badSource.source, Source.UNKNOWN);
  assert.equal(custom.source, Source.CUSTOM);
  assert.equal(custom.data, 'custom');
  assert.equal(custom.correlationId, 'c-1');
  assert.equal(client.state, 'connected');
});

test('connect() gives up after connectAttempts refused attempts, saying why', async () => {
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const client = newClient(`ws://127.0.0.1:${port}/`, { ...fast, connectAttempts: 2 });
  const errors = new Recorder('errors');
  client.on('error', errors.record);
  const failure = await client.connect().then(() => null, (e) => e);
  assert.equal(failure.kind, 'connect_failed');
  assert.match(failure.message, /failed to connect to .* after 2 attempts: .*ECONNREFUSED/);
  const [first, second, last] = await errors.take(3);
  assert.match(first.message, /^connection attempt 1 failed/);
  assert.match(second.message, /^connection attempt 2 failed/);
  assert.equal(last, failure);
  assert.equal(client.state, 'disconnected');
});

test('a server that closes with 1000 ends the session without reconnecting', async (t) => {
  const server = await scriptedServer((socket) => socket.close(1000, 'bye'));
  const client = newClient(server.url, fast);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  const states = new Recorder('states');
  client.on('state', states.record);
  const dropped = once(client, 'disconnected');
  await client.connect();
  assert.deepEqual(await dropped, { code: 1000, reason: 'bye', reconnect: false });
  assert.equal(client.state, 'disconnected');
  assert.deepEqual((await states.take(3)).map(([state]) => state), ['connecting', 'connected', 'disconnected']);
  assert.equal(server.connections, 1);
});

test('three connections that fail at once stop the reconnecting with a clear error', async (t) => {
  const server = await scriptedServer((socket) => socket.close(4003, 'bad key'));
  const client = newClient(server.url, fast);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  const drops = new Recorder('drops');
  client.on('disconnected', drops.record);
  const gaveUp = new Promise((resolve) => client.on('error', (e) => /immediately/.test(e.message) && resolve(e)));
  await client.connect();
  const error = await gaveUp;
  assert.equal(error.message, 'connection failed 3 times immediately after connecting (last: code 4003: bad key)');
  assert.deepEqual((await drops.take(3)).map((d) => d.reconnect), [true, true, false]);
  assert.equal(client.state, 'disconnected');
  assert.equal(server.connections, 3);
});

test('a connection that goes silent is dropped by the heartbeat and made again', async (t) => {
  // The first connection answers nothing at all (half-open); the second answers the heartbeat's probe.
  const server = await scriptedServer((socket, _request, number) => {
    if (number === 1) return;
    socket.on('message', (data) => socket.send(encode(reply(decode(data).rpc.call_id, true))));
  });
  const client = newClient(server.url, { ...fast, heartbeatInterval: 100, heartbeatTimeout: 100 });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  await client.connect();
  const drop = await once(client, 'disconnected');
  assert.equal(drop.reconnect, true);
  assert.equal(drop.code, 1006);
  assert.match(drop.reason, /no answer to a heartbeat within 100 ms/);
  await once(client, 'connected');
  assert.equal(server.connections, 2);
});
