package dev.tether.server.internal;

import dev.tether.core.RpcRequest;
import dev.tether.server.Session;
import dev.tether.server.TetherServer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Binds a request's arguments to a method's parameters: the calling {@link Session} first if the method takes it,
 * then {@code args} by position, then {@code kwargs} by parameter name (compiled with {@code -parameters}). Every
 * check that does not depend on a call is made once, when the method is registered.
 */
final class ArgumentBinder {
    private final boolean takesSession;
    private final String[] names;
    private final ArgumentConverter[] converters;
    private final String signature;
    /** How a message names each argument, made once: {@code add(a, b) argument 'a'}. */
    private final String[] argumentNames;

    private ArgumentBinder(boolean takesSession, String[] names, ArgumentConverter[] converters, String signature) {
        this.takesSession = takesSession;
        this.names = names;
        this.converters = converters;
        this.signature = signature;
        this.argumentNames = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            argumentNames[i] = signature + " argument '" + names[i] + "'";
        }
    }

    /**
     * A binder for {@code method}, exposed as {@code rpcName}.
     *
     * @throws IllegalArgumentException when a parameter cannot be bound
     */
    static ArgumentBinder of(Method method, String rpcName) {
        Parameter[] params = method.getParameters();
        Type[] types = method.getGenericParameterTypes();
        int first = params.length > 0 && params[0].getType() == Session.class ? 1 : 0;
        String[] names = new String[params.length - first];
        ArgumentConverter[] converters = new ArgumentConverter[params.length - first];
        for (int i = first; i < params.length; i++) {
            Parameter p = params[i];
            if (!p.isNamePresent()) {
                throw new IllegalArgumentException(describe(method) + ": parameter names are missing"
                        + " (expected: the class compiled with javac -parameters, so keyword arguments can bind)");
            }
            checkBindable(method, p, types[i]);
            names[i - first] = p.getName();
            converters[i - first] = new ArgumentConverter(types[i], p.getType() == Object.class || markedNullable(p));
        }
        return new ArgumentBinder(first == 1, names, converters, rpcName + "(" + String.join(", ", names) + ")");
    }

    /** Whether the parameter carries a {@code @Nullable} annotation, whichever library's (JSpecify, JSR 305, ...). */
    private static boolean markedNullable(Parameter p) {
        for (java.lang.annotation.Annotation a : p.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        for (java.lang.annotation.Annotation a : p.getAnnotatedType().getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    private static void checkBindable(Method method, Parameter p, Type type) {
        Class<?> raw = p.getType();
        String where = describe(method) + " parameter '" + p.getName() + "'";
        if (raw == Session.class) {
            throw new IllegalArgumentException(
                    where + ": Session (expected: the calling Session as the first parameter only)");
        }
        if (raw == TetherServer.class || raw == Void.class || raw == void.class) {
            throw new IllegalArgumentException(where + ": " + raw.getName() + " (expected: a value a client can send)");
        }
        if (containsTypeVariable(type)) {
            throw new IllegalArgumentException(where + ": " + type.getTypeName()
                    + " (expected: a concrete type; a type variable cannot be converted to)");
        }
        boolean abstractType = raw.isInterface() || Modifier.isAbstract(raw.getModifiers());
        boolean convertible = !abstractType
                || raw.isPrimitive()
                || raw.isArray()
                || raw == Object.class
                || raw == Number.class
                || raw == CharSequence.class
                || Collection.class.isAssignableFrom(raw)
                || Map.class.isAssignableFrom(raw)
                || raw == Iterable.class;
        if (!convertible) {
            throw new IllegalArgumentException(where + ": " + type.getTypeName()
                    + " (expected: a value type: a primitive, String, List, Map, array, enum, record or POJO;"
                    + " not an interface or abstract class)");
        }
    }

    private static boolean containsTypeVariable(Type type) {
        if (type instanceof TypeVariable<?>) {
            return true;
        }
        if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                if (containsTypeVariable(bound)) {
                    return true;
                }
            }
            return false;
        }
        if (type instanceof java.lang.reflect.ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                if (containsTypeVariable(arg)) {
                    return true;
                }
            }
            return false;
        }
        if (type instanceof java.lang.reflect.GenericArrayType a) {
            return containsTypeVariable(a.getGenericComponentType());
        }
        return false;
    }

    static String describe(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    /** The Java arguments for one call. */
    @Nullable
    Object[] bind(Session session, RpcRequest request) {
        List<@Nullable Object> args = request.args();
        Map<String, @Nullable Object> kwargs = request.kwargs();
        int n = names.length;
        if (args.size() > n) {
            throw new InvalidParams(signature + " takes " + n + " argument" + (n == 1 ? "" : "s") + " (got "
                    + args.size() + " positional)");
        }
        if (!kwargs.isEmpty()) {
            for (String key : kwargs.keySet()) {
                int index = indexOf(key);
                if (index < 0) {
                    throw new InvalidParams(signature + " has no argument named '" + key + "'");
                }
                if (index < args.size()) {
                    throw new InvalidParams(signature + " got argument '" + key + "' twice (positional and by name)");
                }
            }
        }
        int offset = takesSession ? 1 : 0;
        @Nullable Object[] bound = new Object[n + offset];
        if (takesSession) {
            bound[0] = session;
        }
        for (int i = 0; i < n; i++) {
            Object value;
            if (i < args.size()) {
                value = args.get(i);
            } else if (kwargs.containsKey(names[i])) {
                value = kwargs.get(names[i]);
            } else {
                throw new InvalidParams(signature + " is missing argument '" + names[i] + "' (expected: "
                        + converters[i].typeName + ")");
            }
            bound[i + offset] = converters[i].convert(value, argumentNames[i]);
        }
        return bound;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** How clients see the method in messages: {@code add(a, b)}. */
    String signature() {
        return signature;
    }
}
