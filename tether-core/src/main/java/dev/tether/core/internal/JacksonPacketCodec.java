package dev.tether.core.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.RpcMessage;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import dev.tether.core.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@link PacketCodec} of both wire formats, on Jackson and msgpack-core.
 *
 * <p>MessagePack is written by {@link MsgpackPacketWriter} with msgpack-core's packer, Jackson serialising only the
 * payload values that are not plain data. JSON is written by hand with Jackson's streaming generator, so the keys
 * come out in the spec's order with nulls written, and the payload values ({@code data}, {@code args},
 * {@code kwargs}, {@code response}) go to the shared mapper; it streams through an 8 KB buffer into the caller's
 * stream. A MessagePack packet is packed whole before its first byte reaches the stream, so a value that cannot be
 * written leaves the stream untouched.
 *
 * <p>Decoding never throws for bad input: anything that is not a packet, for whatever reason, becomes an UNKNOWN
 * packet holding a copy of the input.
 */
public final class JacksonPacketCodec implements PacketCodec {
    private static final JacksonPacketCodec MSGPACK = new JacksonPacketCodec(WireFormat.MSGPACK);
    private static final JacksonPacketCodec JSON = new JacksonPacketCodec(WireFormat.JSON);

    private static final ObjectMapper JSON_MAPPER = JacksonMappers.json();
    private static final JsonFactory JSON_FACTORY = JSON_MAPPER.getFactory();
    private static final int MAX_PATH_CHARS = 80;

    private final WireFormat format;

    private JacksonPacketCodec(WireFormat format) {
        this.format = format;
    }

    /** The shared MessagePack codec. */
    public static JacksonPacketCodec msgpack() {
        return MSGPACK;
    }

    /** The shared JSON codec. */
    public static JacksonPacketCodec json() {
        return JSON;
    }

    @Override
    public WireFormat format() {
        return format;
    }

    @Override
    public void encode(Packet packet, OutputStream out) {
        try {
            if (format == WireFormat.MSGPACK) {
                MsgpackPacketWriter.write(packet, out);
            } else {
                JsonGenerator gen = JSON_FACTORY.createGenerator(out, JsonEncoding.UTF8);
                writePacket(gen, packet, JSON_MAPPER);
                // Only on success: closing writes what the generator holds. The stream stays open
                // (AUTO_CLOSE_TARGET is off); after a failure the generator is dropped, its buffers are garbage.
                gen.close();
            }
        } catch (IllegalArgumentException e) {
            throw cannotHold(packet, e);
        } catch (IOException e) {
            throw notWritten(packet, e);
        }
    }

    @Override
    public byte[] encode(Packet packet) {
        if (format == WireFormat.MSGPACK) {
            try {
                return MsgpackPacketWriter.toByteArray(packet);
            } catch (IllegalArgumentException e) {
                throw cannotHold(packet, e);
            } catch (IOException e) {
                throw notWritten(packet, e);
            }
        }
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        encode(packet, bytes);
        return bytes.toByteArray();
    }

    /**
     * A number MessagePack cannot hold (a BigInteger beyond 64 bits, a BigDecimal no double represents): the packer
     * finds it, and Jackson's MessagePack generator finds it only when it packs, after Jackson serialised the value.
     */
    private EncodingException cannotHold(Packet packet, IllegalArgumentException e) {
        return new EncodingException(
                "packet: " + packet.source() + " (expected: values " + format + " can hold: " + e.getMessage() + ")",
                e);
    }

    private static EncodingException notWritten(Packet packet, IOException e) {
        return new EncodingException("packet: " + packet.source() + " could not be written: " + e, e);
    }

