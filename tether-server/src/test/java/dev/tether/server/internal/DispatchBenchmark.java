package dev.tether.server.internal;

import dev.tether.core.Clock;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.server.Rpc;
import dev.tether.server.Session;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The RPC dispatch path without sockets: decode the request packet, make a connection's checks (lookup,
 * permission, rate limit, slot) on the one admission path ({@link SessionCalls}, as a connection does), bind the
 * arguments, invoke, encode the reply packet. {@code add(a, b)} is as small as a method gets, so what is measured is
 * Tether.
 *
 * <p>In tether-server's test tree because it reaches into {@code internal}; run it as {@code docs/benchmarks.md}
 * says ({@code bench/jmh-server.sh Dispatch}). Surefire does not run it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {

    /** The service under test. */
    public static final class Calc {
        @Rpc
        public int add(int a, int b) {
            return a + b;
        }
    }

    private final PacketCodec json = PacketCodecs.json();
    private final PacketCodec msgpack = PacketCodecs.msgpack();
    /** Takes the reply of the call; nothing else is asked of it by {@code add}, and anything else would throw. */
    private final Session session = (Session) Proxy.newProxyInstance(
            Session.class.getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
                if (method.getName().equals("send")) {
                    this.reply = (Packet) args[0];
                    return true;
                }
                throw new UnsupportedOperationException("the benchmark's session: " + method.getName());
            });

    private RpcDispatcher dispatcher;
    private Consumer<RpcRequest> calls;
    private Packet reply;
    private byte[] jsonRequest;
    private byte[] msgpackRequest;

    @Setup
    public void setUp() {
        WorkerTasks direct = new WorkerTasks(Runnable::run, 1024, Clock.system());
        dispatcher = new RpcDispatcher(Map.of(), Clock.system(), 1024, () -> direct);
        dispatcher.registry().register(new Calc());
        Packet request = Packet.rpc(RpcRequest.of("add", "b7f3c2e0-1", 10, 20));
        jsonRequest = json.encode(request);
        msgpackRequest = msgpack.encode(request);
        calls = dispatcher.calls(session);
        calls.accept(request.request());
        RpcResponse check = reply.response();
        if (!Integer.valueOf(30).equals(check.response())) {
            throw new IllegalStateException("add(10, 20) answered " + check);
        }
    }

    @Benchmark
    public byte[] dispatchJson() {
        return dispatch(json, jsonRequest);
    }

    @Benchmark
    public byte[] dispatchMsgpack() {
        return dispatch(msgpack, msgpackRequest);
    }

    private byte[] dispatch(PacketCodec codec, byte[] bytes) {
        calls.accept(codec.decode(bytes).request()); // the direct executor runs the call before accept returns
        return codec.encode(reply);
    }
}
