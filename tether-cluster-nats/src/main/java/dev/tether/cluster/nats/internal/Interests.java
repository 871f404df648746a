package dev.tether.cluster.nats.internal;

import dev.tether.cluster.nats.internal.Subjects.Route;
import dev.tether.core.ChannelPattern;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The channel names and patterns this node has subscribers for, and the NATS subscriptions that bring their
 * publications. One subscription per distinct subject, shared by the interests that map to it; changes are
 * serialised on this object, and the checks a message needs read concurrent maps without locking.
 *
 * <p>Subscriptions may overlap ({@code news.>} and {@code news.sport}); NATS then sends a message once per
 * subscription, so only the oldest subscription that receives a subject delivers it. A message is delivered only if
 * a current interest matches its channel, which also filters the broader subscriptions of patterns NATS cannot
 * express.
 */
final class Interests {
    /** Where a message accepted by a subscription goes (on jnats' dispatcher thread). */
    interface Receiver {
        void receive(Sub sub, Message message);
    }

    /** One NATS subscription; {@code id} orders them by age. */
    static final class Sub {
        final String subject;
        final long id;
        int refs; // guarded by Interests.this

        @Nullable
        Subscription subscription; // guarded by Interests.this

        Sub(String subject, long id) {
            this.subject = subject;
            this.id = id;
        }
    }

    private record Filter(ChannelPattern pattern, boolean exact) {}

    private final Subjects subjects;
    private final Receiver receiver;
    // Guarded by this.
    private final Map<String, Integer> counts = new HashMap<>();
    private @Nullable Dispatcher dispatcher;
    private long nextId;
    // Read by the dispatcher thread without locking.
    private final Map<String, Sub> subs = new ConcurrentHashMap<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, Filter>> patternsByRoot = new ConcurrentHashMap<>();
    private volatile int wildcards;

    Interests(Subjects subjects, Receiver receiver) {
        this.subjects = subjects;
        this.receiver = receiver;
    }

    /** Adds an interest in {@code nameOrPattern}; the first one for a subject subscribes it. */
    synchronized void add(String nameOrPattern) {
        int count = counts.merge(nameOrPattern, 1, Integer::sum);
        if (count > 1) {
            return;
        }
        Route route = subjects.route(nameOrPattern);
        String root = route.wildcardRoot();
        if (root == null) {
            names.add(nameOrPattern);
        } else {
            patternsByRoot
                    .computeIfAbsent(root, r -> new ConcurrentHashMap<>())
                    .put(nameOrPattern, new Filter(ChannelPattern.compile(nameOrPattern), route.exact()));
        }
        Sub sub = subs.get(route.subject());
        if (sub == null) {
            sub = new Sub(route.subject(), nextId++);
            subs.put(sub.subject, sub);
            if (root != null) {
                wildcards++;
            }
            subscribe(sub);
        }
        sub.refs++;
    }

    /** Removes an interest in {@code nameOrPattern}; the last one for a subject unsubscribes it. */
    synchronized void remove(String nameOrPattern) {
        Integer count = counts.get(nameOrPattern);
        if (count == null) {
            return;
        }
        if (count > 1) {
            counts.put(nameOrPattern, count - 1);
            return;
        }
        counts.remove(nameOrPattern);
        Route route = subjects.route(nameOrPattern);
        String root = route.wildcardRoot();
        if (root == null) {
            names.remove(nameOrPattern);
        } else {
            Map<String, Filter> filters = patternsByRoot.get(root);
            if (filters != null) {
                filters.remove(nameOrPattern);
                if (filters.isEmpty()) {
                    patternsByRoot.remove(root);
                }
            }
        }
        Sub sub = subs.get(route.subject());
        if (sub != null && --sub.refs == 0) {
            subs.remove(sub.subject);
            if (root != null) {
                wildcards--;
            }
            Subscription subscription = sub.subscription;
            Dispatcher current = dispatcher;
            if (subscription != null && current != null) {
                current.unsubscribe(subscription);
            }
        }
    }

    /** The connection is up for the first time: subscribe everything asked for so far. */
    synchronized void attach(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        for (Sub sub : subs.values()) {
            subscribe(sub);
        }
    }

    private void subscribe(Sub sub) {
        Dispatcher current = dispatcher;
        if (current != null && sub.subscription == null) {
            sub.subscription = current.subscribe(sub.subject, message -> receiver.receive(sub, message));
        }
    }

    /** Forgets every interest; nothing is delivered after this returns. */
    synchronized void clear() {
        counts.clear();
        names.clear();
        patternsByRoot.clear();
        subs.clear();
        wildcards = 0;
        dispatcher = null;
    }

    /** How many distinct NATS subscriptions the interests use. */
    int subscriptions() {
        return subs.size();
    }

    /**
     * Whether {@code sub}, which received a message on {@code subject} for {@code channel}, delivers it: it is the
     * oldest current subscription receiving that subject, and a current interest matches the channel.
     */
    boolean accepts(Sub sub, String subject, String channel) {
        if (wildcards == 0) {
            return subs.get(subject) == sub && names.contains(channel);
        }
        Sub owner = subs.get(subject);
        boolean interested = owner != null && names.contains(channel);
        for (String root : subjects.wildcardRootsOf(subject)) {
            Sub wildcard = subs.get(root + ".>");
            if (wildcard != null && (owner == null || wildcard.id < owner.id)) {
                owner = wildcard;
            }
            Map<String, Filter> filters = interested ? null : patternsByRoot.get(root);
            if (filters != null) {
                for (Filter filter : filters.values()) {
                    if (filter.exact() || filter.pattern().matches(channel)) {
                        interested = true;
                        break;
                    }
                }
            }
        }
        return owner == sub && interested;
    }

    /** Whether a current interest, a name or a pattern, matches {@code channel}. */
    boolean wants(String channel) {
        if (names.contains(channel)) {
            return true;
        }
        for (Map<String, Filter> filters : patternsByRoot.values()) {
            for (Filter filter : filters.values()) {
                if (filter.pattern().matches(channel)) {
                    return true;
                }
            }
        }
        return false;
    }
}
