package dev.tether.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The offering side in tests, as pipecat's browser client does it: an audio transceiver (sendrecv) fed with a tone,
 * a video transceiver, the data channel {@code chat}; the offer with its candidates goes to {@code POST /api/offer},
 * and the answer is set. Messages received on the data channel and the energy of the received audio are recorded.
 */
final class TestPeer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One factory for every test peer of the JVM: creating and disposing engines per test costs threads. */
    private static PeerConnectionFactory factory;

    private final URI base;
    private final RTCPeerConnection connection;
    private final CustomAudioSource source;
    private final AudioTrack track;
    private final RTCDataChannel channel;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Void> channelOpen = new CompletableFuture<>();
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final AtomicLong receivedFrames = new AtomicLong();
    final AtomicLong loudFrames = new AtomicLong();
    String pcId;
    private final ChannelObserver channelObserver;
    private final List<Runnable> detach = new java.util.concurrent.CopyOnWriteArrayList<>();

    static synchronized PeerConnectionFactory factory() {
        if (factory == null) {
            HeadlessAudioDeviceModule device = new HeadlessAudioDeviceModule();
            device.initPlayout();
            device.startPlayout();
            device.initRecording();
            device.startRecording();
            factory = new PeerConnectionFactory(device);
        }
        return factory;
    }

    TestPeer(URI base) {
        this.base = base;
        PeerConnectionFactory f = factory(); // loads the native library, which CustomAudioSource needs
        source = new CustomAudioSource();
        connection = f.createPeerConnection(new RTCConfiguration(), new Observer());
        track = f.createAudioTrack("test-mic", source);
        RTCRtpTransceiverInit audio = new RTCRtpTransceiverInit();
        audio.direction = RTCRtpTransceiverDirection.SEND_RECV;
        audio.streamIds = List.of("test");
        connection.addTransceiver(track, audio);
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        channel = connection.createDataChannel("chat", init);
        channelObserver = new ChannelObserver(this);
        channel.registerObserver(channelObserver);
    }

    /** Creates the offer, waits for our candidates, and posts it; returns the HTTP answer. */
    HttpResponse<String> offer(ObjectNode extra) throws Exception {
        RTCSessionDescription offer = createOffer();
        setLocal(offer);
        gathered.get(10, TimeUnit.SECONDS);
        ObjectNode body = JSON.createObjectNode();
        body.put("sdp", connection.getLocalDescription().sdp);
        body.put("type", "offer");
        if (pcId != null) {
            body.put("pc_id", pcId);
        } else {
            body.putNull("pc_id");
        }
        body.setAll(extra);
        return post("api/offer", body.toString()); // relative: a base of /sessions/{id}/ posts there
    }

    /** Offers and sets the answer; fails unless the server answered 200. */
    TestPeer connect() throws Exception {
        HttpResponse<String> response = offer(JSON.createObjectNode());
        if (response.statusCode() != 200) {
            throw new AssertionError("offer answered " + response.statusCode() + ": " + response.body());
        }
        accept(response);
        return this;
    }

    void accept(HttpResponse<String> response) throws Exception {
        JsonNode answer = JSON.readTree(response.body());
        pcId = answer.path("pc_id").asText();
        CompletableFuture<Void> done = new CompletableFuture<>();
        connection.setRemoteDescription(
                new RTCSessionDescription(RTCSdpType.ANSWER, answer.path("sdp").asText()), observer(done));
        done.get(10, TimeUnit.SECONDS);
    }

    void awaitConnected() throws Exception {
        connected.get(20, TimeUnit.SECONDS);
        channelOpen.get(20, TimeUnit.SECONDS);
    }

    /** A message and its echo: both ends are connected and their data channels open. */
    void roundTrip() throws Exception {
        awaitConnected();
        send("{\"ping\":true}");
        JsonNode echo = nextMessage();
        if (!echo.path("echo").path("ping").asBoolean()) {
            throw new AssertionError("expected the echo of the ping, got " + echo);
        }
    }

    void send(String text) throws Exception {
        channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false));
    }

    /** The next data-channel message, or {@code null} after 10 s without one. */
    JsonNode pollMessage() throws InterruptedException {
        return messages.poll(10, TimeUnit.SECONDS);
    }

    /** The next data-channel message, waiting up to 10 s. */
    JsonNode nextMessage() throws InterruptedException {
        JsonNode message = messages.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no data-channel message within 10 s");
        }
        return message;
    }

    /** Pushes 10 ms of a 440 Hz tone at 48 kHz mono. */
    void pushTone(int frameIndex) {
        byte[] pcm = new byte[960];
        for (int i = 0; i < 480; i++) {
            double t = (frameIndex * 480 + i) / 48_000.0;
            short sample = (short) (Math.sin(2 * Math.PI * 440 * t) * 8000);
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        source.pushAudio(pcm, 16, 48_000, 1, 480);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    RTCPeerConnectionState state() {
        return connection.getConnectionState();
    }

    private RTCSessionDescription createOffer() throws Exception {
        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        connection.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                offer.complete(description);
            }

            @Override
            public void onFailure(String error) {
                offer.completeExceptionally(new IllegalStateException(error));
            }
        });
        return offer.get(10, TimeUnit.SECONDS);
    }

    private void setLocal(RTCSessionDescription description) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        connection.setLocalDescription(description, observer(done));
        done.get(10, TimeUnit.SECONDS);
    }

    private static SetSessionDescriptionObserver observer(CompletableFuture<Void> done) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
    }

    @Override
    public void close() {
        detach.forEach(Runnable::run); // libwebrtc holds the sink through a global reference past close()
        channelObserver.peer = null; // and the data channel's observer for good (webrtc-java 0.14)
        channel.unregisterObserver();
        channel.close();
        channel.dispose();
        for (RTCRtpTransceiver transceiver : connection.getTransceivers()) {
            transceiver.getSender().replaceTrack(null);
        }
        connection.close();
        track.dispose();
        source.dispose();
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // The offer carries the candidates once gathering is complete; nothing is trickled.
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            if (state == RTCIceGatheringState.COMPLETE) {
                gathered.complete(null);
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            if (state == RTCPeerConnectionState.CONNECTED) {
                connected.complete(null);
            }
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            if (transceiver.getReceiver().getTrack() instanceof AudioTrack audio) {
                dev.onvoid.webrtc.media.audio.AudioTrackSink sink = (data, bits, rate, channels, frames) -> {
                    receivedFrames.incrementAndGet();
                    long energy = 0;
                    for (int i = 0; i + 1 < data.length; i += 2) {
                        energy += Math.abs((short) ((data[i] & 0xFF) | (data[i + 1] << 8)));
                    }
                    if (frames > 0 && energy / frames > 500) {
                        loudFrames.incrementAndGet();
                    }
                };
                audio.addSink(sink);
                detach.add(() -> audio.removeSink(sink));
            }
        }
    }

    /** Holds the peer only until close(): webrtc-java 0.14 never lets go of a data channel's observer. */
    private static final class ChannelObserver implements RTCDataChannelObserver {
        volatile TestPeer peer;

        ChannelObserver(TestPeer peer) {
            this.peer = peer;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {}

        @Override
        public void onStateChange() {
            TestPeer p = peer;
            if (p != null && p.channel.getState() == RTCDataChannelState.OPEN) {
                p.channelOpen.complete(null);
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            TestPeer p = peer;
            if (p == null) {
                return;
            }
            byte[] bytes = new byte[buffer.data.remaining()];
            buffer.data.get(bytes);
            try {
                p.messages.add(JSON.readTree(bytes));
            } catch (java.io.IOException e) {
                p.messages.add(JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8)));
            }
        }
    }
}
