package dev.tether.core.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import dev.tether.core.RpcMessage;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * MessagePack encoding as it was before {@link MsgpackPacketWriter}: the whole packet through Jackson's MessagePack
 * generator, as JacksonPacketCodec wrote it at c2650d6 (its MessagePack half, unchanged). The writer must produce its
 * bytes, and its errors, for every packet this can encode.
 */
final class JacksonMsgpackReference {
    private static final ObjectMapper MAPPER = JacksonMappers.msgpack();

    private JacksonMsgpackReference() {}

    static byte[] encode(Packet packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonGenerator gen = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
            writePacket(gen, packet);
            gen.close();
        } catch (IllegalArgumentException e) {
            throw new EncodingException(
                    "packet: " + packet.source() + " (expected: values MSGPACK can hold: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new EncodingException("packet: " + packet.source() + " could not be written: " + e, e);
        }
        return out.toByteArray();
    }

    private static void writePacket(JsonGenerator gen, Packet packet) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName("source");
        gen.writeNumber(packet.source().code());
        gen.writeFieldName("data");
        writeValue(gen, "data", packet.data());
        gen.writeFieldName("rpc");
        writeRpc(gen, packet.rpc());
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
        gen.writeEndObject();
    }

    private static void writeRpc(JsonGenerator gen, @Nullable RpcMessage rpc) throws IOException {
        if (rpc instanceof RpcRequest request) {
            gen.writeStartObject();
            gen.writeStringField("type", "request");
            gen.writeStringField("method", request.method());
            gen.writeFieldName("args");
            writeValue(gen, "args", request.args());
            gen.writeFieldName("kwargs");
            writeValue(gen, "kwargs", request.kwargs());
            gen.writeStringField("call_id", request.callId());
            gen.writeEndObject();
        } else if (rpc instanceof RpcResponse response) {
            gen.writeStartObject();
            gen.writeStringField("type", "response");
            gen.writeStringField("call_id", response.callId());
            gen.writeFieldName("response");
            writeValue(gen, "response", response.response());
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

    private static void writeValue(JsonGenerator gen, String field, @Nullable Object value) throws IOException {
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
            gen.writeBinary(bytes);
        } else {
            try {
                MAPPER.writeValue(gen, value);
            } catch (JacksonException e) {
                throw JacksonPacketCodec.cannotWrite(field, value, e);
            }
        }
    }
}
