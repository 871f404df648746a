package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.ClientType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's RPC methods and echo, called directly with a recording session (no sockets, no codecs). */
class DemoHandlerTest {
    private final DemoHandler handler = new DemoHandler();
    private final RecordingSession session = new RecordingSession(ClientType.GENERIC);

    @Test
    void echoReturnsItsPositionalArgument() {
        assertThat(result(call("echo", List.of("hello"), Map.of()))).isEqualTo("hello");
    }

    @Test
    void echoTakesItsArgumentByName() {
        assertThat(result(call("echo", List.of(), Map.of("value", List.of(1, 2)))))
                .isEqualTo(List.of(1, 2));
    }

    @Test
    void echoReturnsNull() {
        assertThat(result(call("echo", Arrays.asList((Object) null), Map.of()))).isNull();
    }

    @Test
    void resultCarriesTheCallIdAndDoesNotEndTheCall() {
        RpcResponse response = call("echo", List.of("x"), Map.of());

        assertThat(response.callId()).isEqualTo("call-1");
        assertThat(response.error()).isNull();
        assertThat(response.isStream()).isFalse();
        assertThat(response.isEnd()).isFalse();
    }

    @Test
    void addsIntegers() {
        assertThat(result(call("add", List.of(2, 40), Map.of()))).isEqualTo(42);
    }

    @Test
    void addsArgumentsGivenByName() {
        assertThat(result(call("add", List.of(), Map.of("a", 10, "b", 20)))).isEqualTo(30);
    }

    @Test
    void addsOnePositionalAndOneNamedArgument() {
        assertThat(result(call("add", List.of(10), Map.of("b", 20)))).isEqualTo(30);
    }

    @Test
    void addWidensToLongPastIntegerRange() {
        assertThat(result(call("add", List.of(Integer.MAX_VALUE, 1), Map.of())))
                .isEqualTo((long) Integer.MAX_VALUE + 1);
    }

    @Test
    void addIsExactForBigIntegers() {
        BigInteger big = BigInteger.TWO.pow(64);

        assertThat(result(call("add", List.of(big, Long.MAX_VALUE), Map.of())))
                .isEqualTo(big.add(BigInteger.valueOf(Long.MAX_VALUE)));
    }

    @Test
    void addNarrowsToTheSmallestIntegerType() {
        assertThat(result(call("add", List.of(BigInteger.TWO.pow(40), -(1L << 40)), Map.of())))
                .isEqualTo(0);
    }

    @Test
    void addsFloats() {
        assertThat(result(call("add", List.of(0.5, 0.25), Map.of()))).isEqualTo(0.75);
    }

    @Test
    void addsAnIntegerAndAFloat() {
        assertThat(result(call("add", List.of(1, 0.5), Map.of()))).isEqualTo(1.5);
    }

    @Test
    void addRejectsAStringWithInvalidParams() {
        RpcResponse response = call("add", List.of("x", 1), Map.of());

        assertError(response, RpcErrorCode.INVALID_PARAMS, "add(a, b) argument a: \"x\" (expected: a number)");
    }

    @Test
    void addRejectsABooleanWithInvalidParams() {
        RpcResponse response = call("add", List.of(1, true), Map.of());

        assertError(response, RpcErrorCode.INVALID_PARAMS, "add(a, b) argument b: true (expected: a number)");
    }

    @Test
    void missingArgumentIsInvalidParams() {
        assertError(
                call("add", List.of(1), Map.of()), RpcErrorCode.INVALID_PARAMS, "add(a, b) is missing argument 'b'");
    }

    @Test
    void tooManyArgumentsIsInvalidParams() {
        assertError(
                call("add", List.of(1, 2, 3), Map.of()),
                RpcErrorCode.INVALID_PARAMS,
                "add(a, b) takes 2 arguments (got 3 positional)");
    }

    @Test
    void unknownNamedArgumentIsInvalidParams() {
        assertError(
                call("echo", List.of(), Map.of("valu", 1)),
                RpcErrorCode.INVALID_PARAMS,
                "echo(value) has no argument named 'valu'");
    }

    @Test
    void argumentGivenTwiceIsInvalidParams() {
        assertError(
                call("add", List.of(1, 2), Map.of("a", 1)),
                RpcErrorCode.INVALID_PARAMS,
                "add(a, b) got argument 'a' twice (positional and by name)");
    }

    @Test
    void whoamiTakesNoArguments() {
        assertError(
                call("whoami", List.of(1), Map.of()),
                RpcErrorCode.INVALID_PARAMS,
                "whoami() takes 0 arguments (got 1 positional)");
    }

    @Test
    void whoamiReturnsTheSessionIdAndClientType() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("session_id", "00000000-0000-4000-8000-000000000001");
        expected.put("client_type", "GENERIC");

        assertThat(result(call("whoami", List.of(), Map.of()))).isEqualTo(expected);
    }

    @Test
    void whoamiNamesAFrameworkClient() {
        RecordingSession framework = new RecordingSession(ClientType.FRAMEWORK);
        handler.onPacket(framework, Packet.rpc(RpcRequest.of("whoami", "call-1")));

        assertThat(framework.onlySent().response().response())
                .isEqualTo(Map.of("session_id", framework.id().toString(), "client_type", "FRAMEWORK"));
    }

    @Test
    void unknownMethodIsMethodNotFoundAndEndsTheCall() {
        assertError(
                call("subtract", List.of(1, 2), Map.of()),
                RpcErrorCode.METHOD_NOT_FOUND,
                "RPC method 'subtract' not found.");
    }

    @Test
    void abortGetsNoReply() {
        handler.onPacket(session, Packet.rpc(RpcRequest.abort("call-0", "call-1")));

        assertThat(session.sent()).isEmpty();
    }

    @Test
    void rpcResponseFromTheClientGetsNoReply() {
        handler.onPacket(session, Packet.rpc(RpcResponse.result("call-1", 1)));

        assertThat(session.sent()).isEmpty();
    }

    @Test
    void customPacketIsEchoedAsCustom() {
        handler.onPacket(session, Packet.custom(Map.of("text", "hi")));

        assertThat(session.onlySent()).isEqualTo(Packet.custom(Map.of("text", "hi")));
    }

    @Test
    void channelPacketIsEchoedAsCustom() {
        handler.onPacket(session, Packet.channel("news", "headline"));

        assertThat(session.onlySent()).isEqualTo(Packet.custom("headline"));
    }

    @Test
    void undecodableInputIsEchoedAsCustomWithItsBytes() {
        byte[] raw = {'h', 'i'};
        handler.onPacket(session, Packet.unknown(raw));

        assertThat(session.onlySent().source()).isEqualTo(PacketSource.CUSTOM);
        assertThat(session.onlySent().data()).isSameAs(raw);
    }

    private RpcResponse call(String method, List<?> args, Map<String, ?> kwargs) {
        handler.onPacket(
                session,
                Packet.rpc(new RpcRequest(method, new ArrayList<>(args), new LinkedHashMap<>(kwargs), "call-1")));
        Packet reply = session.onlySent();
        assertThat(reply.source()).isEqualTo(PacketSource.RPC);
        assertThat(reply.response()).isNotNull();
        return reply.response();
    }

    private static Object result(RpcResponse response) {
        assertThat(response.error()).as("error of %s", response).isNull();
        return response.response();
    }

    private static void assertError(RpcResponse response, RpcErrorCode code, String message) {
        assertThat(response.errorCode()).isEqualTo(code);
        assertThat(response.response()).isEqualTo(message);
        assertThat(response.isEnd()).isTrue();
        assertThat(response.isStream()).isFalse();
    }
}
