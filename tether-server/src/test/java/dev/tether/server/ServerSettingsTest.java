package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ManualClock;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.Setting;
import dev.tether.core.WireFormat;
import dev.tether.server.spi.ClusterBroker;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** {@link ServerSettings}: validation from the declarations, the rules between settings, and copies. */
class ServerSettingsTest {

    @Test
    void outOfRangeIntNamesTheSettingAndTheRange() {
        assertThatThrownBy(() -> TetherServer.builder().maxFrameBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFrameBytes: 0 (expected: 126..2147483647)");
        assertThatThrownBy(() -> TetherServer.builder().port(70_000)).hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> TetherServer.builder().maxConnections(0))
                .hasMessage("maxConnections: 0 (expected: 1..2147483647)");
        assertThatThrownBy(() -> TetherServer.builder().ioThreads(1025))
                .hasMessage("ioThreads: 1025 (expected: 0..1024)");
    }

    @Test
    void outOfRangeLongNamesTheSettingAndTheRange() {
        assertThatThrownBy(() -> TetherServer.builder().maxQueuedBytes(0))
                .hasMessage("maxQueuedBytes: 0 (expected: 1..9223372036854775807)");
    }

    @Test
    void waterMarksAreCheckedUnderTheirSettingNames() {
        assertThatThrownBy(() -> TetherServer.builder().writeBufferWaterMarks(-1, 10))
                .hasMessage("writeBufferLowWaterMarkBytes: -1 (expected: 0..2147483647)");
        assertThatThrownBy(() -> TetherServer.builder().writeBufferWaterMarks(0, 0))
                .hasMessage("writeBufferHighWaterMarkBytes: 0 (expected: 1..2147483647)");
    }

