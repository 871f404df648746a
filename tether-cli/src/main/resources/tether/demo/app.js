// The Tether demo page: a generic webshocket.v1 client in plain JavaScript (no build step, no libraries).
//
// A generic client offers no subprotocol, so the server speaks JSON with it. Every message is one packet with
// the six keys source, data, rpc, channel, timestamp, correlation_id (docs/protocol.md). An RPC call is a packet
// with source 5 and an rpc request; its reply carries the same call_id.
//
// Structure: the connection (one WebSocket, RPC calls matched to replies), the packet log, and the features.
// Each feature is one <section> in index.html; a form with data-method="NAME" calls NAME with its inputs as
// positional arguments and shows the reply in #NAME-result, so a simple new method needs no JavaScript.
(() => {
  'use strict';

  const SOURCE_NAMES = {1: 'BROADCAST', 2: 'CHANNEL', 3: 'UNKNOWN', 4: 'CUSTOM', 5: 'RPC'};
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
    pending: new Map(), // call_id -> {resolve, reject}
    packetListeners: [], // functions called with every packet that is not an RPC reply
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
    for (const button of document.querySelectorAll('form[data-method] button')) {
      button.disabled = state !== 'connected';
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

  /** An input's value as JSON when it parses (42, "x", [1, 2], {"k": 1}), else as the plain text. */
  function argument(text) {
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

  function setUpMethodForms() {
    for (const form of document.querySelectorAll('form[data-method]')) {
      const method = form.dataset.method;
      const output = $(`${method}-result`);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const args = Array.from(form.querySelectorAll('input')).map((input) => argument(input.value));
        output.className = 'pending';
        output.textContent = '…';
        try {
          showReply(output, await call(method, args));
        } catch (e) {
          output.className = 'error';
          output.textContent = `Not sent: ${e.message}`;
        }
      });
    }
  }

  function setUpControls() {
    $('connect').addEventListener('click', () => (connection.socket ? disconnect() : connect()));
    $('log-clear').addEventListener('click', () => $('log-entries').replaceChildren());
  }

  setUpMethodForms();
  setUpControls();
  connect();
})();
