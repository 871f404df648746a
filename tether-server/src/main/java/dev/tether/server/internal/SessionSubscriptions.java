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

    /** Ends the subscriptions among {@code names}; returns whether any ended. */
    synchronized boolean remove(String... names) {
        boolean any = false;
        for (String name : names) {
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
