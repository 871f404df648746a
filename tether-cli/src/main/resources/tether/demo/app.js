// The Tether demo page: a generic webshocket.v1 client in plain JavaScript (no build step, no libraries).
//
// A generic client offers no subprotocol, so the server speaks JSON with it. Every message is one packet with
// the six keys source, data, rpc, channel, timestamp, correlation_id (docs/protocol.md). An RPC call is a packet
// with source 5 and an rpc request; its reply carries the same call_id.
//
// Structure: the connection (one WebSocket, RPC calls matched to replies), the packet log, and the features.
// Each feature is one <section> in index.html; a form with data-method="NAME" calls NAME with its inputs as
// positional arguments and shows the reply in #NAME-result, so a simple new method needs no JavaScript. The
// stream (count) and the chat have a few lines each below.
(() => {
  'use strict';

  const SOURCE_NAMES = {1: 'BROADCAST', 2: 'CHANNEL', 3: 'UNKNOWN', 4: 'CUSTOM', 5: 'RPC'};
  const CHANNEL = 2;
  const RPC = 5;
  const ERROR_NAMES = {
    '-32601': 'METHOD_NOT_FOUND',
    '-32602': 'INVALID_PARAMS',
    '-32603': 'INTERNAL_SERVER_ERROR',
    '-32000': 'RATE_LIMIT_EXCEEDED',
    '-32001': 'APPLICATION_ERROR',
    '-32002': 'ACCESS_DENIED',
  };
  const LOG_LIMIT = 200;

  const $ = (id) => document.getElementById(id);

  // ---- Connection ----------------------------------------------------------------------------------------

  const connection = {
    socket: null,
    nextCallId: 1,
    pending: new Map(), // call_id -> {resolve, reject, onItem (streams only)}
    packetListeners: [], // functions called with every packet that is not an RPC reply
    closeListeners: [], // functions called when the connection closes
  };

  function socketUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  }

  function connect() {
    const socket = new WebSocket(socketUrl());
    socket.binaryType = 'arraybuffer'; // the server can be told to send JSON in binary frames
    connection.socket = socket;
    setState('connecting', '');
    socket.addEventListener('open', () => setState('connected', ''));
    socket.addEventListener('message', (event) => receive(event.data));
    socket.addEventListener('close', (event) => {
      if (connection.socket !== socket) {
        return;
      }
      connection.socket = null;
      for (const call of connection.pending.values()) {
        call.reject(new Error('the connection closed before the reply'));
      }
      connection.pending.clear();
      setState('disconnected', `close code ${event.code}${event.reason ? `: ${event.reason}` : ''}`);
      connection.closeListeners.forEach((listener) => listener());
    });
  }

  function disconnect() {
    if (connection.socket) {
      connection.socket.close(1000, 'Client is closing the connection.');
      setState('closing', '');
    }
  }

  function send(packet) {
    if (!connection.socket || connection.socket.readyState !== WebSocket.OPEN) {
      throw new Error('not connected');
    }
    connection.socket.send(JSON.stringify(packet));
    logPacket('sent', packet, null);
  }

  function packet(source, fields) {
    return {source, data: null, rpc: null, channel: null, timestamp: null, correlation_id: null, ...fields};
  }

  /** Calls an RPC method; resolves with the rpc response map (which may carry an error). */
  function call(method, args, kwargs = {}) {
    const callId = `page-${connection.nextCallId++}`;
    return new Promise((resolve, reject) => {
      send(packet(RPC, {rpc: {type: 'request', method, args, kwargs, call_id: callId}}));
      connection.pending.set(callId, {resolve, reject});
    });
  }

  /**
   * Calls a streaming RPC method: onItem gets each item as it arrives; `done` resolves with the last rpc response
   * (the end, or an error), or with null after stop(). stop() sends __abort__ with the stream's call id.
   */
  function stream(method, args, onItem) {
    const callId = `page-${connection.nextCallId++}`;
    let settle;
    const done = new Promise((resolve, reject) => {
      send(packet(RPC, {rpc: {type: 'request', method, args, kwargs: {}, call_id: callId}}));
      settle = resolve;
      connection.pending.set(callId, {resolve, reject, onItem});
    });
    const stop = () => {
      if (connection.pending.delete(callId)) {
        // The server answers an abort with nothing; items already on their way are ignored.
        send(packet(RPC, {rpc: {type: 'request', method: '__abort__', args: [callId], kwargs: {},
          call_id: `page-${connection.nextCallId++}`}}));
        settle(null);
      }
    };
    return {callId, done, stop};
  }

  function receive(raw) {
    const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
    let received;
    try {
      received = JSON.parse(text);
    } catch (e) {
      logPacket('received', null, text);
      return;
    }
    logPacket('received', received, null);
    const rpc = received && received.source === RPC ? received.rpc : null;
    if (rpc && rpc.type === 'response' && connection.pending.has(rpc.call_id)) {
      const call = connection.pending.get(rpc.call_id);
      if (call.onItem && rpc.is_stream && !rpc.is_end && (rpc.error === null || rpc.error === undefined)) {
        call.onItem(rpc.response);
        return;
      }
      connection.pending.delete(rpc.call_id);
      call.resolve(rpc);
      return;
    }
    connection.packetListeners.forEach((listener) => listener(received));
  }

  function setState(state, detail) {
    const output = $('state');
    output.textContent = state;
    output.dataset.state = state;
    $('state-detail').textContent = detail;
    $('url').textContent = socketUrl();
    $('connect').textContent = state === 'disconnected' ? 'Connect' : 'Disconnect';
    for (const button of document.querySelectorAll('main form button')) {
      button.disabled = state !== 'connected' || button.dataset.idle === 'true';
    }
  }

  // ---- Packet log ----------------------------------------------------------------------------------------

  function logPacket(direction, value, rawText) {
    const entry = document.createElement('li');
    entry.className = direction;
    const header = document.createElement('div');
    const kind = value && typeof value === 'object' ? (SOURCE_NAMES[value.source] || `source ${value.source}`) : 'not JSON';
    header.textContent = `${direction === 'sent' ? '→ sent' : '← received'} · ${kind} · ${new Date().toLocaleTimeString()}`;
    const body = document.createElement('pre');
    body.textContent = rawText !== null ? rawText : JSON.stringify(value, null, 2);
    entry.append(header, body);
    const entries = $('log-entries');
    entries.prepend(entry);
    while (entries.children.length > LOG_LIMIT) {
      entries.lastElementChild.remove();
    }
  }

  // ---- Features ------------------------------------------------------------------------------------------

  /**
   * An input's value as JSON when it parses (42, "x", [1, 2], {"k": 1}), else as the plain text; always the text
   * for an input marked data-text (a name "42" is a name).
   */
  function argument(input) {
    const text = input.value;
    if ('text' in input.dataset) {
      return text;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      return text;
    }
  }

  function showReply(output, rpc) {
    if (rpc.error !== null && rpc.error !== undefined) {
      output.className = 'error';
      output.textContent = `${ERROR_NAMES[rpc.error] || 'error'} (${rpc.error}): ${rpc.response}`;
    } else {
      output.className = 'ok';
      output.textContent = JSON.stringify(rpc.response);
    }
  }

  function showNotSent(output, error) {
    output.className = 'error';
    output.textContent = `Not sent: ${error.message}`;
  }

  function setUpMethodForms() {
    for (const form of document.querySelectorAll('form[data-method]')) {
      const method = form.dataset.method;
      const output = $(`${method}-result`);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const args = Array.from(form.querySelectorAll('input, select')).map(argument);
        output.className = 'pending';
        output.textContent = '…';
        try {
          showReply(output, await call(method, args));
        } catch (e) {
          showNotSent(output, e);
        }
      });
    }
  }

  /** count(n): items appear as they arrive; Stop aborts the stream. One stream at a time. */
  function setUpCount() {
    const items = $('count-items');
    const status = $('count-result');
    const stopButton = $('count-stop');
    let running = null;
    const setRunning = (value) => {
      running = value;
      stopButton.dataset.idle = String(value === null);
      stopButton.disabled = value === null || !connection.socket;
    };
    setRunning(null);
    $('count-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      if (running) {
        running.stop();
      }
      items.replaceChildren();
      status.className = 'pending';
      status.textContent = 'streaming…';
      let received = 0;
      let current;
      try {
        current = stream('count', [argument($('count-n'))], (item) => {
          received++;
          items.append(`${items.childNodes.length ? ' ' : ''}${JSON.stringify(item)}`);
        });
      } catch (e) {
        showNotSent(status, e);
        return;
      }
      setRunning(current);
      try {
        const end = await current.done;
        if (end === null) {
          status.className = 'ok';
          status.textContent = `stopped after ${received} item${received === 1 ? '' : 's'}`;
        } else if (end.error !== null && end.error !== undefined) {
          showReply(status, end);
        } else {
          status.className = 'ok';
          status.textContent = `done: ${received} item${received === 1 ? '' : 's'}`;
        }
      } catch (e) {
        status.className = 'error';
        status.textContent = e.message;
      } finally {
        if (running === current) {
          setRunning(null);
        }
      }
    });
    stopButton.addEventListener('click', () => running && running.stop());
  }

  /**
   * The chat: join and leave rooms, say something, and every CHANNEL packet in a list, newest first. Who is in the
   * rooms joined by name comes from the built-in presence(name) method, after each join and leave and every 3 s.
   */
  function setUpChat() {
    const joined = $('chat-joined');
    const present = $('chat-present');
    let rooms = [];
    const showPresence = async () => {
      const named = rooms.filter((room) => !/[*?[\]]/.test(room));
      if (!connection.socket || named.length === 0) {
        present.textContent = '(none)';
        return;
      }
      const parts = [];
      for (const room of named) {
        try {
          const rpc = await call('presence', [room]);
          if (rpc.error === null || rpc.error === undefined) {
            const who = rpc.response.map((m) => (m.info ? String(m.info) : `${String(m.session).slice(0, 8)}…`));
            parts.push(`${room}: ${who.length} (${who.join(', ')})`);
          }
        } catch (e) {
          return; // not connected: the close listener says so
        }
      }
      present.textContent = parts.length ? parts.join('; ') : '(none)';
    };
    setInterval(showPresence, 3000);
    const status = $('chat-result');
    const messages = $('chat-messages');
    const showJoined = (rpc) => {
      if (rpc.error !== null && rpc.error !== undefined) {
        showReply(status, rpc);
      } else {
        status.className = 'ok';
        status.textContent = '';
        joined.textContent = rpc.response.length ? rpc.response.join(', ') : '(none)';
        rooms = rpc.response;
        showPresence();
      }
    };
    const roomCall = async (method) => {
      try {
        showJoined(await call(method, [$('chat-room').value]));
      } catch (e) {
        showNotSent(status, e);
      }
    };
    $('chat-join-form').addEventListener('submit', (event) => {
      event.preventDefault();
      roomCall('join');
    });
    $('chat-leave').addEventListener('click', () => roomCall('leave'));
    $('chat-say-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = $('chat-text');
      try {
        const rpc = await call('say', [$('chat-channel').value, text.value]);
        if (rpc.error !== null && rpc.error !== undefined) {
          showReply(status, rpc);
        } else {
          status.className = 'ok';
          status.textContent = `said to ${rpc.response} recipient${rpc.response === 1 ? '' : 's'}`;
          text.value = '';
        }
      } catch (e) {
        showNotSent(status, e);
      }
    });
    connection.packetListeners.push((received) => {
      if (!received || received.source !== CHANNEL) {
        return;
      }
      const data = received.data && typeof received.data === 'object' ? received.data : {text: received.data};
      const entry = document.createElement('li');
      const room = document.createElement('span');
      room.className = 'room';
      room.textContent = `[${received.channel}]`;
      const from = document.createElement('strong');
      from.textContent = String(data.from ?? '?');
      entry.append(room, ' ', from, `: ${String(data.text ?? '')}`);
      messages.prepend(entry);
      while (messages.children.length > LOG_LIMIT) {
        messages.lastElementChild.remove();
      }
    });
    // Subscriptions end with the session.
    connection.closeListeners.push(() => {
      joined.textContent = '(none)';
      rooms = [];
      present.textContent = '(none)';
    });
    joined.textContent = '(none)';
    present.textContent = '(none)';
  }

  function setUpControls() {
    $('connect').addEventListener('click', () => (connection.socket ? disconnect() : connect()));
    $('log-clear').addEventListener('click', () => $('log-entries').replaceChildren());
  }

  setUpMethodForms();
  setUpCount();
  setUpChat();
  setUpControls();
  connect();
})();
