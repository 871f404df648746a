package dev.tether.core;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.util.ClassUtil;
import dev.tether.core.internal.JacksonMappers;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Converts decoded packet values (see {@link Packet} for the value model) to Java types, for example RPC arguments
 * to a method's parameter types.
 *
 * <p>Conversion follows Jackson's rules with the codecs' configuration: numbers to any numeric type they fit,
 * lists to lists, sets and arrays, maps to maps, records and POJOs (unknown properties are ignored, as msgspec
 * ignores them), strings to enums, {@code byte[]} from MessagePack {@code bin} or a base64 string (JSON),
 * {@link java.time.Instant} from a MessagePack timestamp or ISO-8601 text. It is stricter than Jackson's defaults
 * where a Python caller would not expect a change of meaning: {@code "12"} is not an {@code int}, {@code 1.5} is not
 * an {@code int}, and {@code null} is not a primitive.
 *
 * <p>A value that already is an instance of a plain class target is returned as it is. Thread-safe.
 */
public final class ValueMapper {
    private static final ValueMapper STANDARD = new ValueMapper(JacksonMappers.values());
    private static final int MAX_DESCRIBED_CHARS = 100;

    private final ObjectMapper mapper;

    private ValueMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Returns the shared mapper with the codecs' configuration. */
    public static ValueMapper standard() {
        return STANDARD;
    }

    /**
     * Returns the Jackson mapper behind this one, for code that converts with Jackson directly (its own
     * {@code JavaType}s, fast paths) and must agree with {@link #convert} on every other value.
     */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    /**
     * Returns {@code value} converted to {@code type}; {@code null} stays {@code null} unless {@code type} is
     * primitive. The result is cast to {@code T} unchecked: the caller picks {@code T} to match {@code type}.
     *
     * @throws ConversionException if the value does not fit, with a message such as
     *     {@code value: "abc" (expected: int)} or {@code value: {x=abc} (expected: Point, at x: int)}
     */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the caller states T through the type
    public <T> @Nullable T convert(@Nullable Object value, Type type) {
        JavaType target = mapper.getTypeFactory().constructType(type);
        if (value == null) {
            if (target.isPrimitive()) {
                throw failure(null, type, null);
            }
            return null;
        }
        if (type instanceof Class<?> c && (c.isPrimitive() ? ClassUtil.wrapperType(c) : c).isInstance(value)) {
            return (T) value;
        }
        try {
            return (T) mapper.convertValue(value, target);
        } catch (IllegalArgumentException e) {
            throw failure(value, type, e);
        }
    }

    private static ConversionException failure(@Nullable Object value, Type type, @Nullable Exception e) {
        StringBuilder message = new StringBuilder("value: ")
                .append(describe(value))
                .append(" (expected: ")
                .append(typeName(type));
        if (e != null
                && e.getCause() instanceof JsonMappingException m
                && !m.getPath().isEmpty()) {
            message.append(", at ").append(path(m));
            if (m instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
                message.append(": ").append(typeName(mismatch.getTargetType()));
            }
        }
        return new ConversionException(message.append(')').toString(), e);
    }

    private static String describe(@Nullable Object value) {
        String text;
        if (value instanceof String s) {
            text = '"' + s + '"';
        } else if (value instanceof byte[] bytes) {
            text = "byte[" + bytes.length + "]";
        } else {
            text = String.valueOf(value);
        }
        return text.length() <= MAX_DESCRIBED_CHARS ? text : text.substring(0, MAX_DESCRIBED_CHARS) + "…";
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            return c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            StringJoiner args = new StringJoiner(", ", typeName(p.getRawType()) + "<", ">");
            for (Type arg : p.getActualTypeArguments()) {
                args.add(typeName(arg));
            }
            return args.toString();
        }
        return type.getTypeName();
    }
}
