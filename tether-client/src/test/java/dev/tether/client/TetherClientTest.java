package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Cancellable;
import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.WireFormat;
import dev.tether.testing.fault.FaultServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TetherClient against a Tether server: calls, errors, packets, channels. */
class TetherClientTest extends TetherClientTestBase {

    @Test
    void callReturnsTheResult() throws Exception {
        TetherClient client = connected();

        assertThat(await(client.call("add", 10, 20))).isEqualTo(30);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void callSendsPositionalAndKeywordArguments() throws Exception {
        TetherClient client = connected();

        Object result = await(client.call(Call.of("greet", "ada").withKwarg("loud", true)));

        assertThat(result).isEqualTo("HELLO ADA");
        RpcRequest request = handler.take("greet");
        assertThat(request.args()).containsExactly("ada");
        assertThat(request.kwargs()).isEqualTo(Map.of("loud", true));
    }

    @Test
    void typedCallConvertsTheResult() throws Exception {
        TetherClient client = connected();

        Long sum = await(client.call(Long.class, "add", 1, 2));
        Throwable wrongType = awaitFailure(client.call(Map.class, "echo", "text"));

        assertThat(sum).isEqualTo(3L);
        assertThat(wrongType).isInstanceOf(RpcCallException.class).hasMessageStartingWith("result of 'echo': value: ");
    }

    @ParameterizedTest
    @EnumSource(RpcErrorCode.class)
    void everyErrorCodeIsATypedException(RpcErrorCode code) throws Exception {
        TetherClient client = connected();

        Throwable error = awaitFailure(client.call("fail", code.code(), "it went wrong: " + code));

        assertThat(error).isInstanceOf(RpcErrorException.class).hasMessage("it went wrong: " + code);
        RpcErrorException rpcError = (RpcErrorException) error;
        assertThat(rpcError.errorCode()).isEqualTo(code);
        assertThat(rpcError.code()).isEqualTo(code.code());
        assertThat(rpcError.method()).isEqualTo("fail");
        assertThat(rpcError.callId()).isEqualTo(handler.take("fail").callId());
        assertThat(rpcError.isRetryable()).isFalse();
    }

    @Test
    void anUnknownMethodIsMethodNotFound() throws Exception {
        TetherClient client = connected();

        Throwable error = awaitFailure(client.call("nope"));

        assertThat(error).isInstanceOf(RpcErrorException.class).hasMessage("RPC method 'nope' not found.");
        assertThat(((RpcErrorException) error).errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
    }

    @Test
    void aCallWithoutAnAnswerTimesOutOnTheClock() throws Exception {
        TetherClient client = connected();
        CompletableFuture<Object> call = client.call("silent");
        handler.take("silent");

        clock.advance(Duration.ofSeconds(29));
        assertThat(call).isNotDone();
        clock.advance(Duration.ofSeconds(1));

        assertThat(awaitFailure(call))
                .isInstanceOf(RpcTimeoutException.class)
                .hasMessage("RPC request timed out: no answer to 'silent' within 30 s");
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void aCallMayHaveItsOwnTimeout() throws Exception {
        TetherClient client = connected();
        CompletableFuture<Object> call = client.call(Call.of("silent").withTimeout(Duration.ofSeconds(2)));
        handler.take("silent");

        clock.advance(Duration.ofSeconds(2));

        assertThat(awaitFailure(call)).isInstanceOf(RpcTimeoutException.class);
    }

    @Test
    void aSecondAnswerWithTheSameCallIdIsIgnored() throws Exception {
        TetherClient client = connected();

        assertThat(await(client.call("twice", "first"))).isEqualTo("first");
        // The duplicate was read before this answer: it neither failed anything nor reached recv.
        assertThat(await(client.call("echo", "after"))).isEqualTo("after");

        assertThat(client.pendingCalls()).isZero();
        CompletionStage<Packet> nothing = client.receive(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(awaitFailure(nothing)).isInstanceOf(ReceiveTimeoutException.class);
    }

    @Test
    void aCallWhileNotConnectedFailsAtOnceAndIsRetryable() {
        TetherClient client = client(config());

        Throwable error = client.call("echo", 1).handle((r, e) -> e).join();

        assertThat(error).isInstanceOf(RpcCallException.class).hasMessage("Cannot send RPC: client is not connected.");
        assertThat(((RpcCallException) error).isRetryable()).isTrue();
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void oneCallMoreThanMaxPendingCallsFailsAtOnce() throws Exception {
        TetherClient client = client(config().maxPendingCalls(2));
        await(client.connect());
        client.call("silent");
        client.call("silent");

        Throwable error = client.call("echo", 1).handle((r, e) -> e).join();

        assertThat(error)
                .isInstanceOf(RpcCallException.class)
                .hasMessage("too many pending calls: 2 calls and streams wait for their answer (expected: at most 2,"
                        + " maxPendingCalls)");
        assertThat(client.pendingCalls()).isEqualTo(2);
    }

    @Test
    void aCallCancelledByTheCallerFreesItsSlot() throws Exception {
        TetherClient client = connected();
        CompletableFuture<Object> call = client.call("silent");

        call.cancel(false);

        assertThat(client.pendingCalls()).isZero();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void pendingCallsFailRetryableWhenTheConnectionDrops() throws Exception {
        try (FaultServer faults =
                FaultServer.builder().clock(clock).subprotocols("webshocket.v1").start()) {
            TetherClient client = client(
                    config().connection(connectionConfig().uri(faults.uri()).build()));
            await(client.connect());
            CompletableFuture<Object> first = client.call("add", 1, 2);
            CompletableFuture<Object> second = client.call("echo", "x");
            faults.takeBinary(RecordingListener.TIMEOUT);
            faults.takeBinary(RecordingListener.TIMEOUT);

            faults.dropAll();

            for (CompletableFuture<Object> call : List.of(first, second)) {
                Throwable error = awaitFailure(call);
                assertThat(error)
                        .isInstanceOf(RpcDisconnectedException.class)
                        .hasMessageStartingWith("connection lost before the answer to '");
                assertThat(((RpcCallException) error).isRetryable()).isTrue();
            }
            assertThat(client.pendingCalls()).isZero();
        }
    }

    @Test
    void sendAndRecv() throws Exception {
        TetherClient client = connected();

        await(client.send(Map.of("hello", "world")));
        Packet packet = client.recv(Duration.ofSeconds(10));

        assertThat(packet.source()).isEqualTo(PacketSource.CUSTOM);
        assertThat(packet.data()).isEqualTo(Map.of("hello", "world"));
    }

    @Test
    void recvTimesOutWithThePythonMessage() throws Exception {
        TetherClient client = connected();
        CompletionStage<Packet> next = client.receive(Duration.ofSeconds(5));

        clock.advance(Duration.ofSeconds(5));

        assertThat(awaitFailure(next))
                .isInstanceOf(ReceiveTimeoutException.class)
                .hasMessage("Receive operation timed out after 5 seconds.");
    }

    @Test
    void recvWhenNotConnectedFailsWithThePythonMessage() {
        TetherClient client = client(config());

        assertThatThrownBy(() -> client.recv(Duration.ofMillis(1500)))
                .isInstanceOf(ConnectionException.class)
                .hasMessage("Cannot receive data: client is not connected.");
    }

    @Test
    void aReceiveListenerGetsPacketsInsteadOfRecv() throws Exception {
        TetherClient client = connected();
        BlockingQueue<Packet> heard = new ArrayBlockingQueue<>(16);
        Cancellable registration = client.onReceive(heard::add);

        await(client.send("one"));
        assertThat(heard.poll(10, TimeUnit.SECONDS).data()).isEqualTo("one");
        registration.cancel();
        await(client.send("two"));

        assertThat(client.recv(Duration.ofSeconds(10)).data()).isEqualTo("two");
        assertThat(heard).isEmpty();
    }

    @Test
    void channelListenersMatchExactNamesAndPatterns() throws Exception {
        TetherClient client = connected();
        BlockingQueue<String> exact = new ArrayBlockingQueue<>(16);
        BlockingQueue<String> pattern = new ArrayBlockingQueue<>(16);
        client.onChannel("news.sport", p -> exact.add(p.channel() + ":" + p.data()));
        client.onChannel("news.*", p -> pattern.add(p.channel() + ":" + p.data()));
        await(client.join("news.*"));
        await(client.join("weather"));

        server.publish("news.sport", "goal");
        server.publish("news.politics", "vote");
        server.publish("weather", "rain");

        assertThat(exact.poll(10, TimeUnit.SECONDS)).isEqualTo("news.sport:goal");
        assertThat(pattern.poll(10, TimeUnit.SECONDS)).isEqualTo("news.sport:goal");
        assertThat(pattern.poll(10, TimeUnit.SECONDS)).isEqualTo("news.politics:vote");
        // No channel listener takes "weather": it goes to recv.
        Packet weather = client.recv(Duration.ofSeconds(10));
        assertThat(weather.channel()).isEqualTo("weather");
        assertThat(weather.data()).isEqualTo("rain");
        assertThat(exact).isEmpty();
    }

    @Test
    void joinRemembersTheChannelAndLeaveForgetsIt() throws Exception {
        TetherClient client = connected();

        assertThat(await(client.join("a"))).isEqualTo(true);
        await(client.join("b"));
        await(client.leave("a"));

        assertThat(client.joinedChannels()).containsExactly("b");
        assertThat(handler.take("join").args()).containsExactly("a");
    }

    @Test
    void aRefusedJoinIsNotRemembered() throws Exception {
        TetherClient client = client(config().joinMethod("refuse"));
        await(client.connect());

        assertThat(awaitFailure(client.join("secret"))).isInstanceOf(RpcErrorException.class);

        assertThat(client.joinedChannels()).isEmpty();
    }

    @Test
    void theJsonWireFormatOffersNoSubprotocolAndWorks() throws Exception {
        TetherClient client = client(config().wireFormat(WireFormat.JSON));
        await(client.connect());

        assertThat(await(client.call("add", 2, 40))).isEqualTo(42);
        assertThat(events.awaitConnected().subprotocol()).isNull();
    }

    @Test
    void theConfigRefusesAConnectionWithItsOwnProtocol() {
        ConnectionConfig withProtocol = ConnectionConfig.builder()
                .uri("ws://127.0.0.1:1/")
                .protocol(new SessionProtocol() {})
                .build();

        assertThatThrownBy(() -> TetherClientConfig.builder().connection(withProtocol))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connection: has a session protocol (expected: none; the client brings webshocket.v1)");
    }
}
