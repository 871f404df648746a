package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registering and unregistering methods while the server runs, and predicates as broadcast filters. */
class RpcRegistryTest {
    private TetherServer server;

    public static final class Handler implements TetherHandler {
        @Rpc
        public void subscribe(Session session) {
            session.attributes().put("subscribed", true);
        }
    }

    public static final class Extra {
        @Rpc("extra.hello")
        public String hello(String name) {
            return "hello " + name;
        }
    }

    @BeforeEach
    void start() {
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(new Handler())
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void handlerMethodsAreRegisteredByBuild() {
        assertThat(server.rpc().names()).containsExactly("subscribe");
    }

    @Test
    void objectsAndFunctionsRegisterAndUnregisterAtRunTime() throws Exception {
        try (WsClient client = WsClient.json(server)) {
            assertThat(client.callAndWait("extra.hello", "ada").errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);

            assertThat(server.rpc().register(new Extra())).containsExactly("extra.hello");
            server.rpc().register(RpcOptions.named("twice"), call -> 2 * call.arg(0, "n", int.class));
            server.rpc()
                    .register(
                            RpcOptions.named("upTo").streaming(),
                            call -> Stream.iterate(1, i -> i + 1).limit(call.arg(0, "n", int.class)));
            server.rpc().register(RpcOptions.named("members").requires(Predicates.is("subscribed")), call -> "welcome");
            assertThat(server.rpc().names()).isEqualTo(Set.of("subscribe", "extra.hello", "twice", "upTo", "members"));

            assertThat(client.callAndWait("extra.hello", "ada").response()).isEqualTo("hello ada");
            assertThat(client.callAndWait("twice", 21).response()).isEqualTo(42);
            String id = client.call("upTo", 2);
            assertThat(client.streamReplies(id))
                    .extracting(RpcResponse::response)
                    .containsExactly(1, 2, null);
            assertThat(client.callAndWait("members").errorCode()).isEqualTo(RpcErrorCode.ACCESS_DENIED);
            client.callAndWait("subscribe");
            assertThat(client.callAndWait("members").response()).isEqualTo("welcome");

            assertThat(server.rpc().unregister("twice")).isTrue();
            assertThat(server.rpc().unregister("twice")).isFalse();
            assertThat(client.callAndWait("twice", 21).errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
        }
    }

    @Test
    void duplicatesAndReservedNamesAreRefused() {
        assertThatThrownBy(() -> server.rpc().register(RpcOptions.named("subscribe"), call -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("RPC method 'subscribe' of function 'subscribe' is already registered by Handler.subscribe"
                        + " (expected: a unique name; use an alias)");
        assertThatThrownBy(() -> RpcOptions.named("__abort__"))
                .hasMessage("name: '__abort__' (expected: not empty and not the reserved '__abort__')");
        assertThatThrownBy(() -> server.rpc().register(RpcOptions.named("x").requires("nobody"), call -> null))
                .hasMessageStartingWith("function 'x': requires: 'nobody' (expected: one of the predicates");
    }

    @Test
    void predicatesFilterBroadcasts() throws Exception {
        try (WsClient subscriber = WsClient.json(server);
                WsClient other = WsClient.msgpack(server)) {
            subscriber.callAndWait("subscribe");
            other.callAndWait("extra.hello"); // METHOD_NOT_FOUND; makes sure both sessions are open

            int sent = server.broadcast("news", List.of(), Predicates.is("subscribed"));
            assertThat(sent).isEqualTo(1);
            assertThat(subscriber.next().source()).isEqualTo(PacketSource.BROADCAST);
            // the other session gets nothing: its next packet is the reply to its next call
            assertThat(other.callAndWait("subscribe").error()).isNull();
        }
    }
}