    @Test
    void badDurationNamesTheSettingAndTheExpectation() {
        assertThatThrownBy(() -> TetherServer.builder().handshakeTimeout(Duration.ZERO))
                .hasMessage("handshakeTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> TetherServer.builder().idleTimeout(Duration.ofSeconds(-1)))
                .hasMessage("idleTimeout: PT-1S (expected: >= 0)");
    }

    @Test
    void badStringNamesTheSettingAndTheExpectation() {
        assertThatThrownBy(() -> TetherServer.builder().host("")).hasMessage("host: '' (expected: not empty)");
        assertThatThrownBy(() -> TetherServer.builder().path("ws")).hasMessage("path: ws (expected: starts with '/')");
    }

    @Test
    void nullForASettingThatNeedsAValueNamesIt() {
        assertThatThrownBy(() -> TetherServer.builder().clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
    }

    @Test
    void frameLargerThanMessageNamesBothSettings() {
        TetherServer.Builder builder =
                TetherServer.builder().maxMessageBytes(1000).maxFrameBytes(2000);

        assertThatThrownBy(builder::config)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFrameBytes: 2000 (expected: <= maxMessageBytes 1000)");
    }

    @Test
    void lowWaterMarkAboveHighNamesBothSettings() {
        assertThatThrownBy(() ->
                        TetherServer.builder().writeBufferWaterMarks(2000, 1000).build())
                .hasMessage("writeBufferLowWaterMarkBytes: 2000 (expected: <= writeBufferHighWaterMarkBytes 1000)");
    }

    @Test
    void queueBelowHighWaterMarkNamesBothSettings() {
        assertThatThrownBy(() -> TetherServer.builder().maxQueuedBytes(1000).config())
                .hasMessage("maxQueuedBytes: 1000 (expected: >= writeBufferHighWaterMarkBytes 1048576)");
    }

    @Test
    void rulesAreCheckedOnceEverySettingIsSet() {
        ServerConfig config = TetherServer.builder()
                .maxFrameBytes(8 << 20) // above the default maxMessageBytes until the next line
                .maxMessageBytes(8 << 20)
                .config();

        assertThat(config.maxFrameBytes()).isEqualTo(8 << 20);
    }

    @Test
    void defaultsAreTheDeclaredOnes() {
        ServerConfig config = TetherServer.builder().config();

        for (Setting<?> setting : ServerSettings.ALL.settings()) {
            assertThat(config.get(setting)).as(setting.name()).isEqualTo(setting.defaultValue());
        }
        assertThat(config.maxFrameBytes()).isEqualTo(4 << 20);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void toBuilderKeepsEverySetting() throws Exception {
        TetherHandler handler = new TetherHandler() {};
        Executor executor = Runnable::run;
        ServerConfig config = TetherServer.builder()
                .host("127.0.0.1")
                .port(9000)
                .path("/ws")
                .tls(TlsConfig.keyStore(emptyKeyStore(), new char[0]))
                .handler(handler)
                .maxConnections(10)
                .maxFrameBytes(1000)
                .maxMessageBytes(2000)
                .maxHttpRequestBytes(4096)
                .handshakeTimeout(Duration.ofSeconds(1))
                .pingInterval(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(3))
                .closeTimeout(Duration.ofSeconds(4))
                .shutdownGracePeriod(Duration.ofSeconds(6))
                .drainTimeout(Duration.ofSeconds(11))
                .allowedOrigins(List.of("https://app.example.com"))
                .perMessageDeflate(true)
                .deflateNoContextTakeover(false)
                .deflateThresholdBytes(64)
                .deflateWindowBits(12)
                .deflateMemLevel(6)
                .jsonInBinaryFrames(true)
                .writeBufferWaterMarks(100, 200)
                .socketSendBufferBytes(65_536)
                .maxQueuedBytes(300)
                .maxInboundQueuedPackets(7)
                .acceptQueueLimit(8)
                .ioThreads(2)
                .nativeTransport(false)
                .workerExecutor(executor)
                .clock(new ManualClock())
                .rpcTaskLimit(9)
                .predicate("loggedIn", Predicates.has("user"))
                .staticResources("tether/demo")
                .staticDirectory(Path.of("www"))
                .httpEndpoint("/metrics", request -> CompletableFuture.completedFuture(HttpResponse.text(200, "ok")))
                .closeWith(() -> {})
                .webSocket(WebSocketEndpoint.builder("/raw", new WebSocketListener() {})
                        .build())
                .maxSubscribedChannels(11)
                .maxPendingWorkerTasks(77)
                .slowConsumerPolicy(SlowConsumerPolicy.DROP_OLDEST)
                .clientSubscriptions((session, name) -> true)
                .clientPublish(ChannelPermissions.publish())
                .authenticator(Authenticator.anonymous())
                .perIpLimits(3, 4, 5)
                .limitLoopback(true)
                .inboundRate(6, 7, InboundRateAction.CLOSE)
                .history("chat.*", 50, Duration.ofMinutes(1))
                .presence("room.*")
                .presenceTtl(Duration.ofSeconds(12))
                .presenceInfo(session -> session.id())
                .dispatchRpc(false)
                .clusterBroker(new DelegatingBroker())
                .packetCodec(new DelegatingCodec(PacketCodecs.msgpack()))
                .packetCodec(new DelegatingCodec(PacketCodecs.json()))
                .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .metricsEndpoint(true)
                .healthEndpoints(false)
                .config();

        ServerConfig copy = config.toBuilder().config();

        for (Setting<?> setting : ServerSettings.ALL.settings()) {
            assertThat(config.get(setting))
                    .as("%s is set away from its default by this test", setting.name())
                    .isNotEqualTo(setting.defaultValue());
            assertThat(copy.get(setting)).as(setting.name()).isEqualTo(config.get(setting));
        }
        assertThat(copy).isEqualTo(config);
    }

    @Test
    void toBuilderCopiesSoTheOriginalStaysAsItWas() {
        ServerConfig config =
                TetherServer.builder().predicate("a", session -> true).config();

        ServerConfig changed =
                config.toBuilder().port(1).predicate("b", session -> true).config();

        assertThat(config.port()).isEqualTo(8765);
        assertThat(config.predicates()).containsOnlyKeys("a");
        assertThat(changed.predicates()).containsOnlyKeys("a", "b");
    }

    private static KeyStore emptyKeyStore() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        return keyStore;
    }

    /** A broker other than the default, for the copy test. */
    private static final class DelegatingBroker implements ClusterBroker {
        private final ClusterBroker local = ClusterBroker.local();

        @Override
        public CompletionStage<Void> start(Inbound inbound) {
            return local.start(inbound);
        }

        @Override
        public CompletionStage<Void> publish(String channel, byte[] packet) {
            return local.publish(channel, packet);
        }

        @Override
        public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
            return local.interest(nameOrPattern, subscribed);
        }

        @Override
        public CompletionStage<Void> close() {
            return local.close();
        }
    }

    /** A codec other than the default, for the copy test. */
    private static final class DelegatingCodec implements PacketCodec {
        private final PacketCodec codec;

        DelegatingCodec(PacketCodec codec) {
            this.codec = codec;
        }

        @Override
        public WireFormat format() {
            return codec.format();
        }

        @Override
        public void encode(Packet packet, OutputStream out) {
            codec.encode(packet, out);
        }

        @Override
        public byte[] encode(Packet packet) {
            return codec.encode(packet);
        }

        @Override
        public Packet decode(byte[] bytes, int offset, int length) {
            return codec.decode(bytes, offset, length);
        }
    }
}
