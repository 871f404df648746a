package dev.tether.testing;

import dev.tether.core.Packet;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * RPC calls over a {@link TestWebSocketClient}, for tests of the server's built-in methods and Tether's extension:
 * a call waits for its own reply, and the packets that arrive before it (publications, presence events) are kept
 * in {@link #early()} in arrival order.
 */
public final class TestCalls {
    private final TestWebSocketClient client;
    private final List<Packet> early = new ArrayList<>();
    private final AtomicInteger callIds = new AtomicInteger();

    public TestCalls(TestWebSocketClient client) {
        this.client = client;
    }

    /** The client the calls go through. */
    public TestWebSocketClient client() {
        return client;
    }

    /** The packets that arrived while a call waited for its reply, oldest first; the caller may take them. */
    public List<Packet> early() {
        return early;
    }

    /** Calls {@code method} and returns its reply. */
    public RpcResponse call(String method, Map<String, Object> kwargs, Object... args) {
        String callId = "c" + callIds.incrementAndGet();
        client.sendPacket(Packet.rpc(new RpcRequest(method, List.of(args), kwargs, callId)));
        while (true) {
            Packet packet = client.awaitPacket();
            RpcResponse response = packet.response();
            if (response != null && response.callId().equals(callId)) {
                return response;
            }
            early.add(packet);
        }
    }

    /** Calls the built-in {@code subscribe} with Tether's extension and returns its reply, failing on an error. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> subscribe(String name, Map<String, Object> kwargs) {
        RpcResponse response = call("subscribe", kwargs, name);
        if (response.error() != null || !(response.response() instanceof Map<?, ?> reply)) {
            throw new AssertionError("subscribe(" + name + ", " + kwargs + ") failed: " + response);
        }
        return (Map<String, Object>) reply;
    }

    /** The keyword arguments of a subscription that recovers from {@code offset} of {@code epoch}. */
    public static Map<String, Object> since(long offset, String epoch) {
        Map<String, Object> since = new LinkedHashMap<>();
        since.put("offset", offset);
        since.put("epoch", epoch);
        return Map.of("since", since);
    }

    /** The offset of a positioned publication; fails for a packet without one. */
    public static long offsetOf(Packet packet) {
        Map<String, Object> extension = packet.extension();
        if (extension == null || !(extension.get("offset") instanceof Number offset)) {
            throw new AssertionError("not a positioned publication: " + packet);
        }
        return offset.longValue();
    }
}
