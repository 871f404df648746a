package dev.tether.client;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.NonBlocking;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A Tether server handler that answers RPC requests by hand, as the demo does until the dispatcher lands, and
 * records every request (aborts included) for the test to check.
 *
 * <ul>
 *   <li>{@code echo(value)}, {@code add(a, b)}; {@code greet(name, loud=false)} reads a keyword argument
 *   <li>{@code fail(code, message)}: an error reply with that code
 *   <li>{@code twice(value)}: the result, then a second reply with the same call id (as the Python server does)
 *   <li>{@code silent()}: never answers
 *   <li>{@code count(n)}: a stream of 1..n, then the end marker; {@code open(n)}: 1..n and no end
 *   <li>{@code join(name)}, {@code leave(name)}: subscribe and unsubscribe; {@code refuse(name)} always fails
 *   <li>{@code subscribe(name, **kwargs)}: subscribes and answers a boolean, ignoring the keyword arguments, as a
 *       server without Tether's extension does; not answered at all while {@link #answerSubscribe} is false (the
 *       test scripts the answer)
 * </ul>
 * A packet that is not RPC comes back as CUSTOM with the same data.
 */
@NonBlocking
class RpcTestHandler implements TetherHandler {
    final BlockingQueue<RpcRequest> requests = new ArrayBlockingQueue<>(4096);
    volatile boolean answerSubscribe = true;

    @Override
    public void onPacket(Session session, Packet packet) {
        RpcRequest request = packet.request();
        if (request == null) {
            if (packet.source() != PacketSource.RPC) {
                session.send(Packet.custom(packet.data()));
            }
            return;
        }
        requests.offer(request);
        String id = request.callId();
        List<@Nullable Object> args = request.args();
        switch (request.method()) {
            case RpcRequest.ABORT_METHOD, "silent" -> {}
            case "echo" -> reply(session, RpcResponse.result(id, args.get(0)));
            case "add" ->
                reply(
                        session,
                        RpcResponse.result(
                                id, ((Number) args.get(0)).longValue() + ((Number) args.get(1)).longValue()));
            case "greet" -> {
                Object loud = request.kwargs().getOrDefault("loud", false);
                String greeting = "hello " + args.get(0);
                reply(session, RpcResponse.result(id, Boolean.TRUE.equals(loud) ? greeting.toUpperCase() : greeting));
            }
            case "fail" -> {
                int code = ((Number) args.get(0)).intValue();
                reply(session, new RpcResponse(id, args.get(1), code, false, true));
            }
            case "twice" -> {
                reply(session, RpcResponse.result(id, args.get(0)));
                reply(session, new RpcResponse(id, null, null, false, false));
            }
            case "count", "open" -> {
                int n = ((Number) args.get(0)).intValue();
                for (int i = 1; i <= n; i++) {
                    reply(session, RpcResponse.streamItem(id, i));
                }
                if (request.method().equals("count")) {
                    reply(session, RpcResponse.streamEnd(id));
                }
            }
            case "join" -> reply(session, RpcResponse.result(id, session.subscribe((String) args.get(0))));
            case "leave" -> reply(session, RpcResponse.result(id, session.unsubscribe((String) args.get(0))));
            case "subscribe" -> {
                if (answerSubscribe) {
                    reply(session, RpcResponse.result(id, session.subscribe((String) args.get(0))));
                }
            }
            case "refuse" ->
                reply(
                        session,
                        RpcResponse.error(
                                id, RpcErrorCode.ACCESS_DENIED, "Access denied for RPC method 'refuse'.", false));
            default ->
                reply(
                        session,
                        RpcResponse.error(
                                id,
                                RpcErrorCode.METHOD_NOT_FOUND,
                                "RPC method '" + request.method() + "' not found.",
                                false));
        }
    }

    private static void reply(Session session, RpcResponse response) {
        session.send(Packet.rpc(response));
    }

    /** The next request of {@code method} (skipping others), waiting up to 10 s. */
    RpcRequest take(String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RpcRequest next = requests.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("no " + method + " request within 10 s");
            }
            if (next.method().equals(method)) {
                return next;
            }
        }
    }
}
