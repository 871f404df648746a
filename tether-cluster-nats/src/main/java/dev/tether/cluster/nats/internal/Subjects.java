package dev.tether.cluster.nats.internal;

import dev.tether.core.ChannelPattern;
import dev.tether.server.spi.HistoryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every NATS name the broker uses, derived from its prefix, and the encoding of channel names into subjects.
 *
 * <p>A channel name is split at its dots; each token that is non-empty and made only of {@code A-Z a-z 0-9 - _ : =
 * @ + /} goes into the subject as it is, and any other token (empty, or with whitespace, {@code * > ~ .}, non-ASCII
 * and so on) as {@code ~} followed by the base64url of its UTF-8 bytes. The mapping is one-to-one and keeps the
 * dots, so a NATS wildcard over the leading tokens of a name covers exactly the names that start with them.
 */
public final class Subjects {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final char ESCAPE = '~';

    private final String prefix;
    private final String channelRoot;

    /** The names under {@code prefix}, which must be a valid {@link #checkPrefix prefix}. */
    public Subjects(String prefix) {
        this.prefix = checkPrefix(prefix);
        this.channelRoot = prefix + ".ch";
    }

    /** Returns {@code prefix} if it can name subjects, streams and buckets; throws otherwise. */
    public static String checkPrefix(String prefix) {
        boolean valid = !prefix.isEmpty() && prefix.length() <= 64;
        for (int i = 0; i < prefix.length() && valid; i++) {
            char c = prefix.charAt(i);
            valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (!valid) {
            throw new IllegalArgumentException("prefix: '" + prefix + "' (expected: 1 to 64 of A-Z a-z 0-9 _ -)");
        }
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    // ---- channels ---------------------------------------------------------------------------------------

    /** The core subject of {@code channel}: {@code <prefix>.ch.<tokens>}. */
    public String channel(String channel) {
        return channelRoot + "." + tokens(channel);
    }

    /** The channel whose core subject is {@code subject}, or {@code null} when it is not one of ours. */
    public @Nullable String channelOf(String subject) {
        if (!subject.startsWith(channelRoot) || subject.length() <= channelRoot.length() + 1) {
            return null;
        }
        if (subject.charAt(channelRoot.length()) != '.') {
            return null;
        }
        return decodeTokens(subject.substring(channelRoot.length() + 1));
    }

    /**
     * The subject of a node's fence requests. Nobody subscribes to it, so NATS answers "no responders" once it has
     * processed everything the node sent before, subscriptions included.
     */
    public String fence(String nodeId) {
        return prefix + ".fence." + nodeId;
    }

    /** {@code channel} as dot-separated subject tokens (see the type's doc). */
    public static String tokens(String channel) {
        StringBuilder out = new StringBuilder(channel.length() + 8);
        int start = 0;
        while (true) {
            int dot = channel.indexOf('.', start);
            String token = dot < 0 ? channel.substring(start) : channel.substring(start, dot);
            if (start > 0) {
                out.append('.');
            }
            appendToken(out, token);
            if (dot < 0) {
                return out.toString();
            }
            start = dot + 1;
        }
    }

    private static void appendToken(StringBuilder out, String token) {
        if (isPlain(token)) {
            out.append(token);
        } else {
            out.append(ESCAPE).append(B64.encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static boolean isPlain(String token) {
        if (token.isEmpty()) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == ':'
                    || c == '='
                    || c == '@'
                    || c == '+'
                    || c == '/';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    /** The channel name {@code tokens} encode, or {@code null} when they are not in the canonical encoding. */
    static @Nullable String decodeTokens(String tokens) {
        StringBuilder out = new StringBuilder(tokens.length());
        int start = 0;
        while (true) {
            int dot = tokens.indexOf('.', start);
            String token = dot < 0 ? tokens.substring(start) : tokens.substring(start, dot);
            String decoded = decodeToken(token);
            if (decoded == null) {
                return null;
            }
            if (start > 0) {
                out.append('.');
            }
            out.append(decoded);
            if (dot < 0) {
                return out.toString();
            }
            start = dot + 1;
        }
    }

    private static @Nullable String decodeToken(String token) {
        if (isPlain(token)) {
            return token;
        }
        if (token.isEmpty() || token.charAt(0) != ESCAPE) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(B64_DECODER.decode(token.substring(1)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        // Canonical only: a plain token, or bytes that were not UTF-8, must not have a second subject.
        StringBuilder again = new StringBuilder();
        appendToken(again, decoded);
        return again.toString().equals(token) ? decoded : null;
    }

    // ---- interest ---------------------------------------------------------------------------------------

    /**
     * The NATS subscription for a channel name or glob pattern.
     *
     * @param subject what to subscribe to: a literal subject, or the leading tokens followed by {@code >}
     * @param wildcardRoot for a pattern, {@code subject} without its trailing {@code .>}; {@code null} for a name
     * @param exact whether the subscription delivers exactly the matching channels; when not, the broker drops
     *     what the pattern does not match
     */
    public record Route(String subject, @Nullable String wildcardRoot, boolean exact) {}

    /**
     * Where publications on {@code nameOrPattern} arrive: a name subscribes its own subject. A pattern subscribes
     * its leading literal tokens followed by {@code >}: our {@code *} spans dots, so {@code news.*} is exactly
     * {@code news.>} (every name that starts with {@code news.}, the encoded ones included), while anything else
     * ({@code news.?}, {@code a.*.c}, {@code news*}, sets) gets that broader subscription filtered by the pattern.
     */
    public Route route(String nameOrPattern) {
        if (!ChannelPattern.isPattern(nameOrPattern)) {
            return new Route(channel(nameOrPattern), null, true);
        }
        int glob = 0;
        while ("*?[]".indexOf(nameOrPattern.charAt(glob)) < 0) {
            glob++;
        }
        int lastDot = nameOrPattern.lastIndexOf('.', glob - 1);
        String root = lastDot < 0 ? channelRoot : channelRoot + "." + tokens(nameOrPattern.substring(0, lastDot));
        boolean exact = true;
        for (int i = lastDot + 1; i < nameOrPattern.length() && exact; i++) {
            exact = nameOrPattern.charAt(i) == '*';
        }
        return new Route(root + ".>", root, exact);
    }

    /**
     * The roots of every wildcard subscription that receives {@code subject} (a channel subject): {@code
     * <prefix>.ch}, then that plus each leading token but the last.
     */
    List<String> wildcardRootsOf(String subject) {
        List<String> roots = new ArrayList<>(4);
        int end = channelRoot.length();
        while (end >= 0 && end < subject.length()) {
            roots.add(subject.substring(0, end));
            end = subject.indexOf('.', end + 1);
        }
        return roots;
    }

    // ---- history ----------------------------------------------------------------------------------------

    /** The part of JetStream names that says which policy they keep: {@code <size>_<ttl ms>_<metaTtl ms>}. */
    static String policyId(HistoryPolicy policy) {
        return policy.size() + "_" + millis(policy.ttl()) + "_" + millis(policy.metaTtl());
    }

    /** Whole milliseconds, rounded up: JetStream would read a zero age as "forever". */
    static long millis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** The stream holding the publications of every channel under {@code policy}. */
    public String historyStream(HistoryPolicy policy) {
        return prefix + "_h_" + policyId(policy);
    }

    /** The subjects of {@link #historyStream}. */
    public String historySubjects(HistoryPolicy policy) {
        return prefix + ".h." + policyId(policy) + ".>";
    }

    /** The subject of {@code channel}'s publications in {@link #historyStream}. */
    public String historySubject(HistoryPolicy policy, String channel) {
        return prefix + ".h." + policyId(policy) + "." + tokens(channel);
    }

    /** The key-value bucket holding each channel's position (epoch and latest offset) under {@code policy}. */
    public String positionBucket(HistoryPolicy policy) {
        return prefix + "_hp_" + policyId(policy);
    }

    // ---- key-value keys ---------------------------------------------------------------------------------

    /** The bucket holding who is present in every channel. */
    public String presenceBucket() {
        return prefix + "_presence";
    }

    /** A key-value key for {@code value}: one token of base64url, which key-value keys allow. */
    public static String key(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("key: '' (expected: a non-empty channel or session)");
        }
        return B64.encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value a {@link #key} encodes, or {@code null} when it is not one. */
    public static @Nullable String unkey(String key) {
        try {
            return new String(B64_DECODER.decode(key), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The key of {@code session}'s presence in {@code channel}: {@code <key(channel)>.<key(session)>}. */
    public static String presenceKey(String channel, String session) {
        return key(channel) + "." + key(session);
    }

    /** The subject in a key-value bucket's stream that holds {@code key}. */
    public static String kvSubject(String bucket, String key) {
        return "$KV." + bucket + "." + key;
    }

    /** The stream behind a key-value bucket. */
    public static String kvStream(String bucket) {
        return "KV_" + bucket;
    }
}
