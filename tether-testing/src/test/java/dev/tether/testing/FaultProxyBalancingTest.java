package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import dev.tether.testing.fault.FaultProxy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FaultProxy in front of several servers: a load balancer that skips the dead. */
class FaultProxyBalancingTest {

    private static TetherServer echo() {
        return TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(new TetherHandler() {
                    @Override
                    public void onPacket(dev.tether.server.Session session, dev.tether.core.Packet packet) {
                        session.send(packet.data());
                    }
                })
                .build()
                .start();
    }

    @Test
    void connectionsSkipABackendThatRefusesAndCloseWithTheirBackend() {
        try (RefusedPort dead = new RefusedPort();
                TetherServer live = echo();
                FaultProxy balancer = FaultProxy.start(List.of(dead.port(), live.port()))) {
            for (int i = 0; i < 3; i++) {
                try (TestWebSocketClient client =
                        TestWebSocketClient.connect(URI.create("ws://127.0.0.1:" + balancer.port() + "/"))) {
                    client.sendPacket(dev.tether.core.Packet.custom("hello " + i));
                    assertThat(client.awaitPacket().data()).isEqualTo("hello " + i);
                }
            }
            TestWebSocketClient held =
                    TestWebSocketClient.connect(URI.create("ws://127.0.0.1:" + balancer.port() + "/"));

            live.close();

            held.awaitDisconnect();
            assertThat(balancer.accepted()).isEqualTo(4);
        }
    }
}
