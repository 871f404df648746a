package dev.tether.core.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackExtensionType;
import org.msgpack.value.ValueType;

/**
 * Reads a packet from MessagePack with msgpack-core's {@link MessageUnpacker}, the streaming parser under Jackson's
 * {@code MessagePackParser}.
 *
 * <p>Why not Jackson's parser: it enforces no nesting limit, it allocates the length a header declares before
 * looking at the input (a 6-byte frame can ask for a 2 GiB array), it turns map keys into strings, and it decodes
 * invalid UTF-8 with replacement characters. Here every declared length is checked against the bytes that remain,
 * nesting stops at {@link JacksonMappers#MAX_NESTING_DEPTH}, keys keep their types, and invalid UTF-8 is rejected as
 * msgspec rejects it.
 */
final class MsgpackPacketReader extends PacketReader {
    private static final MessagePack.UnpackerConfig CONFIG = new MessagePack.UnpackerConfig();
    private static final byte TIMESTAMP_EXT = -1;
    private static final String[][] KNOWN_BY_LENGTH = byLength(
            "source",
            "data",
            "rpc",
            "channel",
            "timestamp",
            "correlation_id",
            "tether",
            "type",
            "request",
            "response",
            "method",
            "args",
            "kwargs",
            "call_id",
            "error",
            "is_stream",
            "is_end");

    private final MessageUnpacker unpacker;
    private final byte[] input;
    private final int offset;
    private final int length;
    private int envelopeEntries;
    private @Nullable CharsetDecoder utf8;

    MsgpackPacketReader(byte[] input, int offset, int length) {
        this.unpacker = CONFIG.newUnpacker(input, offset, length);
        this.input = input;
        this.offset = offset;
        this.length = length;
    }

    @Override
    boolean enterEnvelope() throws IOException, MalformedPacketException {
        if (!unpacker.hasNext() || unpacker.getNextFormat().getValueType() != ValueType.MAP) {
            return false;
        }
        envelopeEntries = mapHeader();
        return true;
    }

    @Override
    @Nullable
    Object nextKey() throws IOException, MalformedPacketException {
        if (envelopeEntries == 0) {
            return END;
        }
        envelopeEntries--;
        return key(2);
    }

    /** Reads a map key: a known name without building a string for it, anything else as a value. */
    private @Nullable Object key(int depth) throws IOException, MalformedPacketException {
        int at = offset + (int) unpacker.getTotalReadBytes();
        int end = offset + length;
        if (at < end && (input[at] & 0xE0) == 0xA0) { // a fixstr: 101xxxxx, its length in the low five bits
            int size = input[at] & 0x1F;
            String known = at + 1 + size <= end ? knownName(at + 1, size) : null;
            if (known != null) {
                unpacker.skipValue();
                return known;
            }
        }
        return readValue(depth);
    }

    @Override
    @Nullable
    Object readValue(int depth) throws IOException, MalformedPacketException {
        MessageFormat format = unpacker.getNextFormat();
        return switch (format.getValueType()) {
            case NIL -> {
                unpacker.unpackNil();
                yield null;
            }
            case BOOLEAN -> Boolean.valueOf(unpacker.unpackBoolean());
            case INTEGER -> integer(format);
            case FLOAT -> Double.valueOf(unpacker.unpackDouble());
            case STRING -> string(checkedLength(unpacker.unpackRawStringHeader()));
            case BINARY -> unpacker.readPayload(checkedLength(unpacker.unpackBinaryHeader()));
            case ARRAY -> array(depth);
            case MAP -> map(depth);
            case EXTENSION -> extension();
        };
    }

    private Object integer(MessageFormat format) throws IOException {
        if (format == MessageFormat.UINT64) {
            return smallest(unpacker.unpackBigInteger());
        }
        long v = unpacker.unpackLong();
        if (v == (int) v) {
            return (int) v;
        }
        return v;
    }

    private List<@Nullable Object> array(int depth) throws IOException, MalformedPacketException {
        checkDepth(depth);
        int size = unpacker.unpackArrayHeader();
        checkedLength(size); // every element takes at least one byte
        List<@Nullable Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(readValue(depth + 1));
        }
        return list;
    }

    private Map<@Nullable Object, @Nullable Object> map(int depth) throws IOException, MalformedPacketException {
        checkDepth(depth);
        int entries = mapHeader();
        Map<@Nullable Object, @Nullable Object> map = new LinkedHashMap<>(entries * 4 / 3 + 1);
        for (int i = 0; i < entries; i++) {
            Object key = key(depth + 1);
            map.put(key, readValue(depth + 1));
        }
        return map;
    }

    private Object extension() throws IOException, MalformedPacketException {
        ExtensionTypeHeader header = unpacker.unpackExtensionTypeHeader();
        checkedLength(header.getLength());
        if (header.getType() == TIMESTAMP_EXT) {
            return unpacker.unpackTimestamp(header);
        }
        return new MessagePackExtensionType(header.getType(), unpacker.readPayload(header.getLength()));
    }

    @Override
    void skipValue() throws IOException {
        unpacker.skipValue();
    }

    @Override
    boolean atEnd() throws IOException {
        return !unpacker.hasNext();
    }

    private int mapHeader() throws IOException, MalformedPacketException {
        int entries = unpacker.unpackMapHeader();
        if (entries > remaining() / 2) { // every entry takes at least two bytes
            throw MalformedPacketException.INSTANCE;
        }
        return entries;
    }

    private int checkedLength(int declared) throws MalformedPacketException {
        if (declared < 0 || declared > remaining()) {
            throw MalformedPacketException.INSTANCE;
        }
        return declared;
    }

    private long remaining() {
        return length - unpacker.getTotalReadBytes();
    }

    private String string(int byteLength) throws IOException, MalformedPacketException {
        int start = offset + (int) unpacker.getTotalReadBytes();
        unpacker.readPayloadAsReference(byteLength); // advances past the bytes without copying them
        int end = start + byteLength;
        for (int i = start; i < end; i++) {
            if (input[i] < 0) {
                return utf8(start, byteLength);
            }
        }
        String known = knownName(start, byteLength);
        if (known != null) {
            return known;
        }
        return new String(input, start, byteLength, StandardCharsets.ISO_8859_1); // all ASCII: the cheap path
    }

    /**
     * The shared instance of a key or tag every packet carries (the envelope's keys, the RPC map's keys and types)
     * when the bytes spell one, so that decoding a packet does not allocate a dozen identical strings.
     */
    private @Nullable String knownName(int start, int byteLength) {
        if (byteLength >= KNOWN_BY_LENGTH.length) {
            return null;
        }
        for (String name : KNOWN_BY_LENGTH[byteLength]) {
            if (sameAscii(name, start)) {
                return name;
            }
        }
        return null;
    }

    private boolean sameAscii(String name, int start) {
        for (int i = 0; i < name.length(); i++) {
            if (input[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String utf8(int start, int byteLength) throws MalformedPacketException {
        CharsetDecoder decoder = utf8;
        if (decoder == null) {
            decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input, unlike new String(...)
            utf8 = decoder;
        }
        try {
            return decoder.decode(ByteBuffer.wrap(input, start, byteLength)).toString();
        } catch (CharacterCodingException e) {
            throw MalformedPacketException.INSTANCE;
        }
    }

    private static String[][] byLength(String... names) {
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        List<List<String>> lists = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            lists.add(new ArrayList<>());
        }
        for (String name : names) {
            lists.get(name.length()).add(name);
        }
        String[][] table = new String[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            table[i] = lists.get(i).toArray(new String[0]);
        }
        return table;
    }

    private static Object smallest(BigInteger value) {
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }
}
