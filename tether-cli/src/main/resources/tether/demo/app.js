// The Tether demo page, on tether-client (clients/typescript; its browser bundle is served at /tether-client.js).
//
// The client does the protocol: it connects as a framework client (MessagePack; ?encoding=json for a generic JSON
// client), matches replies to calls, streams with cancel, subscribes to the chat's rooms and restores them with
// recovery after a reconnect. This file only wires the page to it. Each feature is one <section> in index.html; a
// form with data-method="NAME" calls NAME with its inputs as positional arguments and shows the reply in #NAME-result,
// so a simple new method needs no JavaScript.
import { RpcErrorCode, Source, TetherClient } from '/tether-client.js';

const SOURCE_NAMES = Object.fromEntries(Object.entries(Source).map(([name, value]) => [value, name]));
const ERROR_NAMES = Object.fromEntries(Object.entries(RpcErrorCode).map(([name, value]) => [value, name]));
const LOG_LIMIT = 200;
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const encoding = params.get('encoding') === 'json' ? 'json' : 'msgpack';
// A server started with --jwt-secret wants a token; a browser's WebSocket cannot send headers, so it goes in the query.
const token = params.get('token');
const url = `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}/${
  token ? `?token=${encodeURIComponent(token)}` : ''
}`;
// Session state lives on the server: after a reconnect, the handshake logs in again as whoever logged in last.
let loggedInAs = null;
const client = new TetherClient(url, {
  encoding,
  initialDelay: 500,
  maxDelay: 8000,
  handshake: async (call) => {
    if (loggedInAs !== null) await call('login', loggedInAs);
  },
});
window.tetherClient = client; // for the console

// ---- Connection state ----------------------------------------------------------------------------------------

function showState(state, detail) {
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('state-detail').textContent = detail;
  $('connect').textContent = state === 'disconnected' ? 'Connect' : 'Disconnect';
  for (const button of document.querySelectorAll('main form button')) {
    button.disabled = state !== 'connected' || button.dataset.idle === 'true';
  }
}

client.on('state', (state) => showState(state, state === 'connected' ? `(${client.encoding})` : ''));
client.on('disconnected', ({ code, reason, reconnect }) =>
  showState(client.state, `close code ${code}${reason ? `: ${reason}` : ''}${reconnect ? '; reconnecting…' : ''}`),
);
client.on('error', (error) => {
  if (client.state !== 'connected') $('state-detail').textContent = error.message;
});
$('url').textContent = url.replace(/token=[^&]*/, 'token=…');
$('connect').addEventListener('click', () => {
  if (client.state === 'disconnected') client.connect().catch(() => {}); // the error event shows why
  else client.disconnect();
});

// ---- Packet log ----------------------------------------------------------------------------------------------

/** A packet as it goes on the wire (snake_case keys, bytes shown by size). */
function wireForm(packet) {
  const wire = {
    source: packet.source,
    data: packet.data,
    rpc: packet.rpc,
    channel: packet.channel,
    timestamp: packet.timestamp,
    correlation_id: packet.correlationId,
  };
  if (packet.tether) wire.tether = packet.tether;
  return JSON.stringify(wire, (_key, value) => (value instanceof Uint8Array ? `<${value.length} bytes>` : value), 2);
}

client.on('packet', (packet, direction) => {
  const entry = document.createElement('li');
  entry.className = direction;
  const header = document.createElement('div');
  const kind = SOURCE_NAMES[packet.source] ?? `source ${packet.source}`;
  header.textContent = `${direction === 'sent' ? '→ sent' : '← received'} · ${kind} · ${new Date().toLocaleTimeString()}`;
  const body = document.createElement('pre');
  body.textContent = wireForm(packet);
  entry.append(header, body);
  const entries = $('log-entries');
  entries.prepend(entry);
  while (entries.children.length > LOG_LIMIT) entries.lastElementChild.remove();
});
$('log-clear').addEventListener('click', () => $('log-entries').replaceChildren());

// ---- Calls ---------------------------------------------------------------------------------------------------

/**
 * An input's value as JSON when it parses (42, "x", [1, 2], {"k": 1}), else as the plain text; always the text for
 * an input marked data-text (a name "42" is a name).
 */
function argument(input) {
  if ('text' in input.dataset) return input.value;
  try {
    return JSON.parse(input.value);
  } catch {
    return input.value;
  }
}

function show(output, className, text) {
  output.className = className;
  output.textContent = text;
}

function showError(output, error) {
  if (error.kind === 'rpc') show(output, 'error', `${ERROR_NAMES[error.code] ?? 'error'} (${error.code}): ${error.message}`);
  else show(output, 'error', `Not sent: ${error.message}`);
}

