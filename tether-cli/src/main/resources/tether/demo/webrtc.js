// The WebRTC page: a tiny pipecat-compatible SmallWebRTC client in plain JavaScript (no build step, no libraries).
//
// Connect asks for the microphone, adds transceivers in pipecat's order (audio sendrecv, video sendrecv) and the data
// channel "chat", waits until ICE gathering is complete (so the offer carries every candidate and no PATCH is needed),
// POSTs {sdp, type, pc_id, restart_pc} to /api/offer and sets the answer. When the data channel opens it sends RTVI
// client-ready; the bot answers bot-ready and server-message greetings, and echoes the microphone on its audio track,
// which plays in <audio> and drives the echo meter. The signaling is described in docs/webrtc.md.
(() => {
  'use strict';

  const OFFER_PATH = '/api/offer';
  const GATHERING_TIMEOUT_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const section = $('webrtc');

  const call = { pc: null, channel: null, stream: null, context: null, meters: 0 };

  function setState(state, detail) {
    $('webrtc-state').textContent = state;
    $('webrtc-state').dataset.state = state;
    section.dataset.state = state;
    $('webrtc-detail').textContent = detail ?? '';
    const idle = state === 'idle' || state === 'closed' || state === 'failed';
    $('connect').disabled = !idle;
    $('disconnect').disabled = idle;
  }

  function botSays(text) {
    const item = document.createElement('li');
    item.textContent = text;
    $('bot-messages').prepend(item);
  }

  // ---- Levels --------------------------------------------------------------------------------------------

  // An analyser on a stream; the meter falls back slowly, like a VU meter, so that short sounds stay visible.
  function meter(stream, name) {
    const source = call.context.createMediaStreamSource(stream);
    const analyser = call.context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser); // not to the destination: <audio> plays the echo, the microphone is not played
    const samples = new Float32Array(analyser.fftSize);
    const peak = `${name}Peak`;
    return () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const value = Math.min(1, 4 * Math.sqrt(sum / samples.length)); // RMS, scaled to show speech
      const element = $(`${name}-level`);
      element.value = Math.max(value, element.value * 0.85);
      section.dataset[peak] = Math.max(Number(section.dataset[peak]), value).toFixed(3);
    };
  }

  // A timer rather than requestAnimationFrame, which does not run in a hidden tab.
  function startMeters(updates) {
    call.meters = setInterval(() => updates.forEach((update) => update()), 50);
  }

  // ---- Signaling -----------------------------------------------------------------------------------------

  function gatheringComplete(pc) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (pc.iceGatheringState === 'complete') {
          pc.removeEventListener('icegatheringstatechange', done);
          resolve();
        }
      };
      pc.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, GATHERING_TIMEOUT_MS); // send what there is: loopback host candidates come at once
    });
  }

  async function postOffer(offer) {
    const response = await fetch(OFFER_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: offer.sdp, type: offer.type, pc_id: null, restart_pc: false, requestData: {} }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${OFFER_PATH}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  // ---- The call ------------------------------------------------------------------------------------------

  async function connect() {
    setState('connecting', 'microphone');
    call.context = new AudioContext();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    call.stream = stream;
    const updates = [meter(stream, 'mic')];

    const pc = new RTCPeerConnection();
    call.pc = pc;
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendrecv' });
    pc.addTransceiver('video', { direction: 'sendrecv' }); // pipecat's client offers video too; there is none here
    const channel = pc.createDataChannel('chat', { ordered: true });
    call.channel = channel;

    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'audio') return;
      const remote = event.streams[0] ?? new MediaStream([event.track]);
      $('bot-audio').srcObject = remote;
      updates.push(meter(remote, 'echo'));
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      $('ice-state').textContent = pc.iceConnectionState;
      if (call.pc === pc && pc.iceConnectionState === 'failed') {
        stop();
        setState('failed', 'ICE failed');
      }
    });
    pc.addEventListener('connectionstatechange', () => {
      if (call.pc !== pc) return;
      if (pc.connectionState === 'connected' && $('webrtc-state').dataset.state === 'connecting') {
        setState('connected', 'waiting for the bot');
      } else if (pc.connectionState === 'closed' || pc.connectionState === 'failed') {
        stop();
        setState(pc.connectionState, '');
      }
    });
    channel.addEventListener('open', () => {
      $('channel-state').textContent = 'open';
      channel.send(JSON.stringify({
        label: 'rtvi-ai', type: 'client-ready', id: crypto.randomUUID(),
        data: { version: '1.0.0', about: { library: 'tether-demo-webrtc' } },
      }));
    });
    channel.addEventListener('close', () => { $('channel-state').textContent = 'closed'; });
    channel.addEventListener('message', (event) => receive(event.data));

    setState('connecting', 'gathering ICE candidates');
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    setState('connecting', 'sending the offer');
    const answer = await postOffer(pc.localDescription);
    if (call.pc !== pc) return; // disconnected meanwhile
    section.dataset.pcId = answer.pc_id;
    $('pc-id').textContent = answer.pc_id;
    await pc.setRemoteDescription({ type: answer.type, sdp: answer.sdp });
    setState('connecting', 'waiting for ICE');
    startMeters(updates);
  }

  function receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch (error) {
      return; // not RTVI
    }
    if (message.label !== 'rtvi-ai') return;
    if (message.type === 'bot-ready') {
      setState('bot ready', message.data?.version ? `RTVI ${message.data.version}` : '');
      botSays('(bot-ready)');
    } else if (message.type === 'server-message') {
      botSays(String(message.data?.text ?? JSON.stringify(message.data)));
    } else {
      botSays(`(${message.type})`);
    }
  }

  function stop() {
    const { pc, channel, stream, context } = call;
    call.pc = null;
    call.channel = null;
    call.stream = null;
    call.context = null;
    clearInterval(call.meters);
    channel?.close();
    pc?.close();
    stream?.getTracks().forEach((track) => track.stop());
    context?.close();
    $('bot-audio').srcObject = null;
    $('mic-level').value = 0;
    $('echo-level').value = 0;
    $('channel-state').textContent = 'closed';
  }

  $('offer-url').textContent = location.origin + OFFER_PATH;
  $('connect').addEventListener('click', () => {
    connect().catch((error) => {
      stop();
      setState('failed', String(error.message ?? error));
    });
  });
  $('disconnect').addEventListener('click', () => {
    stop();
    setState('idle', '');
  });
})();
