package dev.tether.server.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.server.spi.HistoryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which channels keep a history and which track presence, from the server's settings: an exact name wins over
 * patterns, then the first pattern added. Answers are cached per channel name (at most 65,536 names; the cache is
 * cleared when full), so a publish costs a map lookup.
 */
final class ChannelRules {
    private static final int MAX_CACHED_NAMES = 65_536;

    private record Rule(ChannelPattern pattern, HistoryPolicy policy) {}

    private final Map<String, HistoryPolicy> exactHistory;
    private final List<Rule> historyPatterns = new ArrayList<>();
    private final List<ChannelPattern> presence = new ArrayList<>();
    private final Map<String, Optional<HistoryPolicy>> historyCache = new ConcurrentHashMap<>();
    private final Map<String, Boolean> presenceCache = new ConcurrentHashMap<>();

    ChannelRules(Map<String, HistoryPolicy> history, List<String> presence) {
        this.exactHistory = Map.copyOf(history);
        history.forEach((name, policy) -> {
            ChannelPattern pattern = ChannelPattern.compile(name);
            if (!pattern.isLiteral()) {
                historyPatterns.add(new Rule(pattern, policy));
            }
        });
        for (String name : presence) {
            this.presence.add(ChannelPattern.compile(name));
        }
    }

    /** Whether any channel keeps a history. */
    boolean anyHistory() {
        return !exactHistory.isEmpty();
    }

    /** Whether any channel tracks presence. */
    boolean anyPresence() {
        return !presence.isEmpty();
    }

    /** The history policy of {@code channel}, or {@code null} when it keeps none. */
    @Nullable
    HistoryPolicy historyOf(String channel) {
        if (exactHistory.isEmpty()) {
            return null;
        }
        Optional<HistoryPolicy> cached = historyCache.get(channel);
        if (cached == null) {
            cached = Optional.ofNullable(findHistory(channel));
            if (historyCache.size() >= MAX_CACHED_NAMES) {
                historyCache.clear();
            }
            historyCache.put(channel, cached);
        }
        return cached.orElse(null);
    }

    private @Nullable HistoryPolicy findHistory(String channel) {
        HistoryPolicy exact = ChannelPattern.isPattern(channel) ? null : exactHistory.get(channel);
        if (exact != null) {
            return exact;
        }
        for (Rule rule : historyPatterns) {
            if (rule.pattern().matches(channel)) {
                return rule.policy();
            }
        }
        return null;
    }

    /** Whether subscribers of {@code channel} (a name) are tracked as present. */
    boolean tracksPresence(String channel) {
        if (presence.isEmpty() || ChannelPattern.isPattern(channel)) {
            return false;
        }
        Boolean cached = presenceCache.get(channel);
        if (cached == null) {
            cached = presence.stream().anyMatch(p -> p.matches(channel));
            if (presenceCache.size() >= MAX_CACHED_NAMES) {
                presenceCache.clear();
            }
            presenceCache.put(channel, cached);
        }
        return cached;
    }
}
