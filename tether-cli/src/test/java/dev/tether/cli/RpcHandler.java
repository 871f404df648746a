package dev.tether.cli;

import dev.tether.core.Packet;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.NonBlocking;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Answers RPC requests by hand until the server's dispatcher lands: {@code echo(value)}, {@code count(n)} (a
 * stream of 1..n), {@code join(name)} (recorded); any other method is not found.
 */
@NonBlocking
final class RpcHandler implements TetherHandler {
    final BlockingQueue<String> joins = new ArrayBlockingQueue<>(64);

    @Override
    public void onPacket(Session session, Packet packet) {
        RpcRequest request = packet.request();
        if (request == null) {
            return;
        }
        String id = request.callId();
        switch (request.method()) {
            case "echo" ->
                session.send(Packet.rpc(RpcResponse.result(id, request.args().get(0))));
            case "count" -> {
                int n = ((Number) request.args().get(0)).intValue();
                for (int i = 1; i <= n; i++) {
                    session.send(Packet.rpc(RpcResponse.streamItem(id, i)));
                }
                session.send(Packet.rpc(RpcResponse.streamEnd(id)));
            }
            case "join" -> {
                String channel = (String) request.args().get(0);
                session.send(Packet.rpc(RpcResponse.result(id, session.subscribe(channel))));
                joins.offer(channel);
            }
            default ->
                session.send(Packet.rpc(RpcResponse.error(
                        id, RpcErrorCode.METHOD_NOT_FOUND, "RPC method '" + request.method() + "' not found.", false)));
        }
    }
}
