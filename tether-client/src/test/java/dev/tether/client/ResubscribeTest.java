package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.RpcRequest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Channels joined through the join RPC are joined again after every reconnect, before the session is ready. */
class ResubscribeTest extends TetherClientTestBase {

    @Test
    void joinedChannelsAreJoinedAgainAfterTheServerRestarts() throws Exception {
        TetherClient client = connected();
        events.awaitConnected();
        BlockingQueue<Packet> news = new ArrayBlockingQueue<>(16);
        client.onChannel("news.*", news::add);
        await(client.join("news.*"));
        await(client.join("weather"));
        handler.take("join");
        handler.take("join");
        int port = server.port();

        server.close(); // 1001 to every client: a drop, so the client reconnects after a wait on the clock
        Disconnection drop = events.awaitDisconnected();
        assertThat(drop.code()).isEqualTo(1001);
        assertThat(drop.willReconnect()).isTrue();
        server = startServer(port);
        advanceToNextTask();

        ClientSession reconnected = events.awaitConnected();
        assertThat(reconnected.isReconnect()).isTrue();
        RpcRequest first = handler.take("join");
        RpcRequest second = handler.take("join");
        assertThat(first.args()).containsExactly("news.*");
        assertThat(second.args()).containsExactly("weather");
        // Ready means re-joined: a publish right after reaches the client.
        server.publish("news.sport", "goal");
        assertThat(news.poll(10, TimeUnit.SECONDS).data()).isEqualTo("goal");
        assertThat(client.joinedChannels()).containsExactly("news.*", "weather");
    }

    @Test
    void aChannelTheServerRefusesToJoinAgainIsForgotten() throws Exception {
        TetherClient client = client(config().joinMethod("join"));
        await(client.connect());
        events.awaitConnected();
        await(client.join("news"));
        int port = server.port();
        server.close();
        events.awaitDisconnected();
        // The restarted server refuses joins: the session still becomes ready, without the channel.
        server = restart(port, new RpcTestHandler() {
            @Override
            public void onPacket(dev.tether.server.Session session, Packet packet) {
                RpcRequest request = packet.request();
                if (request != null && request.method().equals("join")) {
                    session.send(Packet.rpc(dev.tether.core.RpcResponse.error(
                            request.callId(),
                            dev.tether.core.RpcErrorCode.ACCESS_DENIED,
                            "Access denied for RPC method 'join'.",
                            false)));
                } else {
                    super.onPacket(session, packet);
                }
            }
        });
        advanceToNextTask();

        events.awaitConnected();
        assertThat(client.joinedChannels()).isEmpty();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aRejoinWithoutAnAnswerFailsTheAttemptAndIsRetried() throws Exception {
        TetherClient client = client(config().joinMethod("join"));
        await(client.connect());
        events.awaitConnected();
        await(client.join("news"));
        int port = server.port();
        server.close();
        events.awaitDisconnected();
        RpcTestHandler silentOnce = new RpcTestHandler() {
            private boolean answered;

            @Override
            public void onPacket(dev.tether.server.Session session, Packet packet) {
                RpcRequest request = packet.request();
                if (request != null && request.method().equals("join") && !answered) {
                    answered = true; // the first re-join gets no answer
                    requests.offer(request);
                    return;
                }
                super.onPacket(session, packet);
            }
        };
        server = restart(port, silentOnce);
        advanceToNextTask();
        silentOnce.take("join");

        advanceToNextTask(); // the handshake timeout of the attempt: 10 s
        assertThat(events.awaitAttemptFailed(1)).hasMessageContaining("handshake did not complete within 10 s");
        advanceToNextTask(); // the backoff before the next attempt

        events.awaitConnected();
        assertThat(silentOnce.take("join").args()).containsExactly("news");
        assertThat(client.joinedChannels()).containsExactly("news");
        assertThat(client.pendingCalls()).isZero();
    }

    private static dev.tether.server.TetherServer restart(int port, RpcTestHandler handler) {
        return dev.tether.server.TetherServer.builder()
                .dispatchRpc(false) // the test handler scripts its RPC answers by hand
                .host("127.0.0.1")
                .port(port)
                .handler(handler)
                .build()
                .start();
    }
}
