package dev.tether.core.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;
import org.msgpack.jackson.dataformat.MessagePackGenerator;
import org.msgpack.jackson.dataformat.MessagePackKeySerializer;
import org.msgpack.jackson.dataformat.TimestampExtensionModule;

/**
 * The three shared, configured Jackson mappers: MessagePack and JSON for the packet codecs, and one for converting
 * decoded values to Java types. Mappers are thread-safe once built; nothing reconfigures them afterwards.
 */
public final class JacksonMappers {
    /** How deep containers may nest in a packet (the packet's own map is depth 1). */
    public static final int MAX_NESTING_DEPTH = 512;

    private static final ObjectMapper MSGPACK = buildMsgpack();
    private static final ObjectMapper JSON = buildJson();
    private static final ObjectMapper VALUES = buildValues();

    private JacksonMappers() {}

    /** The mapper that writes MessagePack values. */
    public static ObjectMapper msgpack() {
        return MSGPACK;
    }

    /** The mapper that reads and writes JSON. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The mapper that converts decoded values to Java types. */
    public static ObjectMapper values() {
        return VALUES;
    }

    private static ObjectMapper buildMsgpack() {
        MessagePackFactory factory = new DepthLimitedMessagePackFactory();
        // The caller owns the stream (the server passes a Netty ByteBufOutputStream).
        factory.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        SimpleModule keys = new SimpleModule("tether-msgpack-keys");
        // Decoded maps keep a MessagePack peer's non-string keys as numbers or booleans; write them back as such
        // instead of as their toString(). Only these types: the msgpack key serializer cannot write others.
        MessagePackKeySerializer nativeKey = new MessagePackKeySerializer();
        for (Class<?> type : new Class<?>[] {
            Integer.class,
            Long.class,
            Short.class,
            Byte.class,
            BigInteger.class,
            Double.class,
            Float.class,
            Boolean.class
        }) {
            keys.addKeySerializer(type, nativeKey);
        }
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.registerModule(TimestampExtensionModule.INSTANCE);
        mapper.registerModule(keys);
        // A peer's nil key decodes as a null key (Python's None); write it back as nil, not fail.
        mapper.getSerializerProvider().setNullKeySerializer(nativeKey);
        return configure(mapper);
    }

