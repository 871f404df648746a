package dev.tether.webrtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.tether.webrtc.IceServer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libwebrtc's peer connection factory with a headless audio device: no sound card is opened, and the device's
 * playout and recording are started so the engine's audio threads run (webrtc-java aborts the JVM on a machine
 * without an audio device with the default module, and trips a thread check when the headless one is not started).
 *
 * <p>Methods may block while libwebrtc hops to its signaling thread; call them from {@link Signaling}'s thread, never
 * from a Netty event loop.
 */
final class PeerFactory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerFactory.class);

    private final HeadlessAudioDeviceModule audioDevice;
    private final PeerConnectionFactory factory;

    private PeerFactory(HeadlessAudioDeviceModule audioDevice, PeerConnectionFactory factory) {
        this.audioDevice = audioDevice;
        this.factory = factory;
    }

    /**
     * Loads the native library and starts the engine.
     *
     * @throws IllegalStateException when the native library cannot load, naming the missing system library
     */
    static PeerFactory start() {
        HeadlessAudioDeviceModule audioDevice;
        try {
            audioDevice = new HeadlessAudioDeviceModule();
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "webrtc-java's native library did not load (" + e.getMessage() + "); on Debian run"
                            + " scripts/ensure-services.sh webrtc, which installs libpulse0 and the X11/udev/dbus"
                            + " libraries it links",
                    e);
        }
        audioDevice.initPlayout();
        audioDevice.startPlayout();
        audioDevice.initRecording();
        audioDevice.startRecording();
        PeerConnectionFactory factory = new PeerConnectionFactory(audioDevice);
        log.debug("WebRTC engine started");
        return new PeerFactory(audioDevice, factory);
    }

    RTCPeerConnection peerConnection(List<IceServer> iceServers, PeerConnectionObserver observer) {
        RTCConfiguration config = new RTCConfiguration();
        List<RTCIceServer> servers = new ArrayList<>();
        for (IceServer server : iceServers) {
            RTCIceServer ice = new RTCIceServer();
            ice.urls = new ArrayList<>(server.urls());
            if (server.username() != null) {
                ice.username = server.username();
            }
            if (server.credential() != null) {
                ice.password = server.credential();
            }
            servers.add(ice);
        }
        config.iceServers = servers;
        RTCPeerConnection connection = factory.createPeerConnection(config, observer);
        if (connection == null) {
            throw new IllegalStateException("libwebrtc refused to create a peer connection");
        }
        return connection;
    }

    AudioTrack audioTrack(String id, CustomAudioSource source) {
        return factory.createAudioTrack(id, source);
    }

    @Override
    public void close() {
        factory.dispose();
        audioDevice.stopRecording();
        audioDevice.stopPlayout();
        audioDevice.dispose();
    }
}
