package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.Inflater;
import com.jcraft.jzlib.JZlib;
import dev.tether.core.Packet;
import dev.tether.core.WireFormat;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.testing.Frame;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * permessage-deflate for publications and broadcasts: with {@code deflateNoContextTakeover} (the default) the server
 * agrees {@code server_no_context_takeover} with every client, compresses a publication once per wire format and
 * writes that one frame to every such subscriber; a client that asked for a smaller window gets frames it can read,
 * and messages under {@code deflateThresholdBytes} go out uncompressed. Checked with the test client's strict frame
 * parser and inflater, which forgets its window between messages when the server said so.
 */
class SharedCompressionTest {
    private static final String CHANNEL = "news";
    private static final int THRESHOLD = 256;

    private final BlockingQueue<Session> connected = new LinkedBlockingQueue<>();

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.perMessageDeflate(true)
            .deflateThresholdBytes(THRESHOLD)
            .maxSubscribedChannels(0)
            .handler(subscriber()));

    @RegisterExtension
    final TetherServerExtension contextServer = TetherServerExtension.of(
            b -> b.perMessageDeflate(true).deflateNoContextTakeover(false).handler(subscriber()));

    @Test
    void deflateSubscriberGetsAPublicationCompressedAndItInflatesToThePacket() throws Exception {
        try (TestWebSocketClient client = deflateClient(server, "permessage-deflate")) {
            awaitSubscribed(1);
            assertThat(client.handshakeResponse().header("sec-websocket-extensions"))
                    .as("declared although not asked")
                    .contains("server_no_context_takeover");
            String data = compressibleText(4000);

            assertThat(server.server().publish(CHANNEL, data)).isEqualTo(1);
            assertThat(server.server().publish(CHANNEL, data)).isEqualTo(1);

            for (int i = 0; i < 2; i++) {
                assertData(client, data);
            }
            List<Frame> frames = client.receivedFrames();
            assertThat(frames).hasSize(2).allSatisfy(f -> assertThat(f.rsv()).isEqualTo(Frame.RSV1));
            assertThat(frames.get(0).payload().length).isLessThan(data.length() / 4);
            assertThat(frames.get(1).payload())
                    .as("no window carried over")
                    .isEqualTo(frames.get(0).payload());
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @Test
    void publicationIsCompressedOncePerFormatForAllDeflateSubscribers() throws Exception {
        try (TestWebSocketClient first = deflateClient(server, "permessage-deflate");
                TestWebSocketClient second = deflateClient(server, "permessage-deflate; client_max_window_bits");
                TestWebSocketClient msgpack = TestWebSocketClient.builder(server.uri())
                        .subprotocols(WireFormat.SUBPROTOCOL)
                        .perMessageDeflate("permessage-deflate")
                        .connect()) {
            awaitSubscribed(3);
            long before = server.server().stats().sharedCompressions();
            String data = compressibleText(4000);

            assertThat(server.server().publish(CHANNEL, data)).isEqualTo(3);

            for (TestWebSocketClient client : List.of(first, second, msgpack)) {
                assertData(client, data);
                assertThat(client.receivedFrames())
                        .singleElement()
                        .satisfies(f -> assertThat(f.rsv()).isEqualTo(Frame.RSV1));
                assertThat(client.protocolViolations()).isEmpty();
            }
            assertThat(second.receivedFrames().get(0).payload())
                    .isEqualTo(first.receivedFrames().get(0).payload());
            assertThat(server.server().stats().sharedCompressions() - before)
                    .as("one compression per wire format")
                    .isEqualTo(2);
        }
    }

    @Test
    void broadcastIsCompressedOnceForAllDeflateSessions() throws Exception {
        try (TestWebSocketClient first = deflateClient(server, "permessage-deflate");
                TestWebSocketClient second = deflateClient(server, "permessage-deflate")) {
            awaitSubscribed(2);
            long before = server.server().stats().sharedCompressions();
            String data = compressibleText(3000);

            assertThat(server.server().broadcast(data)).isEqualTo(2);

            assertData(first, data);
            assertData(second, data);
            assertThat(second.receivedFrames().get(0).payload())
                    .isEqualTo(first.receivedFrames().get(0).payload());
            assertThat(first.receivedFrames().get(0).rsv()).isEqualTo(Frame.RSV1);
            assertThat(server.server().stats().sharedCompressions() - before).isEqualTo(1);
        }
    }

    @Test
    void clientThatAskedForASmallerWindowGetsFramesItsWindowCanRead() throws Exception {
        try (TestWebSocketClient wide = deflateClient(server, "permessage-deflate");
                TestWebSocketClient narrow = deflateClient(server, "permessage-deflate; server_max_window_bits=9")) {
            awaitSubscribed(2);
            assertThat(narrow.handshakeResponse().header("sec-websocket-extensions"))
                    .contains("server_max_window_bits=9");
            String data = repeatedBlock(1500, 4); // repeats only 1,500 bytes back: beyond a 512-byte window

            assertThat(server.server().publish(CHANNEL, data)).isEqualTo(2);

            assertData(narrow, data);
            assertData(wide, data);
            byte[] narrowFrame = narrow.receivedFrames().get(0).payload();
            byte[] wideFrame = wide.receivedFrames().get(0).payload();
            byte[] packet = inflateWithWindow(narrowFrame, 9);
            assertThat(new String(packet, StandardCharsets.UTF_8)).contains(data);
            assertThat(inflateOrNull(wideFrame, 9))
                    .as("the shared frame, read with a 9-bit window (JZlib misreads or fails)")
                    .isNotEqualTo(packet);
            assertThat(narrow.protocolViolations()).isEmpty();
        }
    }

    @Test
    void messagesUnderTheThresholdGoOutUncompressed() throws Exception {
        try (TestWebSocketClient client = deflateClient(server, "permessage-deflate")) {
            Session session = awaitSubscribed(1).get(0);
            String small = "x".repeat(THRESHOLD / 2);
            String large = compressibleText(THRESHOLD * 4);

            server.server().publish(CHANNEL, small);
            session.send(Packet.channel(CHANNEL, small));
            server.server().publish(CHANNEL, large);
            session.send(Packet.channel(CHANNEL, large));

            for (String data : List.of(small, small, large, large)) {
                assertData(client, data);
            }
            assertThat(client.receivedFrames()).extracting(Frame::rsv).containsExactly(0, 0, Frame.RSV1, Frame.RSV1);
            assertThat(client.protocolViolations()).isEmpty();
        }
    }

    @Test
    void withContextTakeoverAllowedOnlyClientsThatAskGetFramesCompressedOnce() throws Exception {
        try (TestWebSocketClient keeps = deflateClient(contextServer, "permessage-deflate");
                TestWebSocketClient asked =
                        deflateClient(contextServer, "permessage-deflate; server_no_context_takeover")) {
            awaitSubscribed(2);
            assertThat(keeps.handshakeResponse().header("sec-websocket-extensions"))
                    .doesNotContain("server_no_context_takeover");
            String data = compressibleText(2000);

            for (int i = 0; i < 2; i++) {
                assertThat(contextServer.server().publish(CHANNEL, data)).isEqualTo(2);
            }

            for (TestWebSocketClient client : List.of(keeps, asked)) {
                for (int i = 0; i < 2; i++) {
                    assertData(client, data);
                }
                assertThat(client.protocolViolations()).isEmpty();
            }
            List<Frame> kept = keeps.receivedFrames();
            assertThat(kept.get(1).payload().length)
                    .as("the second message refers to the first")
                    .isLessThan(kept.get(0).payload().length / 4);
            assertThat(contextServer.server().stats().sharedCompressions()).isEqualTo(2);
        }
    }

    @Test
    void deflateSettingsAreValidatedOnEntry() {
        assertThatThrownBy(() -> TetherServer.builder().deflateWindowBits(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deflateWindowBits: 8 (expected: 9..15)");
        assertThatThrownBy(() -> TetherServer.builder().deflateMemLevel(10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deflateMemLevel: 10 (expected: 1..9)");
        assertThatThrownBy(() -> TetherServer.builder().deflateThresholdBytes(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deflateThresholdBytes: -1 (expected: 0..2147483647)");
    }

    private static void assertData(TestWebSocketClient client, String data) {
        assertThat(client.awaitPacket().data()).isEqualTo(data);
    }

    private TetherHandler subscriber() {
        return new TetherHandler() {
            @Override
            public void onConnect(Session session) {
                session.subscribe(CHANNEL);
                connected.add(session);
            }
        };
    }

    private List<Session> awaitSubscribed(int sessions) throws InterruptedException {
        List<Session> list = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Session session = connected.poll(5, TimeUnit.SECONDS);
            assertThat(session).as("session %d connected", i).isNotNull();
            list.add(session);
        }
        return list;
    }

    private static TestWebSocketClient deflateClient(TetherServerExtension server, String offer) {
        return TestWebSocketClient.builder(server.uri())
                .perMessageDeflate(offer)
                .connect();
    }

    /** Text that compresses well: the lines of a made-up log. */
    private static String compressibleText(int size) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < size; i++) {
            text.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return text.substring(0, size);
    }

    /** {@code times} copies of a block of random letters (fixed seed): its only matches are a block back. */
    private static String repeatedBlock(int blockBytes, int times) {
        StringBuilder block = new StringBuilder();
        Random random = new Random(7);
        for (int i = 0; i < blockBytes; i++) {
            block.append((char) ('a' + random.nextInt(26)));
        }
        return block.toString().repeat(times);
    }

    private static byte @Nullable [] inflateOrNull(byte[] compressed, int windowBits) {
        try {
            return inflateWithWindow(compressed, windowBits);
        } catch (GZIPException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * Inflates one message as a client with a {@code windowBits} window does: a distance beyond the window reads what
     * the window holds instead, or fails. The output goes in small pieces, so that no call reads back further than
     * the window into what it wrote itself.
     */
    private static byte[] inflateWithWindow(byte[] compressed, int windowBits) throws GZIPException {
        Inflater inflater = new Inflater(windowBits, true);
        try {
            byte[] input = Arrays.copyOf(compressed, compressed.length + 4);
            input[input.length - 2] = (byte) 0xFF;
            input[input.length - 1] = (byte) 0xFF;
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] piece = new byte[16];
            while (true) {
                inflater.setOutput(piece);
                int status = inflater.inflate(JZlib.Z_SYNC_FLUSH);
                out.write(piece, 0, inflater.getNextOutIndex());
                if (status == JZlib.Z_BUF_ERROR
                        || (status == JZlib.Z_OK
                                && inflater.getAvailIn() == 0
                                && inflater.getNextOutIndex() < piece.length)) {
                    return out.toByteArray();
                }
                if (status != JZlib.Z_OK) {
                    throw new IllegalStateException("inflate: " + status + " " + inflater.getMessage());
                }
            }
        } finally {
            inflater.end();
        }
    }
}
