package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.fault.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pings every interval; a missing pong is a drop (half-open detection). */
class HeartbeatTest extends ConnectionTestBase {
    private final RecordingProtocol protocol = new RecordingProtocol();

    /** Echoes {@code marker} through the client's protocol: everything the client read before it is handled. */
    private void echoed(ClientConnection connection, String marker) throws Exception {
        await(connection.send(marker));
        assertThat(protocol.takeText()).isEqualTo(marker);
    }

    @Test
    void aMissedPongDropsAHalfOpenConnection() throws Exception {
        server.defaultFault(Fault.echo().ignorePings());
        ClientConnection connection = connection(config().protocol(protocol).earlyDropWindow(Duration.ZERO));
        await(connection.connect());
        events.awaitConnected();

        clock.advance(Duration.ofSeconds(30));
        assertThat(server.awaitPings(1, RecordingListener.TIMEOUT)).isTrue();
        clock.advance(Duration.ofSeconds(15));

        Disconnection disconnection = events.awaitDisconnected();
        assertThat(disconnection.code()).isEqualTo(Disconnection.ABNORMAL_CLOSURE);
        assertThat(disconnection.reason()).isEqualTo("no pong within 15 s; the connection is half-open");
        assertThat(disconnection.willReconnect()).isTrue();
        events.awaitConnected();
    }

    @Test
    void anAnsweredPingKeepsTheConnection() throws Exception {
        ClientConnection connection = connection(config().protocol(protocol));
        await(connection.connect());

        clock.advance(Duration.ofSeconds(30));
        assertThat(server.awaitPings(1, RecordingListener.TIMEOUT)).isTrue();
        echoed(connection, "after the pong"); // the server wrote the pong before this echo
        clock.advance(Duration.ofSeconds(15));
        echoed(connection, "after the pong timeout");

        assertThat(events.count(RecordingListener.Kind.DISCONNECTED)).isZero();
        assertThat(connection.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void anyInboundFrameCanCountAsLiveness() throws Exception {
        server.defaultFault(Fault.echo().ignorePings());
        ClientConnection connection = connection(config().protocol(protocol).anyFrameIsLiveness(true));
        await(connection.connect());

        clock.advance(Duration.ofSeconds(30));
        assertThat(server.awaitPings(1, RecordingListener.TIMEOUT)).isTrue();
        echoed(connection, "I am alive");
        clock.advance(Duration.ofSeconds(15));
        echoed(connection, "still here");

        assertThat(events.count(RecordingListener.Kind.DISCONNECTED)).isZero();
    }

    @Test
    void pingsRepeatEveryInterval() throws Exception {
        // A pong timeout longer than the three intervals: the test waits for the server to see each ping, not for
        // the client to read its pong, so a pong read late must not let the pong timer drop the connection.
        ClientConnection connection =
                connection(config().heartbeatInterval(Duration.ofSeconds(10)).pongTimeout(Duration.ofSeconds(60)));
        await(connection.connect());

        for (int ping = 1; ping <= 3; ping++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(server.awaitPings(ping, RecordingListener.TIMEOUT)).isTrue();
        }
    }
}
