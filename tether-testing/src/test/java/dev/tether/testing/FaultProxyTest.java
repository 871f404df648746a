package dev.tether.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.fault.FaultProxy;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
    private NettyEchoServer server;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws InterruptedException {
        server = new NettyEchoServer(null, false);
        proxy = FaultProxy.start(server.uri("/").getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.close();
    }

    private URI throughProxy() {
        return URI.create("ws://127.0.0.1:" + proxy.port() + "/");
    }

    @Test
    void relaysBothWays() {
        try (TestWebSocketClient client = TestWebSocketClient.connect(throughProxy())) {
            client.sendText("héllo");

            assertThat(client.awaitText()).isEqualTo("héllo");
            assertThat(proxy.accepted()).isEqualTo(1);
        }
    }

    @Test
    void dropAllCutsTheConnectionWithoutACloseFrameAndAcceptsTheNextOne() throws InterruptedException {
        try (TestWebSocketClient first = TestWebSocketClient.connect(throughProxy())) {
            first.sendText("before");
            assertThat(first.awaitText()).isEqualTo("before");

            proxy.dropAll();

            first.awaitDisconnect();
            assertThat(first.receivedFrames()).noneMatch(frame -> frame.opcode() == Frame.CLOSE);
        }
        try (TestWebSocketClient second = TestWebSocketClient.connect(throughProxy())) {
            second.sendText("after");
            assertThat(second.awaitText()).isEqualTo("after");
        }
    }
}
