package dev.tether.core.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.EncodingException;
import dev.tether.core.Packet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * MessagePack encoding as it was before {@link MsgpackPacketWriter}: the whole packet through Jackson's MessagePack
 * generator, with the envelope writer the JSON encoding still uses ({@link JacksonPacketCodec#writePacket}), as
 * JacksonPacketCodec wrote MessagePack at c2650d6. The writer must produce its
 * bytes, and its errors, for every packet this can encode.
 */
final class JacksonMsgpackReference {
    private static final ObjectMapper MAPPER = JacksonMappers.msgpack();

    private JacksonMsgpackReference() {}

    static byte[] encode(Packet packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            JsonGenerator gen = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
            JacksonPacketCodec.writePacket(gen, packet, MAPPER);
            gen.close();
        } catch (IllegalArgumentException e) {
            throw new EncodingException(
                    "packet: " + packet.source() + " (expected: values MSGPACK can hold: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new EncodingException("packet: " + packet.source() + " could not be written: " + e, e);
        }
        return out.toByteArray();
    }
}
