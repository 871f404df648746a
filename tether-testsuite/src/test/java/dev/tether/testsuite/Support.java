package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.WireFormat;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.testing.CloseFrame;
import dev.tether.testing.Frame;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;

/** Helpers shared by the suite. */
final class Support {
    private Support() {}

    /** A handler that sends every packet back as it came; undecodable input comes back as UNKNOWN with its bytes. */
    static TetherHandler echo() {
        return new TetherHandler() {
            @Override
            public void onPacket(Session session, Packet packet) {
                session.send(packet);
            }
        };
    }

    /** Starts a server on 127.0.0.1 and a free port, for tests that close it themselves. */
    static TetherServer startServer(Consumer<TetherServer.Builder> customiser) {
        TetherServer.Builder builder = TetherServer.builder().host("127.0.0.1").port(0);
        customiser.accept(builder);
        return builder.build().start();
    }

    static URI uri(TetherServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    /**
     * The raw bytes an {@link #echo()} server sent back for a message it could not decode: UNKNOWN packets
     * carry them as MessagePack {@code bin}, or in JSON as a base64 string.
     */
    static byte[] echoedBytes(Packet packet) {
        assertThat(packet.source()).as("source of the echoed packet").isEqualTo(PacketSource.UNKNOWN);
        Object data = packet.data();
        if (data instanceof byte[] bytes) {
            return bytes;
        }
        assertThat(data).as("data of the echoed UNKNOWN packet").isInstanceOf(String.class);
        return Base64.getDecoder().decode((String) data);
    }

    /** Waits for the echo of a message the server could not decode and checks it holds {@code sent}. */
    static void assertEchoed(TestWebSocketClient client, byte[] sent) {
        assertThat(echoedBytes(client.awaitPacket())).isEqualTo(sent);
    }

    /** How long a server may take to fail a connection; it should do so at once. */
    static final Duration FAIL_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Waits for the server to fail the connection: a close frame with {@code code}, no data message before it,
     * and the end of the TCP connection.
     */
    static CloseFrame assertFailedWith(TestWebSocketClient client, int code) {
        CloseFrame close = client.awaitClose(FAIL_TIMEOUT);
        assertThat(close.code()).as("close code of " + close).isEqualTo(code);
        client.awaitDisconnect();
        return close;
    }

    /** The receivedFrames of {@code client} of one opcode. */
    static long countFrames(TestWebSocketClient client, int opcode) {
        return client.receivedFrames().stream()
                .filter(f -> f.opcode() == opcode)
                .count();
    }

    /** A JSON CUSTOM packet whose encoding is exactly {@code size} bytes: its data is a string of 'x'. */
    static Packet jsonPacketOfSize(int size) {
        int overhead = TestWebSocketClient.encode(WireFormat.JSON, Packet.custom("")).length;
        Packet packet = Packet.custom("x".repeat(size - overhead));
        assertThat(TestWebSocketClient.encode(WireFormat.JSON, packet)).hasSize(size);
        return packet;
    }

    /** {@code length} bytes of printable ASCII that are not a JSON packet, so the server sees them as UNKNOWN. */
    static byte[] text(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('*' + i % 64);
        }
        return bytes;
    }

    /** {@code length} bytes of every value, for binary messages. */
    static byte[] binary(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (0xFE - i % 251);
        }
        return bytes;
    }

    /** A masked frame's bytes (masks come from a fixed seed). */
    static byte[] wire(Frame... frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] mask = {0x37, (byte) 0xFA, 0x21, 0x3D};
        for (Frame frame : frames) {
            out.writeBytes(frame.encode(mask));
        }
        return out.toByteArray();
    }
}
