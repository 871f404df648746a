package dev.tether.core.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Packet;
import dev.tether.core.RpcMessage;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;

/**
 * Writes a packet as MessagePack with msgpack-core's {@link MessagePacker}: the envelope by hand, the common payload
 * values straight to the packer, and any other value through the shared MessagePack {@link ObjectMapper}.
 *
 * <p>Why not Jackson's MessagePack generator for everything: it collects a packet as a tree of nodes (it must know
 * each map's size before writing its header) and packs the tree when the envelope closes; that was 13 % of an echo
 * server's samples. Here the sizes come from the lists and maps themselves.
 *
 * <p>The bytes are the ones the generator wrote, byte for byte, because both end in the same {@code MessagePacker}
 * calls: integers ({@code Integer}, {@code Long}, {@code Short}, {@code Byte}, a {@code BigInteger} of up to 64 bits)
 * in their smallest form, {@code Double} as float64 and {@code Float} as float32 (Jackson's float serializer writes a
 * float, and the generator packs it as one), strings with str8, {@code byte[]} as bin. A list or map is written here
 * only if its elements are such values or containers themselves; one holding anything else (a record, a POJO, an
 * {@code Instant}, a non-string key) goes to Jackson whole, because Jackson writes a value in a container differently
 * than alone: a record with {@code @JsonTypeInfo} gets its type id alone and none as an element of a list. Only JDK
 * lists and maps qualify: a user's subclass may carry Jackson annotations.
 *
 * <p>A value for Jackson is written by a generator of its own into this packer, inside a one-element array whose
 * header is dropped: so the generator packs the value when it closes, as inside the envelope, and a number MessagePack
 * cannot hold fails with the same {@code IllegalArgumentException} as before, not one Jackson wraps. Failures inside
 * Jackson carry the path from the packet's field down, as when Jackson wrote the whole field.
 *
 * <p>Buffers: each thread keeps one writer whose packer writes into one growable array, and copies the packet to the
 * caller's stream when all of it is packed, so a failure leaves the stream untouched. An encode that grows the array
 * beyond {@link #MAX_RETAINED_CAPACITY} drops the writer afterwards, as does a failed one (its packer may hold a
 * stale buffer).
 *
 * <p>Re-entry: a value's serializer may encode a packet itself. That encode finds the thread's writer busy and uses a
 * writer of its own, whose Jackson generators also keep buffers of their own; the thread's writer lets its generators
 * share the buffer msgpack-jackson keeps per thread, because allocating 8 KB per value made a record payload 40 %
 * slower than before. So the inner encode cannot redirect the outer one's bytes. A serializer that writes MessagePack
 * through msgpack-jackson itself still can, as it could before this class (see {@link JacksonMappers}).
 */
final class MsgpackPacketWriter {
    static final int INITIAL_CAPACITY = 1024;
    static final int MAX_RETAINED_CAPACITY = 64 * 1024;

    private static final ObjectMapper MAPPER = JacksonMappers.msgpack();
    private static final MessagePack.PackerConfig CONFIG = new MessagePack.PackerConfig();
    private static final ThreadLocal<MsgpackPacketWriter> PER_THREAD = new ThreadLocal<>();
    private static final int MAX_DEPTH = JacksonMappers.MAX_NESTING_DEPTH;
    /** The header of a one-element array (a fixarray: one byte), what precedes a value written by Jackson. */
    private static final byte ONE_ELEMENT_ARRAY = packed(packer -> packer.packArrayHeader(1))[0];

    // Keys and fixed strings, packed once and copied in.
    private static final byte[] SOURCE = packed("source");
    private static final byte[] DATA = packed("data");
    private static final byte[] RPC = packed("rpc");
    private static final byte[] CHANNEL = packed("channel");
    private static final byte[] TIMESTAMP = packed("timestamp");
    private static final byte[] CORRELATION_ID = packed("correlation_id");
    private static final byte[] EXTENSION = packed("tether");
    private static final byte[] TYPE = packed("type");
    private static final byte[] REQUEST = packed("request");
    private static final byte[] RESPONSE = packed("response"); // the type and the key
    private static final byte[] METHOD = packed("method");
    private static final byte[] ARGS = packed("args");
    private static final byte[] KWARGS = packed("kwargs");
    private static final byte[] CALL_ID = packed("call_id");
    private static final byte[] ERROR = packed("error");
    private static final byte[] IS_STREAM = packed("is_stream");
    private static final byte[] IS_END = packed("is_end");