    @Override
    public Packet decode(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IndexOutOfBoundsException(
                    "offset: " + offset + ", length: " + length + " (expected: within " + bytes.length + " bytes)");
        }
        try {
            if (format == WireFormat.MSGPACK) {
                return new MsgpackPacketReader(bytes, offset, length).read();
            }
            try (JsonParser parser = JSON_FACTORY.createParser(bytes, offset, length)) {
                return new JsonPacketReader(parser).read();
            }
        } catch (IOException | MalformedPacketException | RuntimeException notAPacket) {
            // RuntimeException too: msgpack-core reports bad input with unchecked exceptions (MessagePackException,
            // and DateTimeException for a timestamp out of range), and decoding must not throw.
            return Packet.unknown(Arrays.copyOfRange(bytes, offset, offset + length));
        }
    }

    /**
     * Writes the envelope with any Jackson generator, handing payload values to {@code mapper}: the JSON encoding,
     * and with a MessagePack generator and mapper the encoding MessagePack had before {@link MsgpackPacketWriter}
     * (which the tests compare it with).
     */
    static void writePacket(JsonGenerator gen, Packet packet, ObjectMapper mapper) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName("source");
        gen.writeNumber(packet.source().code());
        gen.writeFieldName("data");
        writeValue(gen, "data", packet.data(), mapper);
        gen.writeFieldName("rpc");
        writeRpc(gen, packet.rpc(), mapper);
        gen.writeFieldName("channel");
        writeString(gen, packet.channel());
        gen.writeFieldName("timestamp");
        Double timestamp = packet.timestamp();
        if (timestamp == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(timestamp.doubleValue());
        }
        gen.writeFieldName("correlation_id");
        writeString(gen, packet.correlationId());
        Map<String, Object> extension = packet.extension();
        if (extension != null) {
            gen.writeFieldName("tether");
            writeValue(gen, "tether", extension, mapper);
        }
        gen.writeEndObject();
    }

    private static void writeRpc(JsonGenerator gen, @Nullable RpcMessage rpc, ObjectMapper mapper) throws IOException {
        if (rpc instanceof RpcRequest request) {
            gen.writeStartObject();
            gen.writeStringField("type", "request");
            gen.writeStringField("method", request.method());
            gen.writeFieldName("args");
            writeValue(gen, "args", request.args(), mapper);
            gen.writeFieldName("kwargs");
            writeValue(gen, "kwargs", request.kwargs(), mapper);
            gen.writeStringField("call_id", request.callId());
            gen.writeEndObject();
        } else if (rpc instanceof RpcResponse response) {
            gen.writeStartObject();
            gen.writeStringField("type", "response");
            gen.writeStringField("call_id", response.callId());
            gen.writeFieldName("response");
            writeValue(gen, "response", response.response(), mapper);
            gen.writeFieldName("error");
            Integer error = response.error();
            if (error == null) {
                gen.writeNull();
            } else {
                gen.writeNumber(error.intValue());
            }
            gen.writeBooleanField("is_stream", response.isStream());
            gen.writeBooleanField("is_end", response.isEnd());
            gen.writeEndObject();
        } else {
            gen.writeNull();
        }
    }

    private static void writeString(JsonGenerator gen, @Nullable String value) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value);
        }
    }

    private static void writeValue(JsonGenerator gen, String field, @Nullable Object value, ObjectMapper mapper)
            throws IOException {
        // The common payloads skip the mapper's per-call setup; they come out exactly as the mapper writes them.
        if (value == null) {
            gen.writeNull();
        } else if (value instanceof String s) {
            gen.writeString(s);
        } else if (value instanceof Integer i) {
            gen.writeNumber(i.intValue());
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Long l) {
            gen.writeNumber(l.longValue());
        } else if (value instanceof byte[] bytes) {
            // Base64: what the mapper's ByteArraySerializer writes, without creating a serializer provider per call.
            gen.writeBinary(bytes);
        } else {
            try {
                mapper.writeValue(gen, value);
            } catch (JacksonException e) {
                throw cannotWrite(field, value, e);
            }
        }
    }

    /** A payload value Jackson failed to write: where in the packet (with Jackson's path), its type, and why. */
    static EncodingException cannotWrite(String field, Object value, Exception e) {
        Class<?> type = value.getClass();
        String where = field;
        String reason = e.getMessage();
        if (e instanceof JsonMappingException m) {
            reason = m.getOriginalMessage();
            int hint =
                    reason.indexOf(" (to avoid exception"); // advice for whoever configures the mapper: not the caller
            if (hint >= 0) {
                reason = reason.substring(0, hint);
            }
            where = field + path(m);
            if (where.length() > MAX_PATH_CHARS) {
                where = where.substring(0, MAX_PATH_CHARS) + "…";
            }
            if (m instanceof InvalidDefinitionException d && d.getType() != null) {
                type = d.getType().getRawClass();
            }
        }
        return new EncodingException(
                where + ": " + type.getName() + " (expected: a value Jackson can write: " + reason + ")", e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @Override
    public String toString() {
        return "PacketCodec(" + format + ")";
    }
}
