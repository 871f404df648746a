package dev.tether.webrtc.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.tether.core.Clock;
import dev.tether.core.SettingValues;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSettings;
import dev.tether.media.internal.MediaConfig;
import dev.tether.server.HttpRequest;
import dev.tether.webrtc.ConnectionMode;
import dev.tether.webrtc.IceServer;
import dev.tether.webrtc.PeerListener;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling handler: pipecat's SmallWebRTC request handler rules over server-side peers.
 *
 * <p>Threads: {@link #offer} and {@link #patch} return at once; their work runs on one thread of its own ({@link
 * #thread()}), in arrival order, and waits for libwebrtc with callbacks, never by blocking, so a slow ICE gathering
 * holds up no other offer. Each session lives on one thread of {@link #loops}.
 */
public final class Signaling implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Signaling.class);

    private final MediaHandler handler;
    private final PeerListener listener;
    private final WebRtcConfig config;
    private final SettingValues media;
    private final Clock clock;
    private final int audioInSampleRate;
    private final ExecutorService thread;
    private final DefaultEventLoopGroup loops;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private int negotiating; // new peers whose answer is not out yet; the signaling thread only
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile List<IceServer> iceServers;
    private volatile boolean closed;
    private volatile @Nullable SignalingMeters meters; // set when a server with a registry starts
    private @Nullable PeerFactory factory; // the signaling thread only
    private @Nullable IllegalStateException unavailable; // the engine could not start: every offer gets 503

    public Signaling(
            MediaHandler handler,
            PeerListener listener,
            List<IceServer> iceServers,
            WebRtcConfig config,
            SettingValues media) {
        this.handler = handler;
        this.listener = listener;
        this.iceServers = List.copyOf(iceServers);
        this.config = config;
        this.media = media;
        this.clock = media.get(MediaSettings.CLOCK);
        this.audioInSampleRate = media.get(MediaSettings.AUDIO_IN_SAMPLE_RATE);
        this.thread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tether-webrtc-signaling", true));
        int threads =
                config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        this.loops = new DefaultEventLoopGroup(threads, new DefaultThreadFactory("tether-webrtc", true));
    }

    /**
     * Rethrows what no code should catch. webrtc-java reports a C++ exception, such as an SDP or a candidate it cannot
     * parse, as a {@code java.lang.Error} from the native method; a call into it catches {@code Throwable}, lets this
     * rethrow the JVM's own errors, and treats the rest as a refusal of that input.
     */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    // ---- what peers ask for ------------------------------------------------------------------------------------

    PeerFactory factory() {
        PeerFactory f = factory;
        if (f == null) {
            throw new IllegalStateException("the WebRTC engine is not started");
        }
        return f;
    }

    List<IceServer> iceServers() {
        return iceServers;
    }

    MediaHandler handler() {
        return handler;
    }

    PeerListener listener() {
        return listener;
    }

    public WebRtcConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    int audioInSampleRate() {
        return audioInSampleRate;
    }

    ScheduledExecutorService nextLoop() {
        return loops.next();
    }

    /** The media settings of one session, whose serializer writes to its peer once {@code connected} says so. */
    MediaConfig mediaConfig(BooleanSupplier connected) {
        return MediaConfig.of(media.toBuilder()
                .set(MediaSettings.SERIALIZER, () -> new PeerSerializer(connected))
                .build());
    }

    /** Runs {@code task} on the signaling thread; dropped once it has shut down. */
    void execute(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    rethrowIfFatal(e);
                    log.warn("WebRTC signaling task failed", e);
                }
            });
        } catch (RejectedExecutionException shutDown) {
            log.debug("WebRTC signaling is shut down; task dropped");
        }
    }

    void removed(Peer peer) {
        peers.remove(peer.pcId(), peer);
        if (closed && peers.isEmpty()) {
            drained.complete(null);
        }
    }

    /** The meters, or {@code null} when the server counts nothing. */
    @Nullable
    SignalingMeters meters() {
        return meters;
    }

    // ---- the public surface ---------------------------------------------------------------------------------

    /** Registers the handler's meters in the registry of the server it is mounted on; see {@code MeterSource}. */
    public Collection<Meter> bindTo(MeterRegistry registry) {
        SignalingMeters m = new SignalingMeters(registry, this);
        meters = m;
        return m.meters();
    }

    /** Replaces the ICE servers of connections made from now on. */
    public void iceServers(List<IceServer> servers) {
        this.iceServers = List.copyOf(servers);
    }

    public List<IceServer> currentIceServers() {
        return iceServers;
    }

    /** The peer connections held now. */
    public int connections() {
        return peers.size();
    }

    /**
     * Answers an offer: the answer's JSON, or a failed stage with a {@link Refusal} (400 in single mode, 503 when the
     * engine cannot start or the connection limit is reached) or another exception (500).
     */
    public CompletableFuture<String> offer(SignalingBodies.Offer offer, HttpRequest request) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    handleOffer(offer, request).whenComplete((json, error) -> {
                        if (error != null) {
                            answer.completeExceptionally(error);
                        } else {
                            answer.complete(json);
                        }
                    });
                } catch (Throwable e) { // webrtc-java's native methods throw what they do not declare
                    rethrowIfFatal(e);
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException shutDown) {
            answer.completeExceptionally(new Refusal(503, "Server is shutting down"));
        }
        return answer;
    }

    /** Adds trickled candidates to a known connection; a failed stage with a 404 {@link Refusal} for an unknown one. */
    public CompletableFuture<Void> patch(SignalingBodies.Patch patch) {
        Peer peer = peers.get(patch.pcId());
        if (peer == null) {
            return CompletableFuture.failedFuture(new Refusal(404, "Peer connection not found"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                for (SignalingBodies.Candidate candidate : patch.candidates()) {
                    addCandidate(peer, candidate);
                }
                done.complete(null);
            });
        } catch (RejectedExecutionException shutDown) {
            done.completeExceptionally(new Refusal(503, "Server is shutting down"));
        }
        return done;
    }

    private void addCandidate(Peer peer, SignalingBodies.Candidate candidate) {
        if (candidate.endOfCandidates()) {
            // RFC 8840: no more candidates for this m-line. libwebrtc ends gathering on its own; nothing to pass on.
            log.debug("Peer {}: end of candidates for {}", peer.pcId(), candidate.sdpMid());
            return;
        }
        SignalingMeters m = meters;
        if (m != null) {
            m.candidateReceived();
        }
        Integer index = candidate.sdpMLineIndex();
        try {
            peer.connection()
                    .addIceCandidate(
                            new RTCIceCandidate(candidate.sdpMid(), index == null ? 0 : index, candidate.candidate()));
        } catch (Throwable e) {
            rethrowIfFatal(e);
            log.warn("Peer {}: candidate refused ({}): {}", peer.pcId(), e.getMessage(), candidate.candidate());
        }
    }

    // ---- offers, on the signaling thread ------------------------------------------------------------------------

    private CompletableFuture<String> handleOffer(SignalingBodies.Offer offer, HttpRequest request) {
        if (closed) {
            throw new Refusal(503, "Server is shutting down");
        }
        if (!"offer".equals(offer.type())) {
            throw new Refusal(400, "type: " + offer.type() + " (expected: offer)");
        }
        @Nullable String pcId = offer.pcId();
        // A new peer still gathering counts: two quick offers in single mode must not both get a connection.
        if (config.connectionMode() == ConnectionMode.SINGLE && (!peers.isEmpty() || negotiating > 0)) {
            if (pcId == null) {
                throw new Refusal(400, "Cannot create new connection with existing connection active");
            }
            if (!peers.containsKey(pcId)) {
                throw new Refusal(400, "PC ID mismatch with existing connection");
            }
        }
        Peer existing = pcId == null ? null : peers.get(pcId);
        if (existing != null && !offer.restartPc()) {
            log.debug("Peer {}: renegotiating", pcId);
            existing.renegotiated();
            return negotiate(existing, offer.sdp(), false);
        }
        if (existing != null) {
            log.info("Peer {}: restarting with a new peer connection", pcId);
            peers.remove(pcId, existing);
            existing.close(1000, "Restarted");
        }
        if (peers.size() + negotiating >= config.maxConnections()) {
            throw new Refusal(503, "Too many peer connections (" + config.maxConnections() + ")");
        }
        startEngine();
        Peer peer = new Peer(this, PcIds.next(), request, offer.requestData());
        negotiating++;
        return negotiate(peer, offer.sdp(), true)
                .whenCompleteAsync(
                        (answer, error) -> {
                            negotiating--;
                            if (error != null) {
                                peer.close(1011, "Negotiation failed");
                            }
                        },
                        thread);
    }

    private void startEngine() {
        if (unavailable != null) {
            throw new Refusal(503, String.valueOf(unavailable.getMessage()));
        }
        if (factory == null) {
            try {
                factory = PeerFactory.start();
            } catch (IllegalStateException e) {
                unavailable = e;
                log.error("WebRTC is unavailable: {}", e.getMessage());
                throw new Refusal(503, String.valueOf(e.getMessage()));
            }
        }
    }

    /**
     * Remote offer, every transceiver {@code sendrecv} with the bot's audio on the audio ones, answer, local description,
     * the candidates gathered (a new connection), then the answer's JSON; a new peer is registered and started last.
     */
    private CompletableFuture<String> negotiate(Peer peer, String sdp, boolean isNew) {
        long started = System.nanoTime();
        long[] answered = new long[1];
        return setDescription(peer, new RTCSessionDescription(RTCSdpType.OFFER, sdp), false)
                .thenComposeAsync(
                        ignored -> {
                            prepareTransceivers(peer);
                            return createAnswer(peer);
                        },
                        thread)
                .thenComposeAsync(answer -> setDescription(peer, answer, true), thread)
                .thenComposeAsync(
                        ignored -> {
                            answered[0] = System.nanoTime();
                            return isNew ? gathered(peer) : CompletableFuture.completedFuture(null);
                        },
                        thread)
                .thenApplyAsync(
                        ignored -> {
                            long now = System.nanoTime();
                            log.debug(
                                    "Peer {}: answered after {} ms, {} ms of it gathering candidates",
                                    peer.pcId(),
                                    (now - started) / 1_000_000,
                                    (now - answered[0]) / 1_000_000);
                            RTCSessionDescription local = peer.connection().getLocalDescription();
                            if (local == null || local.sdp == null || local.sdp.isEmpty()) {
                                throw new IllegalStateException("SmallWebRTC connection produced no SDP answer");
                            }
                            String answerSdp =
                                    config.esp32Mode() ? Esp32Sdp.munge(local.sdp, config.esp32Host()) : local.sdp;
                            if (isNew) {
                                if (closed) {
                                    throw new Refusal(503, "Server is shutting down");
                                }
                                peers.put(peer.pcId(), peer);
                                peer.executor().execute(peer::start);
                            }
                            return SignalingBodies.answerJson(answerSdp, "answer", peer.pcId());
                        },
                        thread);
    }

    private void prepareTransceivers(Peer peer) {
        for (RTCRtpTransceiver transceiver : peer.connection().getTransceivers()) {
            if (transceiver.stopped()) {
                continue;
            }
            transceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
            MediaStreamTrack received = transceiver.getReceiver().getTrack();
            if (received != null
                    && MediaStreamTrack.AUDIO_TRACK_KIND.equals(received.getKind())
                    && transceiver.getSender().getTrack() == null) {
                transceiver.getSender().replaceTrack(peer.audioTrack());
                transceiver.getSender().setStreams(List.of("tether"));
            }
        }
    }

    private CompletableFuture<Void> setDescription(Peer peer, RTCSessionDescription description, boolean local) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SetSessionDescriptionObserver observer = new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(
                        new Refusal(400, (local ? "Could not set the answer: " : "Invalid offer: ") + error));
            }
        };
        try {
            if (local) {
                peer.connection().setLocalDescription(description, observer);
            } else {
                peer.connection().setRemoteDescription(description, observer);
            }
        } catch (Throwable e) {
            // webrtc-java parses the SDP before libwebrtc sees it, and throws an Error when it cannot.
            rethrowIfFatal(e);
            observer.onFailure(String.valueOf(e.getMessage()));
        }
        return done;
    }

    private CompletableFuture<RTCSessionDescription> createAnswer(Peer peer) {
        CompletableFuture<RTCSessionDescription> done = new CompletableFuture<>();
        peer.connection().createAnswer(new RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                done.complete(description);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(
                        new IllegalStateException("SmallWebRTC connection produced no SDP answer: " + error));
            }
        });
        return done;
    }

    /** Completes when the peer's candidates are gathered, or after the gathering timeout with what there is. */
    private CompletableFuture<Void> gathered(Peer peer) {
        if (peer.connection().getIceGatheringState() == RTCIceGatheringState.COMPLETE) {
            return CompletableFuture.completedFuture(null);
        }
        return peer.gathered()
                .completeOnTimeout(null, config.iceGatheringTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- shutdown ---------------------------------------------------------------------------------------------

    /**
     * Sends {@code peerLeft} to every peer, closes them and waits up to {@code timeout} for their release; then
     * stops the engine and the threads. Blocks the caller.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        List<Peer> all = new ArrayList<>(peers.values());
        if (all.isEmpty()) {
            drained.complete(null);
        }
        for (Peer peer : all) {
            peer.leave();
        }
        try {
            drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("{} peer connections were not released within {}", peers.size(), timeout);
        }
        peers.clear();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        execute(() -> {
            try {
                if (factory != null) {
                    factory.close();
                    factory = null;
                }
            } finally {
                stopped.complete(null);
            }
        });
        try {
            stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("The WebRTC engine did not stop within {}", timeout);
        }
        thread.shutdown();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