    private final GrowableOutput output = new GrowableOutput(INITIAL_CAPACITY);
    private final MessagePacker packer = CONFIG.newPacker(output);
    private final JacksonSink jacksonSink = new JacksonSink();
    private final boolean perThread;
    private boolean busy;
    private boolean packed;

    private MsgpackPacketWriter(boolean perThread) {
        this.perThread = perThread;
    }

    /** Packs {@code packet}, then writes its bytes to {@code out}. */
    static void write(Packet packet, OutputStream out) throws IOException {
        MsgpackPacketWriter writer = acquire();
        try {
            writer.pack(packet);
            writer.output.writeTo(out);
        } finally {
            writer.release();
        }
    }

    /** Packs {@code packet} and returns its bytes. */
    static byte[] toByteArray(Packet packet) throws IOException {
        MsgpackPacketWriter writer = acquire();
        try {
            writer.pack(packet);
            return writer.output.toByteArray();
        } finally {
            writer.release();
        }
    }

    /** The capacity of the buffer this thread keeps between encodes, 0 when it keeps none (for tests). */
    static int retainedCapacity() {
        MsgpackPacketWriter writer = PER_THREAD.get();
        return writer == null ? 0 : writer.output.capacity();
    }

    private static MsgpackPacketWriter acquire() {
        MsgpackPacketWriter writer = PER_THREAD.get();
        if (writer == null) {
            writer = new MsgpackPacketWriter(true);
            PER_THREAD.set(writer);
        } else if (writer.busy) {
            // Re-entered from a value's serializer: the thread's writer holds the outer packet.
            return new MsgpackPacketWriter(false);
        }
        writer.busy = true;
        return writer;
    }

    private void release() {
        if (!perThread) {
            return;
        }
        busy = false;
        if (!packed || output.capacity() > MAX_RETAINED_CAPACITY) {
            PER_THREAD.remove();
        }
    }

    private void pack(Packet packet) throws IOException {
        packed = false;
        output.clear();
        Map<String, Object> extension = packet.extension();
        packer.packMapHeader(extension == null ? 6 : 7);
        packer.writePayload(SOURCE);
        packer.packInt(packet.source().code());
        packer.writePayload(DATA);
        packField("data", packet.data(), 2);
        packer.writePayload(RPC);
        packRpc(packet.rpc());
        packer.writePayload(CHANNEL);
        packNullableString(packet.channel());
        packer.writePayload(TIMESTAMP);
        Double timestamp = packet.timestamp();
        if (timestamp == null) {
            packer.packNil();
        } else {
            packer.packDouble(timestamp);
        }
        packer.writePayload(CORRELATION_ID);
        packNullableString(packet.correlationId());
        if (extension != null) {
            packer.writePayload(EXTENSION);
            packField("tether", extension, 2);
        }
        packer.flush(); // hands the packer's last bytes to the output
        packed = true;
    }

    private void packRpc(@Nullable RpcMessage rpc) throws IOException {
        if (rpc instanceof RpcRequest request) {
            packer.packMapHeader(5);
            packer.writePayload(TYPE);
            packer.writePayload(REQUEST);
            packer.writePayload(METHOD);
            packer.packString(request.method());
            packer.writePayload(ARGS);
            packField("args", request.args(), 3);
            packer.writePayload(KWARGS);
            packField("kwargs", request.kwargs(), 3);
            packer.writePayload(CALL_ID);
            packer.packString(request.callId());
        } else if (rpc instanceof RpcResponse response) {
            packer.packMapHeader(6);
            packer.writePayload(TYPE);
            packer.writePayload(RESPONSE);
            packer.writePayload(CALL_ID);
            packer.packString(response.callId());
            packer.writePayload(RESPONSE);
            packField("response", response.response(), 3);
            packer.writePayload(ERROR);
            Integer error = response.error();
            if (error == null) {
                packer.packNil();
            } else {
                packer.packInt(error);
            }
            packer.writePayload(IS_STREAM);
            packer.packBoolean(response.isStream());
            packer.writePayload(IS_END);
            packer.packBoolean(response.isEnd());
        } else {
            packer.packNil();
        }
    }

    private void packNullableString(@Nullable String value) throws IOException {
        if (value == null) {
            packer.packNil();
        } else {
            packer.packString(value);
        }
    }

