package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Packet;
import dev.tether.server.CloseStatus;
import dev.tether.server.Session;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordingHandlerTest {
    private final RecordingHandler handler =
            new RecordingHandler(new dev.tether.server.TetherHandler() {}, Duration.ofMillis(200), 10);
    private final Session session = new InertSession();

    @Test
    void recordsCallbacksInOrder() {
        handler.onConnect(session);
        handler.onPacket(session, Packet.custom("a"));
        handler.onDisconnect(session, new CloseStatus(1000, "", true));

        assertThat(handler.awaitConnect()).isSameAs(session);
        assertThat(handler.awaitPacket().packet().data()).isEqualTo("a");
        assertThat(handler.assertDisconnected(session, 1000).status().byPeer()).isTrue();
        assertThat(handler.events())
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Connected", "PacketReceived", "Disconnected");
        assertThat(handler.disconnectCount(session)).isEqualTo(1);
    }

    @Test
    void awaitFailsWithTheMissingCallbackWhenNothingHappens() {
        assertThatThrownBy(handler::awaitPacket)
                .isInstanceOf(AssertionError.class)
                .hasMessage("No onPacket within 200 ms");
    }

    @Test
    void secondDisconnectIsAContractViolation() {
        handler.onConnect(session);
        handler.onDisconnect(session, new CloseStatus(1000, "", true));
        handler.onDisconnect(session, new CloseStatus(1006, "", true));

        assertThat(handler.contractViolations()).singleElement().asString().contains("onDisconnect called 2 times");
        assertThatThrownBy(handler::awaitDisconnect).hasMessageContaining("broke the TetherHandler contract");
    }

    @Test
    void packetBeforeConnectIsAContractViolation() {
        handler.onPacket(session, Packet.custom("early"));

        assertThatThrownBy(handler::assertContractKept).hasMessageContaining("onPacket called before onConnect");
    }

    @Test
    void assertDisconnectedFailsOnAnotherCode() {
        handler.onConnect(session);
        handler.onDisconnect(session, new CloseStatus(1011, "boom", false));

        assertThatThrownBy(() -> handler.assertDisconnected(session, 1000)).hasMessageContaining("1011 boom");
    }

    @Test
    void delegateExceptionReachesTheCaller() {
        RecordingHandler throwing = new RecordingHandler(new dev.tether.server.TetherHandler() {
            @Override
            public void onPacket(Session s, Packet p) {
                throw new IllegalStateException("handler bug");
            }
        });
        throwing.onConnect(session);

        assertThatThrownBy(() -> throwing.onPacket(session, Packet.custom(1))).hasMessage("handler bug");
        assertThat(throwing.awaitPacket().packet().data()).isEqualTo(1);
    }

    @Test
    void overflowFailsTheNextAwait() {
        handler.onConnect(session);
        for (int i = 0; i < 11; i++) {
            handler.onPacket(session, Packet.custom(i));
        }

        assertThatThrownBy(handler::awaitPacket).hasMessageContaining("More than 10 onPackets");
    }
}