    private static ObjectMapper buildJson() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                // Never write what no Tether peer would read (and a cyclic list fails instead of looping).
                .streamWriteConstraints(StreamWriteConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .build())
                // Python's json module writes NaN and Infinity; accept them when reading.
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // Interning names chosen by the network only fills the JVM's string table.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                // Characters outside the BMP as plain UTF-8, as msgspec writes them, not as escaped surrogate pairs.
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
                .addDecorator((f, generator) -> new NonFiniteAsNullGenerator(generator))
                .build();
        JsonMapper mapper =
                JsonMapper.builder(factory).addModule(instantAsText()).build();
        return configure(mapper);
    }

    private static ObjectMapper buildValues() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(instantAsText())
                // A parameter of type int does not silently accept "12" or 1.5, as msgspec would not.
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // Extra fields are ignored, as msgspec ignores them for dataclasses.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Nor does a String parameter take 5 or true: ALLOW_COERCION_OF_SCALARS leaves those to this.
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        return configure(mapper);
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        // The codec writes several values into one generator; flushing after each would write a JSON packet to
        // the stream in pieces.
        mapper.disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        return mapper;
    }

    /** JSON has no timestamp type; an {@link Instant} travels as its ISO-8601 text, as msgspec writes datetimes. */
    private static SimpleModule instantAsText() {
        SimpleModule module = new SimpleModule("tether-instant-text");
        module.addSerializer(Instant.class, new StdScalarSerializer<Instant>(Instant.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addDeserializer(Instant.class, new StdScalarDeserializer<Instant>(Instant.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT && p.getEmbeddedObject() instanceof Instant i) {
                    return i;
                }
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                    try {
                        return Instant.parse(p.getText());
                    } catch (DateTimeException e) {
                        return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(), e.getMessage());
                    }
                }
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
        });
        return module;
    }

    /**
     * A MessagePack generator of the shared mapper's configuration whose containers count their depth from
     * {@code depth} instead of 0, for a value that sits {@code depth} containers deep in a packet.
     *
     * @param shareThreadBuffer whether it packs through the 8 KB buffer msgpack-jackson keeps per thread (see
     *     {@link DepthLimitedMessagePackFactory}) or allocates one of its own, which costs more than the rest of a
     *     small value's serialisation but cannot be taken over by a generator created before this one closes
     */
    static JsonGenerator msgpackGenerator(OutputStream out, int depth, boolean shareThreadBuffer) throws IOException {
        return ((DepthLimitedMessagePackFactory) MSGPACK.getFactory()).createGenerator(out, depth, shareThreadBuffer);
    }

    /** The failure of a container {@code depth} deep, {@code depth} being beyond {@link #MAX_NESTING_DEPTH}. */
    static IllegalStateException nestingTooDeep(int depth) {
        return new IllegalStateException(
                "Document nesting depth (" + depth + ") exceeds the maximum allowed (" + MAX_NESTING_DEPTH + ")");
    }

    /** Makes {@link DepthLimitedGenerator}s, with MessagePackFactory's defaults otherwise. */
    private static final class DepthLimitedMessagePackFactory extends MessagePackFactory {
        private static final long serialVersionUID = 1L;
        private static final MessagePack.PackerConfig PACKER_CONFIG = new MessagePack.PackerConfig();

        @Override
        public JsonGenerator createGenerator(OutputStream out, JsonEncoding encoding) throws IOException {
            // reuseResourceInGenerator = true, the factory's default: each thread keeps one 8 KB output buffer
            // instead of allocating one per packet. The price, msgpack-jackson's: that buffer sits in a static
            // ThreadLocal of MessagePackGenerator, so a value whose serializer itself writes MessagePack through
            // msgpack-jackson on the same thread would redirect this packet's bytes. Payloads are plain data.
            return new DepthLimitedGenerator(_generatorFeatures, _objectCodec, out, PACKER_CONFIG, true, 0);
        }

        JsonGenerator createGenerator(OutputStream out, int depth, boolean shareThreadBuffer) throws IOException {
            return new DepthLimitedGenerator(
                    _generatorFeatures, _objectCodec, out, PACKER_CONFIG, shareThreadBuffer, depth);
        }
    }

    /**
     * Jackson's MessagePack generator checks no nesting depth (the JSON one does, through StreamWriteConstraints),
     * so a cyclic list would overflow the stack. This one stops at {@link #MAX_NESTING_DEPTH}, the reader's limit.
     */
    private static final class DepthLimitedGenerator extends MessagePackGenerator {
        private int depth;

        DepthLimitedGenerator(
                int features,
                ObjectCodec codec,
                OutputStream out,
                MessagePack.PackerConfig config,
                boolean reuseThreadBuffer,
                int depth)
                throws IOException {
            super(features, codec, out, config, reuseThreadBuffer, false);
            this.depth = depth;
        }

        @Override
        public void writeStartArray() {
            enter();
            super.writeStartArray();
        }

        @Override
        public void writeStartObject() {
            enter();
            super.writeStartObject();
        }

        @Override
        public void writeEndArray() throws IOException {
            depth--;
            super.writeEndArray();
        }

        @Override
        public void writeEndObject() throws IOException {
            depth--;
            super.writeEndObject();
        }

        private void enter() {
            if (++depth > MAX_NESTING_DEPTH) {
                // Unchecked because the overridden methods declare no IOException; Jackson's serializers wrap it
                // with the path to the value.
                throw nestingTooDeep(depth);
            }
        }
    }

    /**
     * Writes NaN and the infinities as {@code null}: JSON has no such numbers, browsers' {@code JSON.parse} rejects
     * Jackson's {@code NaN} token, and msgspec (the Python peer) writes {@code null} too.
     */
    private static final class NonFiniteAsNullGenerator extends JsonGeneratorDelegate {
        NonFiniteAsNullGenerator(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            if (Double.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }

        @Override
        public void writeNumber(float v) throws IOException {
            if (Float.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }

        @Override
        public void writeArray(double[] array, int offset, int length) throws IOException {
            // The delegate's own writeArray would bypass writeNumber above.
            writeStartArray(array, length);
            for (int i = offset, end = offset + length; i < end; i++) {
                writeNumber(array[i]);
            }
            writeEndArray();
        }
    }
}