for (const form of document.querySelectorAll('form[data-method]')) {
  const method = form.dataset.method;
  const output = $(`${method}-result`);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const args = Array.from(form.querySelectorAll('input, select')).map(argument);
    show(output, 'pending', '…');
    try {
      show(output, 'ok', JSON.stringify(await client.call(method, ...args)));
      if (method === 'login') loggedInAs = args[0];
    } catch (error) {
      showError(output, error);
    }
  });
}

// count(n): items appear as they arrive; Stop cancels the stream (the client sends __abort__). One at a time.
{
  const items = $('count-items');
  const status = $('count-result');
  const stop = $('count-stop');
  let running = null; // {stream, stopped}
  const setRunning = (current) => {
    running = current;
    stop.dataset.idle = String(current === null);
    stop.disabled = current === null || client.state !== 'connected';
  };
  setRunning(null);
  stop.addEventListener('click', () => {
    if (running) {
      running.stopped = true;
      running.stream.cancel();
    }
  });
  $('count-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    running?.stream.cancel();
    items.replaceChildren();
    show(status, 'pending', 'streaming…');
    const current = { stream: client.stream('count', argument($('count-n'))), stopped: false };
    setRunning(current);
    let received = 0;
    let failure = null;
    try {
      for await (const item of current.stream) {
        items.append(`${received++ ? ' ' : ''}${JSON.stringify(item)}`);
      }
    } catch (error) {
      failure = error;
    }
    if (running !== current) return; // a newer count took over the status line
    setRunning(null);
    if (failure) showError(status, failure);
    else show(status, 'ok', `${current.stopped ? 'stopped after' : 'done:'} ${received} item${received === 1 ? '' : 's'}`);
  });
}

// ---- Chat ----------------------------------------------------------------------------------------------------
// Rooms are the client's subscriptions: by name with join/leave events and recovery, or by pattern. Who is in the
// named rooms comes from presence, refreshed when someone joins or leaves and every 10 s.
{
  const rooms = new Map(); // name -> Subscription
  const status = $('chat-result');
  const messages = $('chat-messages');

  const showJoined = () => {
    $('chat-joined').textContent = rooms.size ? [...rooms.keys()].join(', ') : '(none)';
  };

  const showPresence = async () => {
    const parts = [];
    for (const [room, sub] of rooms) {
      if (sub.isPattern || client.state !== 'connected') continue;
      try {
        const who = (await client.presence(room)).map((m) => (m.info ? String(m.info) : `${m.session.slice(0, 8)}…`));
        parts.push(`${room}: ${who.length} (${who.join(', ')})`);
      } catch {
        // left meanwhile, or disconnected: the next refresh says
      }
    }
    $('chat-present').textContent = parts.length ? parts.join('; ') : '(none)';
  };
  setInterval(showPresence, 10_000);
  client.on('connected', showPresence); // restored subscriptions answer before the session is ready

  const addMessage = ({ channel, data }) => {
    const message = data && typeof data === 'object' ? data : { text: data };
    const entry = document.createElement('li');
    const room = document.createElement('span');
    room.className = 'room';
    room.textContent = `[${channel}]`;
    const from = document.createElement('strong');
    from.textContent = String(message.from ?? '?');
    entry.append(room, ' ', from, `: ${String(message.text ?? '')}`);
    messages.prepend(entry);
    while (messages.children.length > LOG_LIMIT) messages.lastElementChild.remove();
  };

  const join = async (room) => {
    if (rooms.has(room)) return;
    let sub;
    try {
      sub = client.subscribe(
        room,
        {
          onPublication: addMessage,
          onSubscribed: ({ recovered, recoveredPublications }) => {
            if (recovered === true) show(status, 'ok', `${room}: recovered ${recoveredPublications} missed`);
            if (recovered === false) show(status, 'error', `${room}: some messages were missed while away`);
            showPresence();
          },
          onJoin: showPresence,
          onLeave: showPresence,
          onUnsubscribed: () => {
            rooms.delete(room);
            showJoined();
          },
        },
        { joinLeave: !/[*?[\]]/.test(room) },
      );
    } catch (error) {
      show(status, 'error', `Not joined: ${error.message}`);
      return;
    }
    rooms.set(room, sub);
    showJoined();
    try {
      await sub.ready;
      show(status, 'ok', '');
    } catch (error) {
      rooms.delete(room);
      showJoined();
      showError(status, error);
    }
  };

  $('chat-join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    join($('chat-room').value);
  });
  $('chat-leave').addEventListener('click', async () => {
    await rooms.get($('chat-room').value)?.unsubscribe();
    showPresence();
  });
  $('chat-say-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('chat-text');
    try {
      const recipients = await client.call('say', $('chat-channel').value, text.value);
      show(status, 'ok', `said to ${recipients} recipient${recipients === 1 ? '' : 's'}`);
      text.value = '';
    } catch (error) {
      showError(status, error);
    }
  });
  showJoined();
  $('chat-present').textContent = '(none)';
}

showState('connecting', '');
client.connect().catch(() => {}); // the state line shows why it failed
