// The admin page: polls /admin/stats every 2 s with the token (kept in sessionStorage for this tab only), turns two
// snapshots into rates, and draws the last 2 minutes of connections and messages on a canvas.
const $ = (id) => document.getElementById(id);
const POLL_MS = 2000;
const HISTORY = 60; // samples: 2 minutes
const history = [];
let previous = null;
let timer = null;

const sum = (map) => Object.values(map ?? {}).reduce((a, b) => a + b, 0);
const rate = (now, before, pick) => (before ? Math.max(0, (pick(now) - pick(before)) / ((now.time - before.time) / 1000)) : null);
const fmt = (value) => (value === null || value === undefined ? '–' : value >= 100 ? Math.round(value).toLocaleString('en') : String(Math.round(value * 10) / 10));

function uptime(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

function rows(tableId, entries) {
  const body = $(tableId).querySelector('tbody');
  body.replaceChildren(
    ...entries.map((cells) => {
      const row = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = typeof cell === 'number' ? cell.toLocaleString('en') : cell;
        row.append(td);
      }
      return row;
    }),
  );
}

function show(stats) {
  const messages = (s) => sum(s.messages.received) + sum(s.messages.sent);
  $('connections-open').textContent = fmt(stats.connections.open);
  $('connections-rate').textContent = fmt(rate(stats, previous, (s) => s.connections.opened));
  $('messages-in-rate').textContent = fmt(rate(stats, previous, (s) => sum(s.messages.received)));
  $('messages-out-rate').textContent = fmt(rate(stats, previous, (s) => sum(s.messages.sent)));
  $('rpc-rate').textContent = fmt(rate(stats, previous, (s) => s.rpc.calls));
  $('channels-subscribed').textContent = fmt(stats.channels.subscribed);
  $('deliveries-rate').textContent = fmt(rate(stats, previous, (s) => s.channels.deliveries));
  $('slow-consumers').textContent = fmt(sum(stats.slowConsumers));
  $('workers-pending').textContent = fmt(stats.workers.pending);
  $('broker').textContent = stats.brokerConnected === null ? 'none' : stats.brokerConnected ? 'connected' : 'down';
  $('uptime').textContent = uptime(stats.uptimeSeconds);
  const protocols = [...new Set([...Object.keys(stats.messages.received), ...Object.keys(stats.messages.sent)])].sort();
  rows('messages-table', protocols.map((p) => [p, stats.messages.received[p] ?? 0, stats.messages.sent[p] ?? 0]));
  rows('rpc-table', Object.entries(stats.rpc.byOutcome));
  rows('closed-table', Object.entries(stats.connections.closedByCode));
  rows('slow-table', Object.entries(stats.slowConsumers));
  history.push({ open: stats.connections.open ?? 0, messages: rate(stats, previous, messages) ?? 0 });
  if (history.length > HISTORY) history.shift();
  draw();
  previous = stats;
}

function draw() {
  const canvas = $('chart');
  // Drawn at the size it is shown, in device pixels, so that lines and text are not stretched.
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  const line = (key, color) => {
    const max = Math.max(1, ...history.map((h) => h[key]));
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    history.forEach((h, i) => {
      const x = (i / (HISTORY - 1)) * (width - 10) + 5;
      const y = height - 10 - (h[key] / max) * (height - 30);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.stroke();
    g.fillStyle = color;
    g.font = '14px sans-serif';
    g.fillText(`max ${fmt(max)}`, key === 'open' ? 8 : width - 110, 16);
  };
  line('open', '#0969da');
  line('messages', '#bf3989');
}

async function poll(token) {
  try {
    const response = await fetch('/admin/stats', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) {
      $('status').textContent = 'token refused';
      $('status').dataset.state = 'disconnected';
      stop();
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    show(await response.json());
    $('status').textContent = `live, every ${POLL_MS / 1000} s`;
    $('status').dataset.state = 'connected';
  } catch (error) {
    $('status').textContent = `no stats: ${error.message}; retrying`;
    $('status').dataset.state = 'connecting';
  }
}

function stop() {
  clearInterval(timer);
  timer = null;
}

function start(token) {
  stop();
  sessionStorage.setItem('tether-admin-token', token);
  previous = null;
  history.length = 0;
  poll(token);
  timer = setInterval(() => poll(token), POLL_MS);
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  start($('token').value);
});
const saved = sessionStorage.getItem('tether-admin-token');
if (saved) start(saved);
