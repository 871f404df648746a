// The voice page: a tiny pipecat-compatible browser client in plain JavaScript (no build step, no libraries).
//
// Talk opens ws://HOST/ws-client, sends RTVI client-ready, then the microphone as binary protobuf frames
// Frame{audio{name:"audio", audio, sample_rate:16000, num_channels:1}} (16-bit little-endian PCM, 100 ms each), and
// plays every audio frame the bot sends back to back. Messages labelled rtvi-ai are listed. The few protobuf fields
// are encoded by hand: the schema is in docs/media.md (package pipecat: Frame, AudioRawFrame, MessageFrame).
(() => {
  'use strict';

  const RATE = 16000;
  const CHUNK = RATE / 10; // samples per frame sent: 100 ms
  const $ = (id) => document.getElementById(id);
  const section = $('voice');

  function socketUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws-client';
  }

  // ---- Protobuf, by hand ---------------------------------------------------------------------------------

  function varint(value) {
    const bytes = [];
    while (value > 0x7f) {
      bytes.push((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    bytes.push(value);
    return bytes;
  }

  // A length-delimited field: tag (field << 3 | 2), length, bytes.
  function field(number, bytes) {
    return [...varint((number << 3) | 2), ...varint(bytes.length), ...bytes];
  }

  function encodeAudio(pcm) {
    const audio = [
      ...field(2, new TextEncoder().encode('audio')),
      ...field(3, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)),
      ...varint(4 << 3), ...varint(RATE),
      ...varint(5 << 3), ...varint(1),
    ];
    return new Uint8Array(field(2, audio));
  }

  function encodeMessage(message) {
    return new Uint8Array(field(4, field(1, new TextEncoder().encode(JSON.stringify(message)))));
  }

  // The fields of one message as {number: value}: bytes for length-delimited fields, numbers for varints.
  function fields(bytes) {
    const result = {};
    let at = 0;
    const readVarint = () => {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[at++];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
    };
    while (at < bytes.length) {
      const tag = readVarint();
      if ((tag & 7) === 2) {
        const length = readVarint();
        result[tag >>> 3] = bytes.subarray(at, at + length);
        at += length;
      } else if ((tag & 7) === 0) {
        result[tag >>> 3] = readVarint();
      } else {
        throw new Error(`unexpected wire type ${tag & 7}`);
      }
    }
    return result;
  }

  // ---- Audio ---------------------------------------------------------------------------------------------

  // Collects the microphone's samples on the audio thread and posts them as Float32Arrays of CHUNK samples.
  const WORKLET = `registerProcessor('tether-mic', class extends AudioWorkletProcessor {
    constructor() { super(); this.chunk = new Float32Array(${CHUNK}); this.length = 0; }
    process(inputs) {
      const samples = inputs[0][0];
      if (samples) {
        for (const sample of samples) {
          this.chunk[this.length++] = sample;
          if (this.length === this.chunk.length) { this.port.postMessage(this.chunk.slice()); this.length = 0; }
        }
      }
      return true;
    }
  });`;

  function toPcm(floats) {
    const pcm = new Int16Array(floats.length);
    floats.forEach((sample, i) => { pcm[i] = Math.max(-1, Math.min(1, sample)) * 0x7fff; });
    return pcm;
  }

  function level(pcm) {
    let sum = 0;
    for (const sample of pcm) sum += sample * sample;
    return Math.min(1, 4 * Math.sqrt(sum / Math.max(1, pcm.length)) / 0x8000); // RMS, scaled to show speech
  }

  // Falls back slowly, like a VU meter, so that short sounds stay visible.
  function showLevel(name, value) {
    const meter = $(`${name}-level`);
    meter.value = Math.max(value, meter.value * 0.85);
    const peak = `${name}Peak`;
    section.dataset[peak] = Math.max(Number(section.dataset[peak]), value).toFixed(3);
  }

  // ---- The call ------------------------------------------------------------------------------------------

  const call = { socket: null, context: null, stream: null, playAt: 0, sent: 0, received: 0 };

  function setState(state, detail) {
    $('voice-state').textContent = state;
    $('voice-state').dataset.state = state;
    $('voice-detail').textContent = detail;
    $('talk').textContent = state === 'idle' || state === 'closed' ? 'Talk' : 'Hang up';
  }

  function count(kind, value) {
    $(`frames-${kind}`).textContent = value;
    section.dataset[kind === 'sent' ? 'framesSent' : 'framesReceived'] = value;
  }

  function botSays(text) {
    const item = document.createElement('li');
    item.textContent = text;
    $('bot-messages').prepend(item);
  }

  async function talk() {
    setState('connecting', '');
    const context = new AudioContext({ sampleRate: RATE });
    call.context = context;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    call.stream = stream;
    const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
    await context.audioWorklet.addModule(url);
    URL.revokeObjectURL(url);
    const mic = new AudioWorkletNode(context, 'tether-mic');
    context.createMediaStreamSource(stream).connect(mic);

    const socket = new WebSocket(socketUrl());
    socket.binaryType = 'arraybuffer';
    call.socket = socket;
    socket.addEventListener('open', () => {
      setState('talking', '');
      socket.send(encodeMessage({
        label: 'rtvi-ai', type: 'client-ready', id: crypto.randomUUID(),
        data: { version: '2.1.0', about: { library: 'tether-demo' } },
      }));
    });
    socket.addEventListener('message', (event) => receive(event.data));
    socket.addEventListener('close', (event) => {
      if (call.socket === socket) {
        stop();
        setState('closed', `close code ${event.code}${event.reason ? `: ${event.reason}` : ''}`);
      }
    });
    mic.port.onmessage = (event) => {
      const pcm = toPcm(event.data);
      showLevel('mic', level(pcm));
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(encodeAudio(pcm));
        count('sent', ++call.sent);
      }
    };
  }

  function receive(data) {
    if (!(data instanceof ArrayBuffer)) return; // the protocol is binary only
    const frame = fields(new Uint8Array(data));
    if (frame[2]) {
      const audio = fields(frame[2]);
      const bytes = audio[3] ?? new Uint8Array(0);
      play(new Int16Array(bytes.slice().buffer), audio[4] || RATE, audio[5] || 1);
      count('received', ++call.received);
    } else if (frame[4]) {
      const message = JSON.parse(new TextDecoder().decode(fields(frame[4])[1]));
      if (message.label !== 'rtvi-ai') return;
      botSays(message.type === 'server-message' ? `${message.data.text}` : `(${message.type})`);
    }
  }

  // Schedules the samples right after what is already scheduled, so frames play back to back.
  function play(pcm, rate, channels) {
    const context = call.context;
    if (!context || pcm.length === 0) return;
    const frames = pcm.length / channels;
    const buffer = context.createBuffer(channels, frames, rate);
    for (let channel = 0; channel < channels; channel++) {
      const samples = buffer.getChannelData(channel);
      for (let i = 0; i < frames; i++) samples[i] = pcm[i * channels + channel] / 0x8000;
    }
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    const startAt = Math.max(context.currentTime, call.playAt);
    source.start(startAt);
    call.playAt = startAt + buffer.duration;
    const value = level(pcm);
    setTimeout(() => showLevel('echo', value), (startAt - context.currentTime) * 1000);
    source.onended = () => showLevel('echo', 0);
  }

  function stop() {
    const { socket, context, stream } = call;
    call.socket = null;
    call.context = null;
    call.stream = null;
    call.playAt = 0;
    stream?.getTracks().forEach((track) => track.stop());
    context?.close();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    $('mic-level').value = 0;
    $('echo-level').value = 0;
  }

  $('voice-url').textContent = socketUrl();
  $('talk').addEventListener('click', () => {
    if (call.context) {
      stop();
      setState('idle', '');
    } else {
      talk().catch((error) => {
        stop();
        setState('closed', String(error.message ?? error));
      });
    }
  });
})();
