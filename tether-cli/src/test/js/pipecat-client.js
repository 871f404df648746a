// The page of DemoPipecatClientBrowserTest: pipecat's own browser client (@pipecat-ai/client-js with
// @pipecat-ai/websocket-transport and its WavMediaManager) talking to the demo's voice echo bot.
// esbuild bundles this file at test time; the test opens the page with ?ws=ws://127.0.0.1:PORT/ws-client and reads
// what happened from the data attributes of <body>.
import { PipecatClient } from '@pipecat-ai/client-js';
import { WavMediaManager, WebSocketTransport } from '@pipecat-ai/websocket-transport';

const body = document.body;
const status = (key, value) => { body.dataset[key] = String(value); };
const log = (text) => {
  const line = document.createElement('li');
  line.textContent = text;
  document.getElementById('log').append(line);
};

const mediaManager = new WavMediaManager();
// Count the bot's audio as the transport hands it to the player.
let framesReceived = 0;
let samplesReceived = 0;
const bufferBotAudio = mediaManager.bufferBotAudio.bind(mediaManager);
mediaManager.bufferBotAudio = (data, id) => {
  framesReceived += 1;
  samplesReceived += data instanceof Int16Array ? data.length : data.byteLength / 2;
  status('framesReceived', framesReceived);
  status('samplesReceived', samplesReceived);
  return bufferBotAudio(data, id);
};

const client = new PipecatClient({
  transport: new WebSocketTransport({ mediaManager }),
  enableMic: true,
  enableCam: false,
  callbacks: {
    onTransportStateChanged: (state) => { status('transportState', state); log(`transport: ${state}`); },
    onServerMessage: (data) => { status('serverMessage', data.text ?? JSON.stringify(data)); log(`bot: ${data.text}`); },
    onError: (message) => { status('error', JSON.stringify(message.data)); log(`error: ${JSON.stringify(message.data)}`); },
  },
});

status('framesReceived', 0);
status('connect', 'pending');
const wsUrl = new URLSearchParams(location.search).get('ws');
client.connect({ wsUrl })
  .then((ready) => { status('connect', 'resolved'); status('botVersion', ready?.version ?? ''); log('bot-ready'); })
  .catch((error) => { status('connect', `rejected: ${error?.message ?? error}`); log(`connect failed: ${error}`); });
