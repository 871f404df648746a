package dev.tether.server.internal;

import dev.tether.server.Rpc;
import dev.tether.server.RpcFunction;
import dev.tether.server.RpcOptions;
import dev.tether.server.RpcRegistry;
import dev.tether.server.Session;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The server's {@link RpcRegistry}: a concurrent map from the name clients call to the endpoint. Lookups are
 * lock-free; registrations are serialised so that "all or none" holds for a whole service.
 */
final class MethodTable implements RpcRegistry {
    private final Map<String, RpcEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Predicate<? super Session>> predicates;

    MethodTable(Map<String, Predicate<? super Session>> predicates) {
        this.predicates = Map.copyOf(predicates);
    }

    @Nullable
    RpcEndpoint lookup(String name) {
        return endpoints.get(name);
    }

    /** Registers the {@link Rpc} methods of {@code service}; none is fine (a handler need not expose any). */
    synchronized List<String> registerAll(Object service, boolean requireOne) {
        List<RpcEndpoint> found = new ArrayList<>();
        for (Method method : rpcMethods(service.getClass())) {
            found.add(RpcEndpoint.ofMethod(method, service, predicates));
        }
        if (found.isEmpty() && requireOne) {
            throw new IllegalArgumentException(
                    service.getClass().getName() + " has no @Rpc methods (expected: at least one)");
        }
        return add(found);
    }

    @Override
    public List<String> register(Object service) {
        return registerAll(service, true);
    }

    @Override
    public synchronized String register(Object service, String methodName) {
        List<Method> named = new ArrayList<>();
        Method plain = null;
        for (Class<?> c = service.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(methodName) && !m.isBridge() && !m.isSynthetic()) {
                    if (m.isAnnotationPresent(Rpc.class)) {
                        named.add(m);
                    } else if (plain == null) {
                        plain = m;
                    }
                }
            }
        }
        if (named.isEmpty()) {
            if (plain != null) {
                RpcEndpoint.ofMethod(plain, service, predicates); // throws: not annotated @Rpc
            }
            throw new IllegalArgumentException(service.getClass().getName() + "." + methodName
                    + " does not exist (expected: an @Rpc method of the object)");
        }
        if (named.size() > 1) {
            throw new IllegalArgumentException(service.getClass().getName() + "." + methodName
                    + " is overloaded (expected: one @Rpc method of that name; give each an alias)");
        }
        return add(List.of(RpcEndpoint.ofMethod(named.get(0), service, predicates)))
                .get(0);
    }

    @Override
    public synchronized void register(RpcOptions options, RpcFunction function) {
        add(List.of(RpcEndpoint.ofFunction(options, function, predicates)));
    }

    @Override
    public synchronized boolean unregister(String name) {
        return endpoints.remove(name) != null;
    }

    @Override
    public Set<String> names() {
        return Set.copyOf(endpoints.keySet());
    }

    private List<String> add(List<RpcEndpoint> found) {
        Map<String, RpcEndpoint> byName = new LinkedHashMap<>();
        for (RpcEndpoint e : found) {
            RpcEndpoint clash = byName.putIfAbsent(e.name, e);
            if (clash == null) {
                clash = endpoints.get(e.name);
            }
            if (clash != null) {
                throw new IllegalArgumentException("RPC method '" + e.name + "' of " + e.origin
                        + " is already registered by " + clash.origin + " (expected: a unique name; use an alias)");
            }
        }
        endpoints.putAll(byName);
        return List.copyOf(byName.keySet());
    }

    /**
     * The {@link Rpc} methods of {@code type} and its superclasses; an override hides what it overrides, so a
     * subclass can withdraw a method by overriding it without the annotation.
     */
    private static List<Method> rpcMethods(Class<?> type) {
        List<Method> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            Method[] methods = c.getDeclaredMethods();
            Arrays.sort(methods, (a, b) -> a.toString().compareTo(b.toString())); // stable order for messages
            for (Method m : methods) {
                if (m.isBridge() || m.isSynthetic()) {
                    continue;
                }
                String signature = m.getName() + Arrays.toString(m.getParameterTypes());
                if (seen.add(signature) && m.isAnnotationPresent(Rpc.class)) {
                    result.add(m);
                }
            }
        }
        return result;
    }
}
