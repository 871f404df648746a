// Channels against the demo server: subscriptions by name (with positions) and by pattern, unsubscribe, presence
// with join and leave events, and recovery of what a dropped connection missed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { newClient } from './support/client.mjs';
import { Recorder, once } from './support/events.mjs';
import { startProxy } from './support/proxy.mjs';
import { startServer } from './support/server.mjs';

let server;
let speaker;
const fast = { initialDelay: 20, maxDelay: 100 };
before(async () => {
  server = await startServer();
  speaker = newClient(server.url);
  await speaker.connect();
});
after(async () => {
  await speaker?.close();
  await server?.stop();
});

const unique = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const say = (channel, text) => speaker.call('say', channel, text);

test('a subscription by name gets its publications with consecutive positions', async (t) => {
  const client = newClient(server.url);
  t.after(() => client.close());
  await client.connect();
  const channel = unique('lobby');
  const heard = new Recorder('publications');
  const sub = client.subscribe(channel, heard.record);
  const subscribed = await sub.ready;
  assert.equal(subscribed.channel, channel);
  assert.equal(subscribed.recoverable, true);
  assert.equal(subscribed.recovered, null);
  assert.ok(subscribed.position && typeof subscribed.position.epoch === 'string');
  assert.equal(await say(channel, 'one'), 1);
  await say(channel, 'two');
  const [one, two] = await heard.take(2);
  assert.equal(one.channel, channel);
  assert.equal(one.data.text, 'one');
  assert.equal(two.data.text, 'two');
  assert.equal(one.position.offset, subscribed.position.offset + 1);
  assert.equal(two.position.offset, one.position.offset + 1);
  assert.deepEqual(sub.position, two.position);
  assert.deepEqual(client.subscriptions(), [channel]);
});

test('a pattern subscription gets every matching channel, without positions', async (t) => {
  const client = newClient(server.url);
  t.after(() => client.close());
  await client.connect();
  const prefix = unique('room');
  const heard = new Recorder('pattern');
  const sub = client.subscribe(`${prefix}.*`, heard.record);
  assert.equal(sub.isPattern, true);
  await sub.ready;
  await say(`${prefix}.a`, 'to a');
  await say(`${prefix}.b.c`, 'to b.c');
  await say(`${prefix}x`, 'to neither');
  await say(`${prefix}.d`, 'to d');
  const got = await heard.take(3);
  assert.deepEqual(got.map((p) => [p.channel, p.data.text, p.position]), [
    [`${prefix}.a`, 'to a', null],
    [`${prefix}.b.c`, 'to b.c', null],
    [`${prefix}.d`, 'to d', null],
  ]);
});

test('unsubscribe ends the subscription here and on the server', async (t) => {
  const client = newClient(server.url);
  t.after(() => client.close());
  await client.connect();
  const channel = unique('gone');
  const ended = new Recorder('unsubscribed');
  const sub = client.subscribe(channel, { onPublication() {}, onUnsubscribed: ended.record });
  await sub.ready;
  assert.equal(await say(channel, 'before'), 1);
  await sub.unsubscribe();
  assert.equal(await ended.next(), null);
  assert.equal(await say(channel, 'after'), 0);
  assert.deepEqual(client.subscriptions(), []);
});

test('a subscription made before connect() is made when the connection is ready', async (t) => {
  const client = newClient(server.url);
  t.after(() => client.close());
  const channel = unique('early');
  const heard = new Recorder('early');
  const sub = client.subscribe(channel, heard.record);
  await client.connect();
  await sub.ready;
  await say(channel, 'hello');
  assert.equal((await heard.next()).data.text, 'hello');
});

test('presence lists the subscribers, and joinLeave hears them come and go', async (t) => {
  const watcher = newClient(server.url);
  const visitor = newClient(server.url);
  t.after(() => Promise.all([watcher.close(), visitor.close()]));
  await Promise.all([watcher.connect(), visitor.connect()]);
  const channel = unique('here');
  const joins = new Recorder('joins');
  const leaves = new Recorder('leaves');
  await watcher.subscribe(channel, { onPublication() {}, onJoin: joins.record, onLeave: leaves.record }, { joinLeave: true })
    .ready;
  await visitor.call('login', 'grace');
  const visit = visitor.subscribe(channel, () => {});
  await visit.ready;
  const joined = await joins.until((member) => member.info === 'grace');
  const members = await watcher.presence(channel);
  assert.ok(members.some((m) => m.session === joined.session && m.info === 'grace'), JSON.stringify(members));
  await visit.unsubscribe();
  const left = await leaves.next();
  assert.equal(left.session, joined.session);
});

test('a dropped connection reconnects and recovers the publications it missed, in order', async (t) => {
  const proxy = await startProxy(server.port);
  let handshakes = 0;
  const client = newClient(proxy.url, {
    ...fast,
    handshake: async (call) => {
      handshakes++;
      await call('login', 'ada'); // session state does not survive a reconnect: the handshake restores it
    },
  });
  t.after(async () => {
    await client.close();
    await proxy.close();
  });
  await client.connect();
  const channel = unique('recover');
  const heard = new Recorder('recovered');
  const answers = new Recorder('subscribed');
  await client.subscribe(channel, { onPublication: heard.record, onSubscribed: answers.record }).ready;
  await answers.next();
  await say(channel, 'm1');
  assert.equal((await heard.next()).data.text, 'm1');

  proxy.block();
  const dropped = once(client, 'disconnected');
  proxy.dropAll();
  const disconnection = await dropped;
  assert.equal(disconnection.reconnect, true);
  assert.equal(disconnection.code, 1006);
  await say(channel, 'm2');
  await say(channel, 'm3');
  const reconnected = once(client, 'connected');
  proxy.unblock();
  assert.deepEqual(await reconnected, { reconnect: true, encoding: 'msgpack' });

  const restored = await answers.next();
  assert.equal(restored.recovered, true);
  assert.equal(restored.recoveredPublications, 2);
  await say(channel, 'm4');
  const got = await heard.take(3);
  assert.deepEqual(got.map((p) => p.data.text), ['m2', 'm3', 'm4']);
  for (let i = 1; i < got.length; i++) assert.equal(got[i].position.offset, got[i - 1].position.offset + 1);
  assert.equal(handshakes, 2);
  assert.equal((await client.call('whoami')).username, 'ada');
});

test('a subscription made while the connection is being set up is made once it is ready', async (t) => {
  const channel = unique('setup');
  let sub;
  const client = newClient(server.url, {
    handshake: () => {
      sub = client.subscribe(channel, () => {}); // open, not ready yet: the restore has already been planned
    },
  });
  t.after(() => client.close());
  await client.connect();
  const subscribed = await sub.ready;
  assert.equal(subscribed.channel, channel);
  assert.equal(await say(channel, 'x'), 1);
});
