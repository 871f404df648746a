package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.core.StreamPosition;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The keyword arguments of {@code subscribe} in Tether's extension: {@code positions}, {@code since} and
 * {@code join_leave} (docs/protocol.md). Anything else, or a value of the wrong shape, is INVALID_PARAMS naming it.
 */
record SubscribeOptions(boolean positions, @Nullable StreamPosition since, boolean joinLeave) {
    private static final String SIGNATURE = "subscribe(name, positions, since, join_leave)";

    static SubscribeOptions parse(String name, Map<String, @Nullable Object> kwargs) {
        boolean positions = false;
        StreamPosition since = null;
        boolean joinLeave = false;
        for (Map.Entry<String, @Nullable Object> entry : kwargs.entrySet()) {
            Object value = entry.getValue();
            switch (entry.getKey()) {
                case "positions" -> positions = flag("positions", value);
                case "join_leave" -> joinLeave = flag("join_leave", value);
                case "since" -> since = value == null ? null : position(value);
                default ->
                    throw new InvalidParams(SIGNATURE + " got an unexpected keyword argument '" + entry.getKey() + "'");
            }
        }
        if (ChannelPattern.isPattern(name)) {
            throw new InvalidParams(SIGNATURE + " argument 'name': \"" + name
                    + "\" (expected: a channel name for positions, since or join_leave)");
        }
        return new SubscribeOptions(positions || since != null, since, joinLeave);
    }

    private static boolean flag(String key, @Nullable Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new InvalidParams(SIGNATURE + " argument '" + key + "': " + shown(value) + " (expected: true or false)");
    }

    private static StreamPosition position(Object value) {
        if (value instanceof Map<?, ?> map
                && map.get("offset") instanceof Number offset
                && (offset instanceof Integer || offset instanceof Long)
                && offset.longValue() >= 0
                && map.get("epoch") instanceof String epoch
                && !epoch.isEmpty()) {
            return new StreamPosition(offset.longValue(), epoch);
        }
        throw new InvalidParams(SIGNATURE + " argument 'since': " + shown(value)
                + " (expected: {\"offset\": an integer >= 0, \"epoch\": a non-empty string})");
    }

    private static String shown(@Nullable Object value) {
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }
}
