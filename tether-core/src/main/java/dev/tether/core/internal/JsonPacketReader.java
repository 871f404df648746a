package dev.tether.core.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads a packet from JSON with Jackson's streaming parser, whose constraints also cap the nesting depth. */
final class JsonPacketReader extends PacketReader {
    private final JsonParser parser;

    JsonPacketReader(JsonParser parser) {
        this.parser = parser;
    }

    @Override
    boolean enterEnvelope() throws IOException {
        return parser.nextToken() == JsonToken.START_OBJECT;
    }

    @Override
    @Nullable
    Object nextKey() throws IOException, MalformedPacketException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.FIELD_NAME) {
            return parser.currentName();
        }
        if (token == JsonToken.END_OBJECT) {
            return END;
        }
        throw MalformedPacketException.INSTANCE;
    }

    @Override
    @Nullable
    Object readValue(int depth) throws IOException, MalformedPacketException {
        return value(parser.nextToken(), depth);
    }

    @Override
    void skipValue() throws IOException, MalformedPacketException {
        if (parser.nextToken() == null) {
            throw MalformedPacketException.INSTANCE;
        }
        parser.skipChildren();
    }

    @Override
    boolean atEnd() throws IOException {
        return parser.nextToken() == null;
    }

    private @Nullable Object value(@Nullable JsonToken token, int depth) throws IOException, MalformedPacketException {
        if (token == null) {
            throw MalformedPacketException.INSTANCE;
        }
        switch (token) {
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return switch (parser.getNumberType()) {
                    case INT -> parser.getIntValue();
                    case LONG -> parser.getLongValue();
                    default -> parser.getBigIntegerValue();
                };
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY:
                checkDepth(depth);
                List<@Nullable Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(t, depth + 1));
                }
                return list;
            case START_OBJECT:
                checkDepth(depth);
                Map<String, @Nullable Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    if (t != JsonToken.FIELD_NAME) {
                        throw MalformedPacketException.INSTANCE;
                    }
                    String key = parser.currentName();
                    map.put(key, value(parser.nextToken(), depth + 1));
                }
                return map;
            default:
                throw MalformedPacketException.INSTANCE;
        }
    }
}
