package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.testing.RecordingHandler;
import dev.tether.testing.TestWebSocketClient;
import dev.tether.testing.TetherServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A handler that throws closes its session with 1011; the server and the other sessions carry on. */
class HandlerFailureTest {
    final RecordingHandler handler = new RecordingHandler(new TetherHandler() {
        @Override
        public void onPacket(Session session, Packet packet) {
            if ("boom".equals(packet.data())) {
                throw new IllegalStateException("handler bug, on purpose");
            }
            session.send(packet);
        }
    });

    @RegisterExtension
    final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));

    @Test
    void handlerExceptionClosesItsSessionWith1011() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            Session session = handler.awaitConnect();
            client.sendPacket(Packet.custom("boom"));

            Support.assertFailedWith(client, 1011);
            assertThat(handler.assertDisconnected(session, 1011).status().byPeer())
                    .isFalse();
        }
    }

    @Test
    void otherSessionsAndNewConnectionsAreServedAfterAHandlerException() {
        try (TestWebSocketClient victim = TestWebSocketClient.connect(server.uri());
                TestWebSocketClient bystander = TestWebSocketClient.connect(server.uri())) {
            victim.sendPacket(Packet.custom("boom"));
            victim.awaitClose();

            bystander.sendPacket(Packet.custom("still here"));
            assertThat(bystander.awaitPacket().data()).isEqualTo("still here");
            try (TestWebSocketClient newcomer = TestWebSocketClient.connect(server.uri())) {
                newcomer.sendPacket(Packet.custom("hello"));
                assertThat(newcomer.awaitPacket().data()).isEqualTo("hello");
            }
        }
    }

    @Test
    void packetsAfterTheFailingOneAreNotHandled() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) {
            client.sendPacket(Packet.custom("boom"));
            client.sendPacket(Packet.custom("after"));

            client.awaitClose();
            handler.awaitDisconnect();
            assertThat(handler.events())
                    .filteredOn(e -> e instanceof RecordingHandler.PacketReceived)
                    .extracting(
                            e -> ((RecordingHandler.PacketReceived) e).packet().data())
                    .doesNotContain("after");
        }
    }

    @Test
    void exceptionInOnConnectClosesTheSessionWith1011() {
        RecordingHandler failing = new RecordingHandler(new TetherHandler() {
            @Override
            public void onConnect(Session session) {
                throw new IllegalStateException("onConnect bug, on purpose");
            }
        });
        try (dev.tether.server.TetherServer own = Support.startServer(b -> b.handler(failing));
                TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(own))) {
            Support.assertFailedWith(client, 1011);
            assertThat(failing.awaitDisconnect().status().code()).isEqualTo(1011);
        }
    }
}
