package dev.tether.webrtc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpReceiver;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSignalingState;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.MediaStreamTrackEndedListener;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.tether.core.Cancellable;
import dev.tether.media.AudioInFrame;
import dev.tether.media.MediaSession;
import dev.tether.media.WireMessage;
import dev.tether.media.internal.MediaChannel;
import dev.tether.media.internal.MediaConnection;
import dev.tether.media.internal.audio.Resampler;
import dev.tether.server.CloseStatus;
import dev.tether.server.HttpRequest;
import dev.tether.webrtc.PeerListener;
import dev.tether.webrtc.PeerState;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-side peer connection of the signaling handler, and the {@link MediaChannel} its {@link MediaConnection}
 * writes through: audio to a custom audio source in 10 ms frames of 48 kHz mono, messages to the data channel
 * {@code chat}.
 *
 * <p>Threads: libwebrtc calls the observers on its own signaling and audio threads; they copy what they need and
 * hand it to {@link #loop}, this connection's single thread, where the state, the timers, the media connection and
 * the handler's callbacks live. Every call into libwebrtc that may block (descriptions, candidates, sends, close) runs
 * on {@link Signaling#thread()} in submission order; pushing audio runs on the loop (libwebrtc hands it straight to
 * the encoder).
 */
final class Peer implements MediaChannel {
    private static final Logger log = LoggerFactory.getLogger(Peer.class);
    private static final int FRAME_BYTES = PeerSerializer.RATE / 100 * 2; // 10 ms of 48 kHz mono PCM16
    private static final int MAX_PENDING_AUDIO_IN = 50; // 500 ms of remote audio waiting for the loop
    private static final Duration GOODBYE_WAIT = Duration.ofMillis(250);

    private final Signaling signaling;
    private final String pcId;
    private final UUID id;
    private final HttpRequest request;
    private final ScheduledExecutorService loop;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicInteger pendingAudioIn = new AtomicInteger();
    private final AtomicLong droppedAudioIn = new AtomicLong();
    private final CustomAudioSource audioSource = new CustomAudioSource();
    private final AudioTrack audioTrack;
    private final RTCPeerConnection connection;
    private final MediaConnection media;
    private final @Nullable SignalingMeters meters;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    // The track-ended listeners added to remote tracks, removed on release: libwebrtc holds each through a JNI global
    // reference, and the remote tracks outlive close() (webrtc-java 0.14 never frees a closed peer connection), so a
    // listener left behind would keep this peer, its media connection and its buffers reachable for good.
    private final Queue<Runnable> remoteListeners = new ConcurrentLinkedQueue<>();

    // The loop only.
    private final ArrayDeque<String> pendingMessages = new ArrayDeque<>();
    private final byte[] audioOut = new byte[FRAME_BYTES];
    private int audioOutFill;
    private @Nullable RTCDataChannel dataChannel;
    private volatile @Nullable ChannelObserver channelObserver; // set on the loop, detached on the signaling thread
    private boolean dataChannelOpen;
    private boolean queueFullLogged;
    private boolean dataChannelExpired; // connected, and the channel did not open in time: messages are dropped
    private @Nullable Cancellable connectingTimer;
    private @Nullable Cancellable dataChannelTimer;
    private PeerState state = PeerState.NEW;
    private boolean renegotiating;
    private boolean audioInEnabled = true;
    private @Nullable Resampler audioInResampler;
    private @Nullable AudioTrack remoteAudio;
    private @Nullable AudioTrackSink remoteAudioSink;
    private boolean closing;
    private boolean opened; // media.open() ran
    private boolean everConnected;

    Peer(Signaling signaling, String pcId, HttpRequest request, @Nullable JsonNode requestData) {
        this.signaling = signaling;
        this.pcId = pcId;
        this.id = PcIds.uuid(pcId);
        this.request = request;
        if (requestData != null) {
            attributes.put(dev.tether.webrtc.WebRtcSignaling.REQUEST_DATA, requestData);
        }
        this.loop = signaling.nextLoop();
        this.audioTrack = signaling.factory().audioTrack("tether-audio-" + id, audioSource);
        this.connection = signaling.factory().peerConnection(signaling.iceServers(), new Observer());
        this.meters = signaling.meters();
        this.media = new MediaConnection(
                this,
                signaling.handler(),
                signaling.mediaConfig(this::isConnected),
                meters == null ? null : meters.media());
    }

    /** Completes when ICE gathering is complete. */
    CompletableFuture<Void> gathered() {
        return gathered;
    }

    String pcId() {
        return pcId;
    }

    RTCPeerConnection connection() {
        return connection;
    }

    AudioTrack audioTrack() {
        return audioTrack;
    }

    MediaSession session() {
        return media;
    }

    private boolean isConnected() {
        return state == PeerState.CONNECTED;
    }

    /** The answer went out: the application meets the session, and the connecting timer starts. On the loop. */
    void start() {
        if (closing) {
            return;
        }
        opened = true;
        connectingTimer =
                signaling.clock().schedule(signaling.config().connectingTimeout(), this::connectingExpired, loop);
        media.open();
    }

    /** A renegotiation's offer arrived: a {@code renegotiate} may be asked for again. */
    void renegotiated() {
        loop.execute(() -> renegotiating = false);
    }

    private void connectingExpired() {
        connectingTimer = null;
        if (state != PeerState.CONNECTED) {
            log.warn(
                    "Peer {}: still not connected after {}; closing",
                    pcId,
                    signaling.config().connectingTimeout());
            close(CloseStatus.ABNORMAL, "Timed out connecting");
        }
    }

    private void dataChannelExpired() {
        dataChannelTimer = null;
        if (!dataChannelOpen) {
            log.warn(
                    "Peer {}: the data channel did not open within {}; {} queued messages dropped",
                    pcId,
                    signaling.config().dataChannelTimeout(),
                    pendingMessages.size());
            if (meters != null) {
                meters.messagesDropped(pendingMessages.size());
            }
            pendingMessages.clear();
            dataChannelExpired = true;
        }
    }

    // ---- MediaChannel ----------------------------------------------------------------------------------------

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public ScheduledExecutorService executor() {
        return loop;
    }

    /** Sends or queues a data-channel message; called on the loop by the media connection. */
    @Override
    public boolean sendText(String text) {
        if (!open.get()) {
            return false;
        }
        if (loop.isShutdown()) {
            return false;
        }
        runOnLoop(() -> queueMessage(text));
        return true;
    }

    private void queueMessage(String text) {
        if (closing) {
            return;
        }
        if (dataChannelOpen) {
            sendNow(text);
        } else if (dataChannelExpired) {
            log.debug("Peer {}: no data channel; message dropped", pcId);
            if (meters != null) {
                meters.messagesDropped(1);
            }
        } else if (pendingMessages.size() >= signaling.config().maxQueuedMessages()) {
            if (meters != null) {
                meters.messagesDropped(1);
            }
            // The first drop is a warning, later ones debug lines: a bot that writes in a loop cannot flood the log.
            if (!queueFullLogged) {
                queueFullLogged = true;
                log.warn(
                        "Peer {}: {} messages wait for the data channel; dropping more until it opens",
                        pcId,
                        pendingMessages.size());
            } else {
                log.debug("Peer {}: message dropped, the data channel is not open", pcId);
            }
        } else {
            pendingMessages.addLast(text);
        }
    }

    private void sendNow(String text) {
        RTCDataChannel channel = dataChannel;
        if (channel == null) {
            return;
        }
        ByteBuffer utf8 = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        signaling.execute(() -> {
            try {
                channel.send(new RTCDataChannelBuffer(utf8, false));
            } catch (Throwable e) {
                Signaling.rethrowIfFatal(e);
                log.debug("Peer {}: data channel send failed: {}", pcId, e.toString());
            }
        });
    }

    /** Pushes 48 kHz mono PCM to the audio source in whole 10 ms frames; a partial frame waits for the next call. */
    @Override
    public boolean sendBinary(byte[] pcm) {
        if (!open.get()) {
            return false;
        }
        int offset = 0;
        while (offset < pcm.length) {
            int n = Math.min(FRAME_BYTES - audioOutFill, pcm.length - offset);
            System.arraycopy(pcm, offset, audioOut, audioOutFill, n);
            audioOutFill += n;
            offset += n;
            if (audioOutFill == FRAME_BYTES) {
                audioSource.pushAudio(audioOut, 16, PeerSerializer.RATE, 1, FRAME_BYTES / 2);
                audioOutFill = 0;
            }
        }
        return true;
    }

    /** Closes the peer connection; the media connection hears of it once everything is released. Any thread. */
    @Override
    public void close(int code, String reason) {
        runOnLoop(() -> shutdown(new CloseStatus(code, reason, false), false));
    }

    /** The signaling handler shuts down: {@code peerLeft} on the data channel, then the close. */
    void leave() {
        runOnLoop(() -> shutdown(new CloseStatus(1001, "Server shutting down", false), true));
    }

    private void runOnLoop(Runnable task) {
        if (loop.isShutdown()) {
            return;
        }
        if (((EventExecutor) loop).inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** The one road to the end: state flipped once, timers cancelled, libwebrtc released, the media told last. */
    private void shutdown(CloseStatus status, boolean peerLeft) {
        if (closing) {
            return;
        }
        closing = true;
        open.set(false);
        cancelTimers();
        pendingMessages.clear();
        RTCDataChannel channel = dataChannel;
        dataChannel = null;
        AudioTrack remote = remoteAudio;
        AudioTrackSink sink = remoteAudioSink;
        remoteAudio = null;
        remoteAudioSink = null;
        if (peerLeft && dataChannelOpen && channel != null) {
            // peerLeft must cross the wire before the transport goes: send it, then release a moment later.
            signaling.execute(() -> {
                try {
                    ByteBuffer goodbye = ByteBuffer.wrap(Signals.PEER_LEFT.getBytes(StandardCharsets.UTF_8));
                    channel.send(new RTCDataChannelBuffer(goodbye, false));
                } catch (Throwable e) {
                    Signaling.rethrowIfFatal(e);
                    log.debug("Peer {}: peerLeft not sent: {}", pcId, e.toString());
                }
            });
            signaling.clock().schedule(GOODBYE_WAIT, () -> release(channel, remote, sink, status), loop);
        } else {
            release(channel, remote, sink, status);
        }
    }

    /** Releases the native objects on the signaling thread, then tells the media connection, on the loop. */
    private void release(
            @Nullable RTCDataChannel channel,
            @Nullable AudioTrack remote,
            @Nullable AudioTrackSink sink,
            CloseStatus status) {
        signaling.execute(() -> {
            try {
                ChannelObserver observer = channelObserver;
                if (observer != null) {
                    observer.detach();
                    channelObserver = null;
                }
                if (channel != null) {
                    channel.unregisterObserver();
                    channel.close();
                    channel.dispose();
                }
                if (remote != null && sink != null) {
                    remote.removeSink(sink);
                }
                for (Runnable remove; (remove = remoteListeners.poll()) != null; ) {
                    remove.run();
                }
                for (RTCRtpTransceiver transceiver : connection.getTransceivers()) {
                    if (transceiver.getSender().getTrack() != null) {
                        transceiver.getSender().replaceTrack(null); // the sender lets go of our track
                    }
                }
                connection.close();
                audioTrack.dispose();
                audioSource.dispose();
            } catch (Throwable e) {
                Signaling.rethrowIfFatal(e);
                log.warn("Peer {}: releasing the peer connection failed", pcId, e);
            } finally {
                loop.execute(() -> released(status));
            }
        });
    }

    private void released(CloseStatus status) {
        signaling.removed(this); // before onDisconnect: a handler that counts connections there sees this one gone
        if (meters != null && state != PeerState.CLOSED) {
            meters.peerClosed(state);
        }
        changeState(PeerState.CLOSED);
        if (opened) {
            media.closed(status);
        }
    }

    private void cancelTimers() {
        if (connectingTimer != null) {
            connectingTimer.cancel();
            connectingTimer = null;
        }
        if (dataChannelTimer != null) {
            dataChannelTimer.cancel();
            dataChannelTimer = null;
        }
    }

    private void changeState(PeerState next) {
        if (state == next || state == PeerState.CLOSED) {
            return;
        }
        state = next;
        PeerListener listener = signaling.listener();
        try {
            listener.onStateChange(media, next);
        } catch (RuntimeException e) {
            log.warn("Peer {}: the listener failed on {}", pcId, next, e);
        }
    }

    // ---- events from libwebrtc, moved to the loop -------------------------------------------------------------

    private void connectionChanged(RTCPeerConnectionState next) {
        if (closing) {
            return;
        }
        switch (next) {
            case NEW -> {}
            case CONNECTING -> changeState(PeerState.CONNECTING);
            case CONNECTED -> {
                changeState(PeerState.CONNECTED);
                if (!everConnected) {
                    everConnected = true;
                    if (meters != null) {
                        meters.peerConnected();
                    }
                }
                if (connectingTimer != null) {
                    connectingTimer.cancel();
                    connectingTimer = null;
                }
                if (!dataChannelOpen && dataChannelTimer == null && !dataChannelExpired) {
                    dataChannelTimer = signaling
                            .clock()
                            .schedule(signaling.config().dataChannelTimeout(), this::dataChannelExpired, loop);
                }
                media.resume(); // audio written before the connection came up goes now
            }
            case DISCONNECTED -> changeState(PeerState.DISCONNECTED);
            case FAILED -> {
                changeState(PeerState.FAILED);
                log.info("Peer {}: the connection failed; closing", pcId);
                shutdown(new CloseStatus(CloseStatus.ABNORMAL, "Peer connection failed", true), false);
            }
            case CLOSED -> shutdown(new CloseStatus(1000, "Peer connection closed", true), false);
        }
    }

    /**
     * The client's data channel, with its observer already registered (on libwebrtc's thread, in the callback that
     * announced it, so no message arrives while nobody listens). A second channel, or one after the close, is closed.
     */
    private void dataChannelArrived(RTCDataChannel channel, ChannelObserver observer) {
        if (closing || dataChannel != null) {
            observer.detach();
            signaling.execute(() -> {
                channel.unregisterObserver();
                channel.close();
                channel.dispose();
            });
            return;
        }
        dataChannel = channel;
        channelObserver = observer;
    }

    private void dataChannelOpened(RTCDataChannel channel) {
        if (closing || dataChannelOpen || channel != dataChannel) {
            return;
        }
        dataChannelOpen = true;
        dataChannelExpired = false;
        if (dataChannelTimer != null) {
            dataChannelTimer.cancel();
            dataChannelTimer = null;
        }
        while (!pendingMessages.isEmpty()) {
            sendNow(pendingMessages.pollFirst());
        }
    }

    private void dataChannelClosed(RTCDataChannel channel) {
        if (!closing && dataChannelOpen && channel == dataChannel) {
            log.debug("Peer {}: the data channel closed; the peer left", pcId);
            shutdown(new CloseStatus(1000, "The peer left", true), false);
        }
    }

    private void messageArrived(String text) {
        if (closing) {
            return;
        }
        JsonNode json = Signals.parse(text);
        JsonNode signal = Signals.signal(json);
        if (signal != null) {
            signalArrived(signal);
            return;
        }
        media.received(WireMessage.text(text));
    }

    /** An inbound {@code signalling} message: {@code trackStatus} enables or disables a received track. */
    private void signalArrived(JsonNode signal) {
        String type = signal.path("type").asText("");
        if (!type.equals("trackStatus")) {
            log.debug("Peer {}: signalling message {} ignored", pcId, type);
            return;
        }
        int index = signal.path("receiver_index").asInt(-1);
        boolean enabled = signal.path("enabled").asBoolean(true);
        if (index < 0 || index > 2 || !signal.path("enabled").isBoolean()) {
            log.debug("Peer {}: trackStatus with receiver_index {} ignored", pcId, signal.get("receiver_index"));
            return;
        }
        if (index == 0) {
            audioInEnabled = enabled;
        }
        signaling.execute(() -> {
            RTCRtpTransceiver[] transceivers = connection.getTransceivers();
            if (index < transceivers.length) {
                MediaStreamTrack track = transceivers[index].getReceiver().getTrack();
                if (track != null) {
                    track.setEnabled(enabled);
                }
            }
        });
    }

    /** Asks the client for a new offer, once until that offer comes. */
    private void renegotiationNeeded() {
        if (closing || renegotiating || state != PeerState.CONNECTED || !dataChannelOpen) {
            return;
        }
        renegotiating = true;
        queueMessage(Signals.RENEGOTIATE);
    }

    private void trackArrived(RTCRtpTransceiver transceiver) {
        RTCRtpReceiver receiver = transceiver.getReceiver();
        MediaStreamTrack track = receiver.getTrack();
        String kind = track.getKind();
        MediaStreamTrackEndedListener ended = t -> runOnLoop(() -> trackEnded(kind));
        track.addTrackEndedListener(ended);
        remoteListeners.add(() -> track.removeTrackEndedListener(ended));
        if (track instanceof AudioTrack audio && remoteAudio == null) {
            AudioTrackSink sink = this::audioArrived;
            audio.addSink(sink);
            runOnLoop(() -> {
                remoteAudio = audio;
                remoteAudioSink = sink;
                trackStarted(kind);
            });
        } else {
            runOnLoop(() -> trackStarted(kind));
        }
    }

    private void trackStarted(String kind) {
        if (!closing) {
            signaling.listener().onTrackStarted(media, kind);
        }
    }

    private void trackEnded(String kind) {
        if (!closing) {
            signaling.listener().onTrackEnded(media, kind);
        }
    }

    /** Remote audio, on libwebrtc's audio thread: copied and handed to the loop, at most 500 ms of it waiting. */
    private void audioArrived(byte[] data, int bitsPerSample, int sampleRate, int channels, int frames) {
        if (!open.get() || bitsPerSample != 16) {
            return;
        }
        if (pendingAudioIn.incrementAndGet() > MAX_PENDING_AUDIO_IN) {
            pendingAudioIn.decrementAndGet();
            if (meters != null) {
                meters.audioDropped();
            }
            if (droppedAudioIn.incrementAndGet() == 1) {
                log.warn("Peer {}: the session's thread is 500 ms behind the remote audio; dropping frames", pcId);
            }
            return;
        }
        byte[] pcm = new byte[Math.min(data.length, frames * channels * 2)];
        System.arraycopy(data, 0, pcm, 0, pcm.length);
        try {
            loop.execute(() -> {
                pendingAudioIn.decrementAndGet();
                deliverAudio(pcm, sampleRate, channels);
            });
        } catch (RejectedExecutionException shuttingDown) {
            pendingAudioIn.decrementAndGet();
        }
    }

    private void deliverAudio(byte[] pcm, int sampleRate, int channels) {
        if (closing || !opened || !audioInEnabled) {
            return;
        }
        byte[] mono = channels == 1 ? pcm : PeerSerializer.downmix(pcm, channels);
        int target = signaling.audioInSampleRate();
        Resampler resampler = audioInResampler;
        if (resampler == null || resampler.fromRate() != sampleRate) {
            try {
                resampler = Resampler.create(sampleRate, target);
            } catch (IllegalArgumentException e) {
                log.warn("Peer {}: remote audio at {} Hz cannot be resampled; dropped", pcId, sampleRate);
                audioInEnabled = false;
                return;
            }
            audioInResampler = resampler;
        }
        byte[] out = resampler.process(mono);
        if (out.length > 0) {
            media.deliver(new AudioInFrame(out, target, 1));
        }
    }

    @Override
    public String toString() {
        return "Peer{" + pcId + "}";
    }

    /** libwebrtc's callbacks: each hands what it carries to the loop and returns at once. */
    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // Candidates go out in the answer, gathered before it is sent; the client does not trickle ours.
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState next) {
            runOnLoop(() -> connectionChanged(next));
        }

        @Override
        public void onSignalingChange(RTCSignalingState next) {
            log.trace("Peer {}: signaling {}", pcId, next);
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState next) {
            if (next == RTCIceGatheringState.COMPLETE) {
                gathered.complete(null);
            }
        }

        @Override
        public void onDataChannel(RTCDataChannel channel) {
            ChannelObserver observer = new ChannelObserver(Peer.this, channel);
            channel.registerObserver(observer);
            runOnLoop(() -> dataChannelArrived(channel, observer));
            if (channel.getState() == RTCDataChannelState.OPEN) {
                runOnLoop(() -> dataChannelOpened(channel));
            }
        }

        @Override
        public void onRenegotiationNeeded() {
            runOnLoop(Peer.this::renegotiationNeeded);
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            trackArrived(transceiver);
        }
    }

    /**
     * The data channel's observer. webrtc-java 0.14 never frees the native observer that holds it (unregisterObserver
     * does not delete it, and its JNI global reference stays), so it must not keep the peer reachable: it reaches the
     * peer through {@link #peer}, which {@link #detach()} clears on release, and only this small object is left.
     */
    private static final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel channel;
        private volatile @Nullable Peer peer;

        ChannelObserver(Peer peer, RTCDataChannel channel) {
            this.peer = peer;
            this.channel = channel;
        }

        void detach() {
            peer = null;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {}

        @Override
        public void onStateChange() {
            Peer p = peer;
            if (p == null) {
                return;
            }
            RTCDataChannelState next = channel.getState();
            if (next == RTCDataChannelState.OPEN) {
                p.runOnLoop(() -> p.dataChannelOpened(channel));
            } else if (next == RTCDataChannelState.CLOSED) {
                p.runOnLoop(() -> p.dataChannelClosed(channel));
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            Peer p = peer;
            if (p == null) {
                return;
            }
            if (buffer.binary) {
                log.debug("Peer {}: binary data-channel message ignored", p.pcId);
                return;
            }
            ByteBuffer data = buffer.data;
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            p.runOnLoop(() -> p.messageArrived(text));
        }
    }
}