    /** Packs the payload {@code field}, whose containers start at {@code depth}. */
    private void packField(String field, @Nullable Object value, int depth) throws IOException {
        if (value == null) {
            packer.packNil();
            return;
        }
        try {
            packValue(value, depth);
        } catch (JacksonException e) {
            throw JacksonPacketCodec.cannotWrite(field, value, e);
        }
    }

    private void packValue(@Nullable Object value, int depth) throws IOException {
        if (value == null) {
            packer.packNil();
        } else if (value instanceof String s) {
            packer.packString(s);
        } else if (value instanceof Integer i) {
            packer.packInt(i);
        } else if (value instanceof Long l) {
            packer.packLong(l);
        } else if (value instanceof byte[] bytes) {
            packer.packBinaryHeader(bytes.length);
            packer.writePayload(bytes);
        } else if (value instanceof Boolean b) {
            packer.packBoolean(b);
        } else if (value instanceof Double d) {
            packer.packDouble(d);
        } else if (value instanceof List<?> list && isJdk(list)) {
            packList(list, depth);
        } else if (value instanceof Map<?, ?> map && isJdk(map)) {
            packMap(map, depth);
        } else if (value instanceof Object[] array) {
            packArray(array, depth);
        } else if (value instanceof Float f) {
            packer.packFloat(f);
        } else if (value instanceof Short s) {
            packer.packInt(s); // Jackson writes shorts and bytes as ints
        } else if (value instanceof Byte b) {
            packer.packInt(b);
        } else if (value instanceof BigInteger i) {
            packer.packBigInteger(i); // beyond 64 bits: IllegalArgumentException, as from the generator
        } else {
            packWithJackson(value, depth);
        }
    }

