package dev.tether.server.internal;

import dev.tether.core.RpcRequest;
import dev.tether.server.RpcCall;
import dev.tether.server.Session;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The {@link RpcCall} handed to a registered function. */
final class FunctionCall implements RpcCall {
    private static final ClassValue<ArgumentConverter> CONVERTERS = new ClassValue<>() {
        @Override
        protected ArgumentConverter computeValue(Class<?> type) {
            return new ArgumentConverter(type, type == Object.class);
        }
    };

    private final Session session;
    private final RpcRequest request;

    FunctionCall(Session session, RpcRequest request) {
        this.session = session;
        this.request = request;
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public String callId() {
        return request.callId();
    }

    @Override
    public List<@Nullable Object> args() {
        return request.args();
    }

    @Override
    public Map<String, @Nullable Object> kwargs() {
        return request.kwargs();
    }

    @Override
    public <T> T arg(int index, String name, Class<T> type) {
        String where = request.method() + " argument " + index + " ('" + name + "')";
        if (index < request.args().size()) {
            return convert(request.args().get(index), type, where);
        }
        if (request.kwargs().containsKey(name)) {
            return convert(request.kwargs().get(name), type, where);
        }
        throw missing(where, type);
    }

    @Override
    public <T> T arg(int index, Class<T> type) {
        String where = request.method() + " argument " + index;
        if (index < 0 || index >= request.args().size()) {
            throw missing(where, type);
        }
        return convert(request.args().get(index), type, where);
    }

    @Override
    public <T> T arg(String name, Class<T> type) {
        String where = request.method() + " argument '" + name + "'";
        if (!request.kwargs().containsKey(name)) {
            throw missing(where, type);
        }
        return convert(request.kwargs().get(name), type, where);
    }

    @SuppressWarnings({"unchecked", "NullAway"}) // boxes for primitive classes; null only for reference types
    private static <T> T convert(@Nullable Object value, Class<T> type, String where) {
        return (T) CONVERTERS.get(type).convert(value, where);
    }

    private static InvalidParams missing(String where, Class<?> type) {
        return new InvalidParams(where + " is missing (expected: " + ArgumentConverter.shortName(type) + ")");
    }
}
