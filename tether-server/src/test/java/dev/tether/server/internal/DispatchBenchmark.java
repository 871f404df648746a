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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The RPC dispatch path without sockets: decode the request packet, look the method up, bind the arguments,
 * invoke, encode the reply packet. {@code add(a, b)} is as small as a method gets, so what is measured is Tether.
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
    /** No method here takes the session, so nothing is asked of it; any call would be a change worth seeing. */
    private final Session session = (Session) Proxy.newProxyInstance(
            Session.class.getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException("the benchmark's session: " + method.getName());
            });

    private RpcDispatcher dispatcher;
    private byte[] jsonRequest;
    private byte[] msgpackRequest;

    @Setup
    public void setUp() {
        dispatcher = new RpcDispatcher(Map.of(), Clock.system(), 1024, () -> Runnable::run);
        dispatcher.registry().register(new Calc());
        Packet request = Packet.rpc(RpcRequest.of("add", "b7f3c2e0-1", 10, 20));
        jsonRequest = json.encode(request);
        msgpackRequest = msgpack.encode(request);
        // TODO(lead): real admission path. callNow is the test seam being deleted; wire this to the one path.
        RpcResponse check = dispatcher.callNow(session, request.request());
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
        RpcRequest request = codec.decode(bytes).request();
        // TODO(lead): real admission path. Keep the decode above and the encode below around whatever replaces it.
        RpcResponse response = dispatcher.callNow(session, request);
        return codec.encode(Packet.rpc(response));
    }
}
