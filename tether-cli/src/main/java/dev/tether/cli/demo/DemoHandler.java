package dev.tether.cli.demo;

import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.NonBlocking;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's handler: three RPC methods in the webshocket style, and an echo for every other packet.
 *
 * <ul>
 *   <li>{@code echo(value)} returns {@code value}.
 *   <li>{@code add(a, b)} returns {@code a + b}: exact for integers of any size, a double when either is not an
 *       integer.
 *   <li>{@code whoami()} returns {@code {"session_id": …, "client_type": "GENERIC" or "FRAMEWORK"}}.
 * </ul>
 *
 * Arguments come positionally ({@code "args": [2, 40]}) or by name ({@code "kwargs": {"a": 2, "b": 40}}).
 * A packet that is not an RPC request comes back as a {@code CUSTOM} packet with the same data.
 *
 * <p>The handler keeps no state and never blocks, so it runs on the sessions' I/O threads.
 */
@NonBlocking
public final class DemoHandler implements TetherHandler {
    private static final Logger log = LoggerFactory.getLogger(DemoHandler.class);

    @Override
    public void onPacket(Session session, Packet packet) {
        RpcRequest request = packet.request();
        if (request != null) {
            if (!request.method().equals(RpcRequest.ABORT_METHOD)) {
                reply(session, InterimDispatcher.call(session, request));
            }
            // The demo has no streams, so an __abort__ has nothing to cancel; the protocol sends no reply to it.
        } else if (packet.source() == PacketSource.RPC) {
            log.debug("Session {}: ignoring an RPC response from the client", session.id());
        } else {
            session.send(Packet.custom(packet.data()));
        }
    }

    private static void reply(Session session, RpcResponse response) {
        try {
            session.send(Packet.rpc(response));
        } catch (EncodingException e) {
            session.send(Packet.rpc(RpcResponse.error(
                    response.callId(),
                    RpcErrorCode.INTERNAL_SERVER_ERROR,
                    "Server error (EncodingException): " + e.getMessage(),
                    false)));
        }
    }

    /**
     * INTERIM: dispatches the three demo methods by hand until Tether's RPC dispatcher lands; the RPC issue
     * replaces this class with {@code @Rpc} methods on the handler.
     */
    static final class InterimDispatcher {
        private InterimDispatcher() {}

        static RpcResponse call(Session session, RpcRequest request) {
            String callId = request.callId();
            try {
                return switch (request.method()) {
                    case "echo" ->
                        RpcResponse.result(callId, bind(request, "value").get(0));
                    case "add" -> {
                        List<@Nullable Object> ab = bind(request, "a", "b");
                        yield RpcResponse.result(callId, add(ab.get(0), ab.get(1)));
                    }
                    case "whoami" -> {
                        bind(request);
                        yield RpcResponse.result(callId, whoami(session));
                    }
                    default ->
                        RpcResponse.error(
                                callId,
                                RpcErrorCode.METHOD_NOT_FOUND,
                                "RPC method '" + request.method() + "' not found.",
                                false);
                };
            } catch (InvalidParams e) {
                return RpcResponse.error(callId, RpcErrorCode.INVALID_PARAMS, e.getMessage(), false);
            }
        }

        static Object add(@Nullable Object a, @Nullable Object b) throws InvalidParams {
            Number x = number("add(a, b)", "a", a);
            Number y = number("add(a, b)", "b", b);
            if (isInteger(x) && isInteger(y)) {
                return smallest(toBigInteger(x).add(toBigInteger(y)));
            }
            return x.doubleValue() + y.doubleValue();
        }

        static Map<String, Object> whoami(Session session) {
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("session_id", session.id().toString());
            me.put("client_type", session.clientType().name());
            return me;
        }

        /**
         * The arguments of {@code request} in the order of {@code names}: positional ones first, then keyword
         * ones by name; every name must get exactly one value.
         */
        static List<@Nullable Object> bind(RpcRequest request, String... names) throws InvalidParams {
            String signature = request.method() + "(" + String.join(", ", names) + ")";
            List<@Nullable Object> args = request.args();
            if (args.size() > names.length) {
                throw new InvalidParams(signature + " takes " + names.length + " argument"
                        + (names.length == 1 ? "" : "s") + " (got " + args.size() + " positional)");
            }
            List<@Nullable Object> bound = new ArrayList<>(args);
            for (String key : request.kwargs().keySet()) {
                int index = List.of(names).indexOf(key);
                if (index < 0) {
                    throw new InvalidParams(signature + " has no argument named '" + key + "'");
                }
                if (index < args.size()) {
                    throw new InvalidParams(signature + " got argument '" + key + "' twice (positional and by name)");
                }
            }
            for (int i = args.size(); i < names.length; i++) {
                if (!request.kwargs().containsKey(names[i])) {
                    throw new InvalidParams(signature + " is missing argument '" + names[i] + "'");
                }
                bound.add(request.kwargs().get(names[i]));
            }
            return bound;
        }

        private static Number number(String signature, String name, @Nullable Object value) throws InvalidParams {
            if (value instanceof Number n) {
                return n;
            }
            String shown = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
            throw new InvalidParams(signature + " argument " + name + ": " + shown + " (expected: a number)");
        }

        private static boolean isInteger(Number n) {
            return n instanceof Integer
                    || n instanceof Long
                    || n instanceof BigInteger
                    || n instanceof Short
                    || n instanceof Byte;
        }

        private static BigInteger toBigInteger(Number n) {
            return n instanceof BigInteger big ? big : BigInteger.valueOf(n.longValue());
        }

        /** The decoded-value model's type for an integer: the smallest of Integer, Long, BigInteger. */
        private static Number smallest(BigInteger n) {
            if (n.bitLength() < Integer.SIZE) {
                return n.intValue();
            }
            if (n.bitLength() < Long.SIZE) {
                return n.longValue();
            }
            return n;
        }
    }

    /** The arguments of a call do not fit the method; the message says what was expected. */
    static final class InvalidParams extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidParams(String message) {
            super(message, null, false, false);
        }

        @Override
        public String getMessage() {
            String message = super.getMessage();
            return message == null ? "" : message;
        }
    }
}
