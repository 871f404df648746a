package dev.tether.cli;

import dev.tether.server.Rpc;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The RPC methods the client commands are tested with: {@code echo(value)}, {@code count(n)}, {@code join(name)}. */
public final class RpcHandler implements TetherHandler {
    /** The channels joined, in order. */
    final BlockingQueue<String> joins = new ArrayBlockingQueue<>(64);

    @Rpc
    public Object echo(Object value) {
        return value;
    }

    /** Streams 1..n. */
    @Rpc
    public Stream<Integer> count(int n) {
        return IntStream.rangeClosed(1, n).boxed();
    }

    /** Subscribes the caller to {@code name} and records it. */
    @Rpc
    public boolean join(Session session, String name) {
        boolean joined = session.subscribe(name);
        joins.offer(name);
        return joined;
    }
}
