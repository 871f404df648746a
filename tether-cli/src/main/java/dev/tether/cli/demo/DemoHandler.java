package dev.tether.cli.demo;

import dev.tether.core.Packet;
import dev.tether.core.PacketSource;
import dev.tether.server.NonBlocking;
import dev.tether.server.RateLimit;
import dev.tether.server.Rpc;
import dev.tether.server.RpcException;
import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's handler: one {@link Rpc} method per feature of the demo page, and an echo for every other packet.
 *
 * <ul>
 *   <li>{@code echo(value)} returns {@code value}; {@code add(a, b)} returns {@code a + b}, exact for integers of
 *       any size, a double when either is not an integer; {@code whoami()} returns the session id, the client type,
 *       after {@code login} the username, and with {@code --jwt-secret} the token's subject.
 *   <li>{@code count(n)} streams 1..n, one item every 150 ms.
 *   <li>{@code login(name)} stores {@code username} in the session; {@code secret()} needs it (the predicate
 *       {@code loggedIn}).
 *   <li>{@code limited()} allows 3 calls per 10 s; {@code fail(kind)} fails on purpose, {@code "app"} as an
 *       application error, {@code "crash"} as an unexpected exception.
 *   <li>The chat: {@code join(name)} subscribes to a channel or pattern and returns the subscriptions,
 *       {@code leave(name)} ends one, {@code say(channel, text)} publishes {@code {"from": …, "text": …}}.
 * </ul>
 *
 * A packet that is not an RPC request comes back as a {@code CUSTOM} packet with the same data.
 *
 * <p>The handler never blocks, so its callbacks run on the sessions' I/O threads; the RPC methods that return
 * plain values run on worker threads as always, and {@code count} only schedules its items.
 */
@NonBlocking
public final class DemoHandler implements TetherHandler {
    /** The name of the predicate {@code secret()} requires, registered by {@link DemoServer}. */
    static final String LOGGED_IN = "loggedIn";

    static final String USERNAME = "username";
    static final int MAX_COUNT = 1000;
    static final int MAX_NAME_LENGTH = 32;
    static final Duration COUNT_INTERVAL = Duration.ofMillis(150);

    private static final Logger log = LoggerFactory.getLogger(DemoHandler.class);

    private volatile @Nullable TetherServer server;

    DemoHandler() {}

    /** Hands over the server that {@link #say} publishes on; once, before the server starts. */
    void serveOn(TetherServer server) {
        if (this.server != null) {
            throw new IllegalStateException("the demo handler already serves a server");
        }
        this.server = server;
    }

    @Override
    public void onPacket(Session session, Packet packet) {
        // RPC requests go to the dispatcher and never arrive here.
        if (packet.source() == PacketSource.RPC) {
            log.debug("Session {}: ignoring an RPC response from the client", session.id());
        } else {
            session.send(Packet.custom(packet.data()));
        }
    }

    @Rpc
    public @Nullable Object echo(@Nullable Object value) {
        return value;
    }

    @Rpc
    public Number add(@Nullable Number a, @Nullable Number b) {
        Number x = number("a", a);
        Number y = number("b", b);
        if (isInteger(x) && isInteger(y)) {
            return smallest(toBigInteger(x).add(toBigInteger(y)));
        }
        return x.doubleValue() + y.doubleValue();
    }

    @Rpc
    public Map<String, Object> whoami(Session session) {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("session_id", session.id().toString());
        me.put("client_type", session.clientType().name());
        Object username = session.attributes().get(USERNAME);
        if (username != null) {
            me.put(USERNAME, username);
        }
        if (session.identity().isAuthenticated()) {
            me.put("subject", session.identity().subject()); // the token's sub, with --jwt-secret
        }
        return me;
    }

    @Rpc
    public Flow.Publisher<Integer> count(int n) {
        if (n < 1 || n > MAX_COUNT) {
            throw new RpcException("count(n): " + n + " (expected: 1 to " + MAX_COUNT + ")");
        }
        return new CountPublisher(n, COUNT_INTERVAL);
    }

    @Rpc
    public String login(Session session, String name) {
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new RpcException(
                    "login(name): \"" + name + "\" (expected: 1 to " + MAX_NAME_LENGTH + " characters, not all blank)");
        }
        session.attributes().put(USERNAME, name);
        return "Logged in as " + name + ".";
    }

    @Rpc(requires = LOGGED_IN)
    public String secret(Session session) {
        return "Welcome, " + session.attributes().get(USERNAME) + ": the secret is 42.";
    }

    @Rpc
    @RateLimit(limit = 3, period = "10s")
    public String limited() {
        return "Allowed: 3 calls per 10 seconds.";
    }

    @Rpc
    public String fail(String kind) {
        switch (kind) {
            case "app" -> throw new RpcException("This went wrong on purpose (kind: app).");
            case "crash" -> throw new IllegalStateException("a deliberate crash (kind: crash)");
            default -> throw new RpcException("fail(kind): \"" + kind + "\" (expected: \"app\" or \"crash\")");
        }
    }

    @Rpc
    public List<String> join(Session session, String name) {
        boolean joined;
        try {
            joined = session.subscribe(name);
        } catch (IllegalArgumentException e) {
            throw new RpcException(String.valueOf(e.getMessage()));
        }
        if (!joined && session.isOpen()) {
            throw new RpcException("Cannot join '" + name + "': the limit is "
                    + server().config().maxSubscribedChannels() + " channels; leave one first.");
        }
        return subscriptions(session);
    }

    @Rpc
    public List<String> leave(Session session, String name) {
        session.unsubscribe(name);
        return subscriptions(session);
    }

    @Rpc
    public int say(Session session, String channel, String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        Object username = session.attributes().get(USERNAME);
        message.put("from", username != null ? username : session.id().toString());
        message.put("text", text);
        try {
            return server().publish(channel, message);
        } catch (IllegalArgumentException e) {
            throw new RpcException(String.valueOf(e.getMessage()));
        }
    }

    private TetherServer server() {
        TetherServer s = server;
        if (s == null) {
            throw new IllegalStateException("the demo handler serves no server (expected: one from DemoServer.create)");
        }
        return s;
    }

    private static List<String> subscriptions(Session session) {
        List<String> names = new ArrayList<>(session.subscriptions());
        names.sort(null);
        return names;
    }

    private static Number number(String name, @Nullable Number value) {
        if (value == null) {
            throw new RpcException("add(a, b) argument '" + name + "': null (expected: a number)");
        }
        return value;
    }

    private static boolean isInteger(Number n) {
        return n instanceof Integer
                || n instanceof Long
                || n instanceof BigInteger
                || n instanceof Short
                || n instanceof Byte;
    }

    private static BigInteger toBigInteger(Number n) {
        return n instanceof BigInteger big ? big : BigInteger.valueOf(n.longValue());
    }

    /** The decoded-value model's type for an integer: the smallest of Integer, Long, BigInteger. */
    private static Number smallest(BigInteger n) {
        if (n.bitLength() < Integer.SIZE) {
            return n.intValue();
        }
        if (n.bitLength() < Long.SIZE) {
            return n.longValue();
        }
        return n;
    }
}
