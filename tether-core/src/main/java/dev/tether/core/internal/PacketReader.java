package dev.tether.core.internal;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.core.RpcMessage;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Reads one packet from one input: walks the envelope map key by key with the format's streaming parser, reads the
 * six known keys as plain values and skips the others, then checks the values the way msgspec validates the Python
 * {@code Packet} struct. Subclasses supply the format; this class holds the rules both formats share.
 *
 * <p>Lenient where the spec says so (missing keys, unknown keys, int timestamps, absent request defaults), strict
 * where a wrong type would make the packet mean something else: any violation makes the whole input an UNKNOWN
 * packet, as a Python peer would treat it.
 */
abstract class PacketReader {
    /** Returned by {@link #nextKey()} after the envelope's last key. */
    static final Object END = new Object();

    /** Positions the reader inside the top-level map; false when the input does not start with a map. */
    abstract boolean enterEnvelope() throws IOException, MalformedPacketException;

    /** Reads the next key of the envelope, or returns {@link #END}. */
    abstract @Nullable Object nextKey() throws IOException, MalformedPacketException;

    /**
     * Reads the next value as the decoded value model (see {@link Packet}).
     *
     * @param depth the nesting depth the value would have as a container; the envelope's values have depth 2
     */
    abstract @Nullable Object readValue(int depth) throws IOException, MalformedPacketException;

    /** Skips the next value, however deep, without building it. */
    abstract void skipValue() throws IOException, MalformedPacketException;

    /** Whether the input ends right after the envelope. */
    abstract boolean atEnd() throws IOException, MalformedPacketException;

    /** Reads the packet, throwing when the input is not one. */
    final Packet read() throws IOException, MalformedPacketException {
        if (!enterEnvelope()) {
            throw MalformedPacketException.INSTANCE;
        }
        Object source = null;
        Object data = null;
        Object rpc = null;
        Object channel = null;
        Object timestamp = null;
        Object correlationId = null;
        Object extension = null;
        for (Object key = nextKey(); key != END; key = nextKey()) {
            if (!(key instanceof String name)) {
                skipValue();
                continue;
            }
            switch (name) {
                case "source" -> source = readValue(2);
                case "data" -> data = readValue(2);
                case "rpc" -> rpc = readValue(2);
                case "channel" -> channel = readValue(2);
                case "timestamp" -> timestamp = readValue(2);
                case "correlation_id" -> correlationId = readValue(2);
                case "tether" -> extension = readValue(2);
                default -> skipValue();
            }
        }
        if (!atEnd()) {
            throw MalformedPacketException.INSTANCE;
        }
        return new Packet(
                source(source),
                data,
                rpc == null ? null : rpc(rpc),
                optionalString(channel),
                timestamp(timestamp),
                optionalString(correlationId),
                extension(extension));
    }

    /** Tether's extension key: a map with string keys, or absent; anything else is not a packet. */
    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> extension(@Nullable Object value) throws MalformedPacketException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw MalformedPacketException.INSTANCE;
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw MalformedPacketException.INSTANCE;
            }
        }
        return (Map<String, Object>) map;
    }

    static void checkDepth(int depth) throws MalformedPacketException {
        if (depth > JacksonMappers.MAX_NESTING_DEPTH) {
            throw MalformedPacketException.INSTANCE;
        }
    }

    private static PacketSource source(@Nullable Object value) throws MalformedPacketException {
        PacketSource source = value instanceof Integer code ? PacketSource.fromCode(code) : null;
        if (source == null) {
            throw MalformedPacketException.INSTANCE;
        }
        return source;
    }

    private static @Nullable String optionalString(@Nullable Object value) throws MalformedPacketException {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw MalformedPacketException.INSTANCE;
    }

    private static @Nullable Double timestamp(@Nullable Object value) throws MalformedPacketException {
        if (value == null) {
            return null;
        }
        // The value model's numbers are Integer, Long, BigInteger and Double; msgspec accepts ints for floats.
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw MalformedPacketException.INSTANCE;
    }

    private static RpcMessage rpc(Object value) throws MalformedPacketException {
        if (!(value instanceof Map<?, ?> map)) {
            throw MalformedPacketException.INSTANCE;
        }
        Object type = map.get("type");
        if ("request".equals(type)) {
            return request(map);
        }
        if ("response".equals(type)) {
            return response(map);
        }
        throw MalformedPacketException.INSTANCE;
    }

    private static RpcRequest request(Map<?, ?> map) throws MalformedPacketException {
        if (!(map.get("method") instanceof String method)) {
            throw MalformedPacketException.INSTANCE;
        }
        Object args = map.get("args");
        Object kwargs = map.get("kwargs");
        Object callId = map.get("call_id");
        if ((args != null && !(args instanceof List)) || (kwargs != null && !(kwargs instanceof Map))) {
            throw MalformedPacketException.INSTANCE;
        }
        return new RpcRequest(
                method,
                args == null ? List.of() : castList(args),
                kwargs == null ? Map.of() : stringKeys((Map<?, ?>) kwargs),
                callId == null ? generatedCallId() : requireString(callId));
    }

    private static RpcResponse response(Map<?, ?> map) throws MalformedPacketException {
        String callId = requireString(map.get("call_id"));
        Object error = map.get("error");
        if (error != null && !(error instanceof Integer)) {
            throw MalformedPacketException.INSTANCE;
        }
        return new RpcResponse(
                callId, map.get("response"), (Integer) error, flag(map.get("is_stream")), flag(map.get("is_end")));
    }

    private static boolean flag(@Nullable Object value) throws MalformedPacketException {
        if (value == null) {
            return false; // a 0.5.0 peer sends no is_stream/is_end
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw MalformedPacketException.INSTANCE;
    }

    private static String requireString(@Nullable Object value) throws MalformedPacketException {
        if (value instanceof String s) {
            return s;
        }
        throw MalformedPacketException.INSTANCE;
    }

    @SuppressWarnings("unchecked") // the decoders build lists of plain values
    private static List<@Nullable Object> castList(Object list) {
        return (List<@Nullable Object>) list;
    }

    private static Map<String, @Nullable Object> stringKeys(Map<?, ?> map) throws MalformedPacketException {
        Map<String, @Nullable Object> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw MalformedPacketException.INSTANCE;
            }
            result.put(key, e.getValue());
        }
        return result;
    }

    /**
     * A call id for a request that came without one. It only has to be unique among one connection's calls, so a
     * random 128-bit id from the thread's generator is plenty; it is not a secret.
     */
    private static String generatedCallId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