    private void packList(List<?> list, int depth) throws IOException {
        checkDepth(depth);
        for (Object element : list) {
            if (!packable(element)) {
                packWithJackson(list, depth);
                return;
            }
        }
        packer.packArrayHeader(list.size());
        int index = 0;
        for (Object element : list) {
            try {
                packValue(element, depth + 1);
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, list, index);
            }
            index++;
        }
    }

    private void packArray(Object[] array, int depth) throws IOException {
        checkDepth(depth);
        for (Object element : array) {
            if (!packable(element)) {
                packWithJackson(array, depth);
                return;
            }
        }
        packer.packArrayHeader(array.length);
        for (int i = 0; i < array.length; i++) {
            try {
                packValue(array[i], depth + 1);
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, array, i);
            }
        }
    }

    private void packMap(Map<?, ?> map, int depth) throws IOException {
        checkDepth(depth);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!decodedKey(entry.getKey()) || !packable(entry.getValue())) {
                packWithJackson(map, depth);
                return;
            }
        }
        packer.packMapHeader(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            try {
                packValue(key, depth + 1);
                packValue(entry.getValue(), depth + 1);
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, map, String.valueOf(key));
            }
        }
    }

    /**
     * Whether {@code key} is of a type a decoded map key has (Packet's value model), packed here as the value it is.
     * Jackson would write a {@code bin}, timestamp, extension or container key as text, so a map a peer sent would
     * not go back as it came; other keys (an application's enum, say) keep Jackson's key rules.
     */
    private static boolean decodedKey(@Nullable Object key) {
        return packable(key);
    }

    /** Fails as the generator did when a container starts too deep; the enclosing container adds the path. */
    private static void checkDepth(int depth) throws JsonMappingException {
        if (depth > MAX_DEPTH) {
            IllegalStateException tooDeep = JacksonMappers.nestingTooDeep(depth);
            throw new JsonMappingException(null, tooDeep.getMessage(), tooDeep);
        }
    }

    /** Whether {@link #packValue} writes {@code value} itself, if a container then at least its header. */
    private static boolean packable(@Nullable Object value) {
        return value == null
                || value instanceof String
                || value instanceof Integer
                || value instanceof Long
                || value instanceof byte[]
                || value instanceof Boolean
                || value instanceof Double
                || ((value instanceof List<?> || value instanceof Map<?, ?>) && isJdk(value))
                || value instanceof Object[]
                || value instanceof Float
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger
                // Jackson packs these two alone; beside them a container's other values and keys stay packed here.
                || value instanceof Instant
                || value instanceof MessagePackExtensionType;
    }

    /** Whether the class of {@code value} is the JDK's (loaded by the bootstrap loader), so it has no annotations. */
    private static boolean isJdk(Object value) {
        return value.getClass().getClassLoader() == null;
    }

    /** Packs {@code value} as the shared mapper writes it when it sits {@code depth} containers deep. */
    private void packWithJackson(Object value, int depth) throws IOException {
        // The wrapping array sits at depth - 1, so the value's own containers count from depth as in the envelope.
        JsonGenerator generator = JacksonMappers.msgpackGenerator(jacksonSink, depth - 2, perThread);
        jacksonSink.start();
        try {
            generator.writeStartArray();
            MAPPER.writeValue(generator, value);
            generator.writeEndArray();
            generator.close(); // packs the value into this packer, or throws IllegalArgumentException for a number
        } finally {
            jacksonSink.stop();
        }
        if (!jacksonSink.headerSeen) {
            throw new JsonMappingException(
                    generator,
                    "its bytes went to another stream: a serializer wrote MessagePack through msgpack-jackson");
        }
        if (!jacksonSink.headerValid) {
            throw new JsonMappingException(
                    generator, "the serializer of " + value.getClass().getName() + " did not write exactly one value");
        }
    }

    private interface Packing {
        void packInto(MessagePacker packer) throws IOException;
    }

    private static byte[] packed(String s) {
        return packed(packer -> packer.packString(s));
    }

    private static byte[] packed(Packing packing) {
        GrowableOutput out = new GrowableOutput(32);
        MessagePacker packer = CONFIG.newPacker(out);
        try {
            packing.packInto(packer);
            packer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // GrowableOutput does not throw
        }
        return out.toByteArray();
    }

    /**
     * Receives what a Jackson generator packs: checks and drops the one-element array's header, packs the rest. Bytes
     * that arrive outside {@link #packWithJackson} (a generator that took the shared buffer over) are dropped.
     */
    private final class JacksonSink extends OutputStream {
        private boolean active;
        private boolean headerSeen;
        private boolean headerValid;

        void start() {
            active = true;
            headerSeen = false;
            headerValid = false;
        }

        void stop() {
            active = false;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!active || len == 0) {
                return;
            }
            if (!headerSeen) {
                headerSeen = true;
                headerValid = b[off] == ONE_ELEMENT_ARRAY;
                off++;
                len--;
            }
            if (headerValid) {
                packer.writePayload(b, off, len);
            }
        }
    }

    /**
     * The packer's output: one array that grows, handed to the packer piece by piece.
     *
     * <p>Why not msgpack-core's {@code ArrayBufferOutput}: it keeps slicing its last buffer and allocates a new 8 KB
     * one whenever the rest runs short, so a thread keeps allocating, and it cannot tell how big what it retains is.
     */
    private static final class GrowableOutput implements MessageBufferOutput {
        /** Room left after a large payload for what follows it (the envelope's last keys), so it needs no doubling. */
        private static final int HEADROOM = 1024;

        private byte[] bytes;
        private MessageBuffer whole;
        private int size;

        GrowableOutput(int capacity) {
            bytes = new byte[capacity];
            whole = MessageBuffer.wrap(bytes);
        }

        void clear() {
            size = 0;
        }

        int capacity() {
            return bytes.length;
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(bytes, 0, size);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        @Override
        public MessageBuffer next(int minimumSize) {
            // The packer writes from the start of the buffer it gets, and hands it back (writeBuffer) before it asks
            // for the next: what it gets is the unused rest of the array.
            if (bytes.length - size < minimumSize) {
                grow(minimumSize);
            }
            return size == 0 ? whole : MessageBuffer.wrap(bytes, size, bytes.length - size);
        }

        @Override
        public void writeBuffer(int length) {
            size += length;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            if (bytes.length - size < length) {
                grow(length);
            }
            System.arraycopy(buffer, offset, bytes, size, length);
            size += length;
        }

        @Override
        public void add(byte[] buffer, int offset, int length) {
            write(buffer, offset, length); // a copy: the caller may reuse its array
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        private void grow(int minimumFree) {
            int capacity = Math.max(bytes.length * 2, Math.addExact(size, minimumFree) + HEADROOM);
            bytes = Arrays.copyOf(bytes, capacity);
            whole = MessageBuffer.wrap(bytes);
        }
    }
}
