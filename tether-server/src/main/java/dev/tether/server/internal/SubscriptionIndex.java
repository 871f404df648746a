package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Which subscribers (sessions, in the server) subscribe to which channel names and patterns, for a publish that costs about the number of
 * matching subscribers rather than the number of subscriptions.
 *
 * <p>Exact names are a map from name to sessions. Patterns are a map from pattern to sessions, plus a cache from
 * channel name to the patterns that match it; the cache entry records the pattern set's version when it was built
 * and is rebuilt when a pattern was added or removed since, so a pattern subscribed after earlier publishes
 * matches at once. The cache holds at most {@link #MAX_CACHED_NAMES} names and is cleared when full.
 *
 * <p>Thread-safety without a global lock: subscribe and unsubscribe lock one map bin ({@code compute}); publish
 * reads without locking. Adding a session to an existing pattern does not change the version, because the cached
 * entries hold the pattern's live session set.
 */
public final class SubscriptionIndex<S> {
    static final int MAX_CACHED_NAMES = 65_536;

    private record PatternSubscribers<S>(ChannelPattern pattern, Set<S> sessions) {}

    private record CachedMatch<S>(long version, List<PatternSubscribers<S>> patterns) {}

    private final Map<String, Set<S>> exact = new ConcurrentHashMap<>();
    private final Map<String, PatternSubscribers<S>> patterns = new ConcurrentHashMap<>();
    private final AtomicLong patternVersion = new AtomicLong();
    private final Map<String, CachedMatch<S>> matchCache = new ConcurrentHashMap<>();

    /**
     * Adds {@code session} under {@code name} (a channel name or a pattern).
     *
     * @return whether this made {@code name} go from no subscriber to one on this node
     */
    public boolean add(String name, @Nullable ChannelPattern pattern, S session) {
        boolean[] first = {false};
        if (pattern == null || pattern.isLiteral()) {
            exact.compute(name, (k, set) -> {
                if (set == null) {
                    set = ConcurrentHashMap.newKeySet();
                    first[0] = true;
                }
                set.add(session);
                return set;
            });
        } else {
            patterns.compute(name, (k, entry) -> {
                if (entry == null) {
                    entry = new PatternSubscribers<>(pattern, ConcurrentHashMap.newKeySet());
                    first[0] = true;
                }
                entry.sessions().add(session);
                return entry;
            });
            if (first[0]) {
                patternVersion.incrementAndGet();
            }
        }
        return first[0];
    }

    /**
     * Removes {@code session} from {@code name}; the entry disappears with its last subscriber.
     *
     * @return whether this removed the last subscriber of {@code name} on this node
     */
    public boolean remove(String name, S session) {
        boolean[] last = {false};
        if (!ChannelPattern.isPattern(name)) {
            exact.computeIfPresent(name, (k, set) -> {
                set.remove(session);
                last[0] = set.isEmpty();
                return last[0] ? null : set;
            });
        } else {
            patterns.computeIfPresent(name, (k, entry) -> {
                entry.sessions().remove(session);
                last[0] = entry.sessions().isEmpty();
                return last[0] ? null : entry;
            });
            if (last[0]) {
                patternVersion.incrementAndGet();
            }
        }
        return last[0];
    }

    /**
     * Calls {@code action} once for every session subscribed to {@code channel}, exactly or by any pattern, with
     * the subscription name that matched (the exact name when both match).
     */
    public void forEachSubscriber(String channel, BiConsumer<S, String> action) {
        Set<S> direct = exact.get(channel);
        List<PatternSubscribers<S>> matching = matchingPatterns(channel);
        if (matching.isEmpty()) {
            if (direct != null) {
                for (S session : direct) {
                    action.accept(session, channel);
                }
            }
            return;
        }
        if (direct != null) {
            for (S session : direct) {
                action.accept(session, channel);
            }
        }
        Set<S> viaPattern = matching.size() > 1 ? new java.util.HashSet<>() : null;
        for (PatternSubscribers<S> entry : matching) {
            for (S session : entry.sessions()) {
                if (direct != null && direct.contains(session)) {
                    continue;
                }
                if (viaPattern != null && !viaPattern.add(session)) {
                    continue;
                }
                action.accept(session, entry.pattern().text());
            }
        }
    }

    private List<PatternSubscribers<S>> matchingPatterns(String channel) {
        if (patterns.isEmpty()) {
            return List.of();
        }
        long version = patternVersion.get(); // read before scanning: a later change makes this entry stale
        CachedMatch<S> cached = matchCache.get(channel);
        if (cached != null && cached.version() == version) {
            return cached.patterns();
        }
        List<PatternSubscribers<S>> found = new ArrayList<>(2);
        for (PatternSubscribers<S> entry : patterns.values()) {
            if (entry.pattern().matches(channel)) {
                found.add(entry);
            }
        }
        if (matchCache.size() >= MAX_CACHED_NAMES) {
            matchCache.clear();
        }
        List<PatternSubscribers<S>> result = List.copyOf(found);
        matchCache.put(channel, new CachedMatch<>(version, result));
        return result;
    }

    /** How many distinct names and patterns have subscribers (for tests and stats). */
    public int size() {
        return exact.size() + patterns.size();
    }
}
