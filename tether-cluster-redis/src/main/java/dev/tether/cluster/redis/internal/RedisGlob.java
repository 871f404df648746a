package dev.tether.cluster.redis.internal;

import dev.tether.core.ChannelPattern;

/**
 * Translates Tether's channel patterns ({@link ChannelPattern}) to the glob of Redis' {@code PSUBSCRIBE}.
 *
 * <p>Redis matches bytes of UTF-8, Tether matches Java characters, so the translation is exact only where the two
 * agree: literal characters, {@code *}, and sets of ASCII characters. {@code ?}, a negated set and a set with a
 * character beyond ASCII must also match a character of several bytes, which no Redis glob can say; they are widened
 * ({@code ?} becomes {@code ?*}, {@code [!x]} becomes {@code [^x]*}) and the receiving node checks every message of
 * a pattern subscription against the {@link ChannelPattern} itself. A wider Redis pattern costs traffic, never a
 * wrong delivery.
 */
public final class RedisGlob {
    private RedisGlob() {}

    /** {@code text} as a Redis glob that matches only itself: {@code \ * ? [ ]} are escaped. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            appendLiteral(out, text.charAt(i));
        }
        return out.toString();
    }

    /**
     * A Redis glob that matches at least every name {@code pattern} matches, and exactly those when the pattern
     * uses only literals, {@code *} and sets of ASCII characters.
     *
     * @throws IllegalArgumentException if {@code pattern} is not a valid {@link ChannelPattern}
     */
    public static String translate(String pattern) {
        ChannelPattern.compile(pattern); // refuses what Tether refuses, with its message
        StringBuilder out = new StringBuilder(pattern.length() + 8);
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '*') {
                out.append('*');
                i++;
            } else if (c == '?') {
                out.append("?*");
                i++;
            } else if (c == '[') {
                i = translateSet(pattern, i, out);
            } else {
                appendLiteral(out, c);
                i++;
            }
        }
        return out.toString();
    }

    /** Translates the set at {@code open} as {@link ChannelPattern} parses it; returns the index after its ']'. */
    private static int translateSet(String pattern, int open, StringBuilder out) {
        int i = open + 1;
        boolean negated = i < pattern.length() && pattern.charAt(i) == '!';
        if (negated) {
            i++;
        }
        StringBuilder set = new StringBuilder();
        boolean ascii = true;
        boolean empty = true;
        boolean first = true;
        while (pattern.charAt(i) != ']' || first) { // compile() made sure a ']' closes it
            char from = pattern.charAt(i);
            char to = from;
            if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
                to = pattern.charAt(i + 2);
                i += 3;
            } else {
                i++;
            }
            first = false;
            if (from > to) {
                continue; // an empty range matches nothing, in Tether; Redis would swap its ends
            }
            empty = false;
            if (to > 0x7f) {
                ascii = false;
            } else if (from == to) {
                appendSetMember(set, from);
            } else if (Character.isLetterOrDigit(from) && Character.isLetterOrDigit(to)) {
                set.append(from).append('-').append(to); // Redis reads no escapes at the ends of a range
            } else {
                for (char member = from; member <= to; member++) {
                    appendSetMember(set, member);
                }
            }
        }
        if (empty && !negated) {
            out.append("[]"); // matches nothing, like the empty set in Tether
        } else if (empty || !ascii) {
            out.append("?*"); // any one character, of any length in UTF-8
        } else if (negated) {
            out.append("[^").append(set).append("]*"); // the excluded bytes are ASCII: a longer character passes
        } else {
            out.append('[').append(set).append(']');
        }
        return i + 1;
    }

    private static void appendLiteral(StringBuilder out, char c) {
        if (c == '\\' || c == '*' || c == '?' || c == '[' || c == ']') {
            out.append('\\');
        }
        out.append(c);
    }

    private static void appendSetMember(StringBuilder set, char c) {
        if (c == '\\' || c == ']' || c == '[' || c == '^' || c == '-') {
            set.append('\\');
        }
        set.append(c);
    }
}
