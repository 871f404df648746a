package dev.tether.cli.bench;

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One offering peer of {@code tether bench webrtc}, as pipecat's browser client offers: an audio transceiver
 * (sendrecv) fed with a tone and the data channel {@code chat}; the offer with its candidates goes to the signaling
 * route, and the answer is set. Received audio frames are counted, and those loud enough to be the echoed tone.
 *
 * <p>The peers of a process share one {@link PeerConnectionFactory} with a headless audio device: its playout pulls
 * the received audio every 10 ms, which is what feeds the counting sink.
 */
final class WebRtcPeer implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LOUD = 500; // mean |sample| of the tone (amplitude 8000) is about 5000; silence is 0

    private static @Nullable PeerConnectionFactory factory;

    private final URI offerUrl;
    private final RTCPeerConnection connection;
    private final CustomAudioSource source;
    private final AudioTrack track;
    private final RTCDataChannel channel;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final CompletableFuture<Void> channelOpen = new CompletableFuture<>();
    private final byte[] pcm = new byte[960];
    private final List<Runnable> detach = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicLong receivedFrames = new AtomicLong();
    final AtomicLong loudFrames = new AtomicLong();

    private static synchronized PeerConnectionFactory factory() {
        PeerConnectionFactory f = factory;
        if (f == null) {
            HeadlessAudioDeviceModule device = new HeadlessAudioDeviceModule();
            device.initPlayout();
            device.startPlayout();
            device.initRecording();
            device.startRecording();
            f = new PeerConnectionFactory(device);
            factory = f;
        }
        return f;
    }

    WebRtcPeer(URI offerUrl) {
        this.offerUrl = offerUrl;
        PeerConnectionFactory f = factory(); // loads the native library, which CustomAudioSource needs
        source = new CustomAudioSource();
        connection = f.createPeerConnection(new RTCConfiguration(), new Observer());
        track = f.createAudioTrack("bench-mic", source);
        RTCRtpTransceiverInit audio = new RTCRtpTransceiverInit();
        audio.direction = RTCRtpTransceiverDirection.SEND_RECV;
        audio.streamIds = List.of("bench");
        connection.addTransceiver(track, audio);
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        channel = connection.createDataChannel("chat", init);
        channel.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {}

            @Override
            public void onStateChange() {
                if (channel.getState() == RTCDataChannelState.OPEN) {
                    channelOpen.complete(null);
                }
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {}
        });
    }

    /** Offers, sets the answer, and waits until the connection is up and the data channel open. Blocks. */
    void connect() throws Exception {
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
        CompletableFuture<Void> local = new CompletableFuture<>();
        connection.setLocalDescription(await(offer), observer(local));
        await(local);
        await(gathered);
        String body = "{\"sdp\":" + quote(connection.getLocalDescription().sdp) + ",\"type\":\"offer\",\"pc_id\":null}";
        HttpRequest request = HttpRequest.newBuilder(offerUrl)
                .timeout(WAIT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    offerUrl + ": the offer was answered " + response.statusCode() + ": " + response.body());
        }
        String sdp = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .path("sdp")
                .asText();
        CompletableFuture<Void> remote = new CompletableFuture<>();
        connection.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), observer(remote));
        await(remote);
        await(connected);
        await(channelOpen);
    }

    /** Pushes 10 ms of a 440 Hz tone at 48 kHz mono, the {@code frameIndex}-th of the stream. */
    void pushTone(long frameIndex) {
        for (int i = 0; i < 480; i++) {
            double t = (frameIndex * 480 + i) / 48_000.0;
            short sample = (short) (Math.sin(2 * Math.PI * 440 * t) * 8000);
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        source.pushAudio(pcm, 16, 48_000, 1, 480);
    }

    @Override
    public void close() {
        detach.forEach(Runnable::run); // libwebrtc holds the sink through a global reference past close()
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

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String quote(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
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
            } else if (state == RTCPeerConnectionState.FAILED) {
                connected.completeExceptionally(new IllegalStateException("the peer connection failed"));
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
                    if (frames > 0 && energy / ((long) frames * channels) > LOUD) {
                        loudFrames.incrementAndGet();
                    }
                };
                audio.addSink(sink);
                detach.add(() -> audio.removeSink(sink));
            }
        }
    }
}
