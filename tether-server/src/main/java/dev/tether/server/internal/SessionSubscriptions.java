package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.server.SlowConsumerPolicy;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The channel names and patterns one webshocket session subscribes to, each with its slow-consumer policy. The
 * {@link ChannelHub} hears of every change, so it can index subscribers and tell the cluster broker. Changes are
 * made under this object's lock; reads are lock-free.
 */
final class SessionSubscriptions {
    private final DefaultSession session;
    private final ChannelHub hub;
    private final SlowConsumerPolicy defaultPolicy;
    private final int limit;
    private final Map<String, SlowConsumerPolicy> policies = new ConcurrentHashMap<>();
    /**
     * The policy all subscriptions share, or {@code null} when they differ: a fan-out to thousands of sessions then
     * reads one field of each instead of looking in each one's map. Written under the lock, after the map.
     */
    private volatile @Nullable SlowConsumerPolicy uniformPolicy;
    /** The subscriptions by name of Tether's extension; most sessions have none. */
    private final Map<String, ExtendedSubscription> extended = new ConcurrentHashMap<>();

    SessionSubscriptions(DefaultSession session, ChannelHub hub, SlowConsumerPolicy defaultPolicy, int limit) {
        this.session = session;
        this.hub = hub;
        this.defaultPolicy = defaultPolicy;
        this.limit = limit;
        this.uniformPolicy = defaultPolicy;
    }

    SlowConsumerPolicy defaultPolicy() {
        return defaultPolicy;
    }

    /**
     * Subscribes to {@code names} with {@code policy}; a repeated name changes its policy.
     *
     * @return {@code false}, with nothing subscribed, past the limit or once the session is closed
     * @throws IllegalArgumentException for a malformed pattern
     */
    synchronized boolean add(Collection<String> names, SlowConsumerPolicy policy) {
        Map<String, ChannelPattern> added = new LinkedHashMap<>();
        for (String name : names) {
            ChannelPattern pattern = ChannelPattern.compile(name); // refuses a malformed pattern
            if (!policies.containsKey(name)) {
                added.put(name, pattern);
            }
        }
        if (!session.isOpen() || (limit > 0 && policies.size() + added.size() > limit)) {
            return false;
        }
        for (Map.Entry<String, ChannelPattern> entry : added.entrySet()) {
            policies.put(entry.getKey(), policy);
            hub.subscribed(entry.getKey(), entry.getValue(), session);
        }
        for (String name : names) {
            policies.put(name, policy);
        }
        updateUniformPolicy();
        return true;
    }

    /**
     * Subscribes to the channel {@code name} with the default policy for a client of Tether's extension, replacing
     * what an earlier subscription to it asked for. The extension is in place before the hub indexes the
     * subscription, so no publication reaches the session without it.
     *
     * @return {@code false}, with nothing subscribed, past the limit or once the session is closed
     */
    synchronized boolean addExtended(String name, ExtendedSubscription extension) {
        ExtendedSubscription previous = extended.put(name, extension);
        if (add(java.util.List.of(name), defaultPolicy)) {
            return true;
        }
        if (previous != null) {
            extended.put(name, previous);
        } else {
            extended.remove(name);
        }
        return false;
    }

    /** What Tether's extension asked for on the subscription {@code name}, or {@code null}. */
    @Nullable
    ExtendedSubscription extensionOf(String name) {
        return extended.isEmpty() ? null : extended.get(name);
    }

    /** Ends the subscriptions among {@code names}; returns whether any ended. */
    synchronized boolean remove(String... names) {
        boolean any = false;
        for (String name : names) {
            extended.remove(name);
            if (policies.remove(name) != null) {
                hub.unsubscribed(name, session);
                any = true;
            }
        }
        updateUniformPolicy();
        return any;
    }

    /** Ends every subscription; the session closed. */
    synchronized void clear() {
        for (String name : policies.keySet()) {
            hub.unsubscribed(name, session);
        }
        policies.clear();
        extended.clear();
        updateUniformPolicy();
    }

    Set<String> names() {
        return Set.copyOf(policies.keySet());
    }

    /** The policy of the subscription {@code name}, or the default if it just ended. */
    SlowConsumerPolicy policyOf(String name) {
        SlowConsumerPolicy uniform = uniformPolicy;
        if (uniform != null) {
            return uniform;
        }
        return policies.getOrDefault(name, defaultPolicy);
    }

    private void updateUniformPolicy() {
        SlowConsumerPolicy common = defaultPolicy;
        boolean first = true;
        for (SlowConsumerPolicy policy : policies.values()) {
            if (first) {
                common = policy;
                first = false;
            } else if (policy != common) {
                uniformPolicy = null;
                return;
            }
        }
        uniformPolicy = common;
    }
}
