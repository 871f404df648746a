package dev.tether.server;

import dev.tether.core.ChannelPattern;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * Channel authorization from the session's {@link Identity}: a permission {@code subscribe:GLOB} lets the client
 * subscribe to the channels {@code GLOB} matches, {@code publish:GLOB} lets it publish to them, with the glob grammar
 * of {@link ChannelPattern} ({@code subscribe:chat.*}, {@code publish:room.[0-9]}, {@code subscribe:*} for all).
 *
 * <pre>{@code
 * TetherServer.builder()
 *         .authenticator(JwtAuthenticator.hs256(secret).build())   // permissions from the token's claim
 *         .clientSubscriptions(ChannelPermissions.subscribe())
 *         .clientPublish(ChannelPermissions.publish())
 * }</pre>
 *
 * <p>A client may subscribe to a <em>pattern</em> only where a permission surely covers every channel the pattern
 * can match: a permission that is the same pattern, or a permission {@code PREFIX*} (a prefix without glob
 * characters, then one {@code *}) where the pattern starts with that prefix. So {@code subscribe:chat.*} allows the
 * pattern {@code chat.room.*} but {@code subscribe:chat.[ab]} does not allow {@code chat.?}, although they overlap:
 * deciding whether one glob contains another in general is not worth the risk of a wrong yes.
 */
public final class ChannelPermissions {
    /** The prefix of a permission to subscribe. */
    public static final String SUBSCRIBE = "subscribe:";

    /** The prefix of a permission to publish. */
    public static final String PUBLISH = "publish:";

    private static final int MAX_CACHED_PATTERNS = 4096;
    private static final Map<String, ChannelPattern> COMPILED = new ConcurrentHashMap<>();

    private static final Check SUBSCRIBE_CHECK = new Check(SUBSCRIBE, "ChannelPermissions.subscribe()");
    private static final Check PUBLISH_CHECK = new Check(PUBLISH, "ChannelPermissions.publish()");

    private ChannelPermissions() {}

    /** Whether the session's identity holds a {@code subscribe:GLOB} permission that covers the name or pattern. */
    public static BiPredicate<Session, String> subscribe() {
        return SUBSCRIBE_CHECK;
    }

    /** Whether the session's identity holds a {@code publish:GLOB} permission that matches the channel name. */
    public static BiPredicate<Session, String> publish() {
        return PUBLISH_CHECK;
    }

    /**
     * Whether the glob {@code granted} allows {@code requested}: a name it matches, or a pattern it surely covers
     * (see the class documentation).
     */
    public static boolean covers(String granted, String requested) {
        Objects.requireNonNull(requested, "requested");
        if (granted.equals(requested)) {
            return true;
        }
        if (!ChannelPattern.isPattern(requested)) {
            return compiled(granted).matches(requested);
        }
        int star = granted.length() - 1;
        return star >= 0
                && granted.charAt(star) == '*'
                && !ChannelPattern.isPattern(granted.substring(0, star))
                && requested.startsWith(granted.substring(0, star));
    }

    private static ChannelPattern compiled(String glob) {
        ChannelPattern pattern = COMPILED.get(glob);
        if (pattern == null) {
            pattern = ChannelPattern.compile(glob);
            if (COMPILED.size() >= MAX_CACHED_PATTERNS) {
                COMPILED.clear();
            }
            COMPILED.put(glob, pattern);
        }
        return pattern;
    }

    private record Check(String prefix, String description) implements BiPredicate<Session, String> {
        @Override
        public boolean test(Session session, String channel) {
            for (String permission : session.identity().permissions()) {
                if (permission.startsWith(prefix) && permission.length() > prefix.length()) {
                    try {
                        if (covers(permission.substring(prefix.length()), channel)) {
                            return true;
                        }
                    } catch (IllegalArgumentException malformed) {
                        // A permission with an unclosed '[' grants nothing.
                    }
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
