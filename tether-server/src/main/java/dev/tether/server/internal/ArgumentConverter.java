package dev.tether.server.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.ValueMapper;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Converts one decoded argument to a parameter's type with the codecs' value mapper
 * ({@link ValueMapper#objectMapper()}), so {@code int} refuses {@code "12"} and {@code 1.5} as the wire model promises.
 * The common cases skip Jackson: a value that already has the wanted type, and whole numbers for {@code int},
 * {@code long} and {@code double}.
 */
final class ArgumentConverter {
    private static final ObjectMapper VALUES = ValueMapper.standard().objectMapper();

    final JavaType type;
    final String typeName;
    private final Class<?> raw;
    private final boolean passThrough;
    private final boolean scalar;
    private final boolean acceptsNull;

    /**
     * A converter for {@code type}; {@code acceptsNull} lets a {@code null} argument through (for {@code Object} and
     * parameters marked {@code @Nullable}), otherwise {@code null} is INVALID_PARAMS.
     */
    ArgumentConverter(Type type, boolean acceptsNull) {
        this.acceptsNull = acceptsNull;
        this.type = VALUES.constructType(type);
        this.raw = this.type.getRawClass();
        this.typeName = shortName(type);
        this.passThrough = !this.type.isContainerType() && !this.type.hasGenericTypes() && !raw.isPrimitive();
        this.scalar = raw.isPrimitive()
                || raw == String.class
                || Number.class.isAssignableFrom(raw)
                || raw == Boolean.class
                || raw == Character.class;
    }

    /**
     * Returns {@code value} as this parameter's type.
     *
     * @param where how to name the argument in a message, e.g. {@code add(a, b) argument 'a'}
     * @throws InvalidParams when it does not convert
     */
    @Nullable
    Object convert(@Nullable Object value, String where) {
        if (value == null) {
            if (raw.isPrimitive() || !acceptsNull) {
                throw new InvalidParams(where + ": null (expected: " + typeName
                        + (raw.isPrimitive() ? "" : "; a parameter marked @Nullable accepts null") + ")");
            }
            return null;
        }
        if (raw == Object.class || (passThrough && raw.isInstance(value))) {
            return value;
        }
        if ((raw == int.class || raw == Integer.class) && value instanceof Integer) {
            return value;
        }
        if ((raw == long.class || raw == Long.class) && (value instanceof Integer || value instanceof Long)) {
            return ((Number) value).longValue();
        }
        if ((raw == double.class || raw == Double.class)
                && (value instanceof Double || value instanceof Integer || value instanceof Long)) {
            return ((Number) value).doubleValue();
        }
        try {
            return VALUES.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            String detail = "";
            if (!scalar && e.getCause() instanceof JsonMappingException m) {
                detail = ": " + firstLine(m.getOriginalMessage());
            }
            throw new InvalidParams(where + ": " + show(value) + " (expected: " + typeName + detail + ")");
        }
    }

    /** A short form of an argument for messages: strings quoted, long values cut. */
    static String show(@Nullable Object value) {
        String text;
        if (value instanceof String s) {
            text = '"' + s + '"';
        } else if (value instanceof byte[] bytes) {
            text = "bytes[" + bytes.length + "]";
        } else {
            text = String.valueOf(value);
        }
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    /** {@code java.util.List<java.lang.Integer>} as {@code List<Integer>}; nested classes keep their outer name. */
    static String shortName(Type type) {
        return type.getTypeName().replaceAll("\\b[a-z][a-z0-9_]*\\.", "").replace('$', '.');
    }

    private static String firstLine(@Nullable String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
