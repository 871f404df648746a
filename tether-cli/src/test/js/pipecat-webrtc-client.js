// The page of DemoWebRtcPipecatClientBrowserTest: pipecat's own browser client (@pipecat-ai/client-js with
// @pipecat-ai/small-webrtc-transport and its WavMediaManager, which loads nothing from the internet) talking to the
// demo's echo bot over WebRTC. esbuild bundles this file at test time; the test opens the page with
// ?offer=http://127.0.0.1:PORT/api/offer and reads what happened from the data attributes of <body>.
import { PipecatClient } from '@pipecat-ai/client-js';
import { SmallWebRTCTransport, WavMediaManager } from '@pipecat-ai/small-webrtc-transport';

const body = document.body;
const status = (key, value) => { body.dataset[key] = String(value); };
const log = (text) => {
  const line = document.createElement('li');
  line.textContent = text;
  document.getElementById('log').append(line);
};

// The bot's audio track plays in <audio> (Chromium's WebAudio hears a remote track only while an element plays it)
// and an analyser measures its level.
let context;
function measure(track) {
  document.getElementById('bot-audio').srcObject = new MediaStream([track]);
  context = context ?? new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    peak = Math.max(peak, Math.sqrt(sum / samples.length));
    status('botAudioPeak', peak.toFixed(4));
  }, 50);
}

const client = new PipecatClient({
  transport: new SmallWebRTCTransport({ mediaManager: new WavMediaManager() }),
  enableMic: true,
  enableCam: false,
  callbacks: {
    onTransportStateChanged: (state) => { status('transportState', state); log(`transport: ${state}`); },
    onServerMessage: (data) => { status('serverMessage', data.text ?? JSON.stringify(data)); log(`bot: ${data.text}`); },
    onError: (message) => { status('error', JSON.stringify(message.data)); log(`error: ${JSON.stringify(message.data)}`); },
    onTrackStarted: (track, participant) => {
      log(`track: ${track.kind} local=${participant?.local}`);
      // The bot's track comes with a participant whose `local` is not true (this version leaves it undefined).
      if (track.kind === 'audio' && participant?.local !== true) {
        status('botAudioTrack', track.readyState);
        measure(track);
      }
    },
  },
});

status('botAudioPeak', 0);
status('connect', 'pending');
const endpoint = new URLSearchParams(location.search).get('offer');
client.connect({ webrtcRequestParams: { endpoint } })
  .then((ready) => { status('connect', 'resolved'); status('botVersion', ready?.version ?? ''); log('bot-ready'); })
  .catch((error) => { status('connect', `rejected: ${error?.message ?? error}`); log(`connect failed: ${error}`); });
