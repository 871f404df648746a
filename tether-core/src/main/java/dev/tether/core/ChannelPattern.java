package dev.tether.core;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A channel name or a shell-glob pattern over whole channel names, matched case-sensitively.
 *
 * <p>A name containing any of {@code * ? [ ]} is a pattern: {@code *} matches any run of characters including
 * dots ({@code news.*} matches {@code news.sport.1}), {@code ?} exactly one character, {@code [ABC]} one of a set,
 * {@code [a-z]} one of a range and {@code [!x]} one character not in the set. A {@code ]} right after {@code [} or
 * {@code [!} belongs to the set. An unclosed {@code [} is refused.
 *
 * <p>Matching takes time linear in the name for patterns with at most one {@code *}, and at most
 * {@code O(name × pattern)} otherwise; no pattern can make it backtrack exponentially. Instances are immutable.
 */
public final class ChannelPattern {
    private final String text;
    private final Element[] elements;
    private final boolean literal;

    private sealed interface Element permits Literal, AnyOne, AnyRun, CharSet {}

    private record Literal(char c) implements Element {}

    private record AnyOne() implements Element {}

    private record AnyRun() implements Element {}

    /** A set of characters: {@code ranges} holds inclusive pairs {@code from, to}. */
    private record CharSet(char[] ranges, boolean negated) implements Element {
        boolean contains(char c) {
            boolean found = false;
            for (int i = 0; i < ranges.length && !found; i += 2) {
                found = c >= ranges[i] && c <= ranges[i + 1];
            }
            return found != negated;
        }
    }

    private ChannelPattern(String text, Element[] elements, boolean literal) {
        this.text = text;
        this.elements = elements;
        this.literal = literal;
    }

    /** Whether {@code name} is a pattern rather than a plain channel name: it contains {@code * ? [ ]}. */
    public static boolean isPattern(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']') {
                return true;
            }
        }
        return false;
    }

    /**
     * Compiles {@code pattern}; a plain name compiles to a pattern that matches only itself.
     *
     * @throws IllegalArgumentException if the pattern is empty or has an unclosed {@code [}
     */
    public static ChannelPattern compile(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern: '' (expected: a channel name or glob pattern)");
        }
        if (!isPattern(pattern)) {
            return new ChannelPattern(pattern, new Element[0], true);
        }
        List<Element> out = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (out.isEmpty() || !(out.get(out.size() - 1) instanceof AnyRun)) {
                    out.add(new AnyRun()); // a run of stars is one star
                }
                i++;
            } else if (c == '?') {
                out.add(new AnyOne());
                i++;
            } else if (c == '[') {
                i = parseSet(pattern, i, out);
            } else {
                out.add(new Literal(c));
                i++;
            }
        }
        return new ChannelPattern(pattern, out.toArray(Element[]::new), false);
    }

    /** Parses the set starting at {@code open} (a '['), adds it, and returns the index after its ']'. */
    private static int parseSet(String pattern, int open, List<Element> out) {
        int i = open + 1;
        boolean negated = i < pattern.length() && pattern.charAt(i) == '!';
        if (negated) {
            i++;
        }
        List<Character> ranges = new ArrayList<>();
        boolean first = true;
        while (i < pattern.length() && (pattern.charAt(i) != ']' || first)) {
            char from = pattern.charAt(i);
            char to = from;
            if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '-' && pattern.charAt(i + 2) != ']') {
                to = pattern.charAt(i + 2);
                i += 3;
            } else {
                i++;
            }
            if (from <= to) { // an empty range like [z-a] matches nothing, as in Python's fnmatch
                ranges.add(from);
                ranges.add(to);
            }
            first = false;
        }
        if (i >= pattern.length()) {
            throw new IllegalArgumentException(
                    "pattern: " + pattern + " (expected: the '[' at index " + open + " closed by a ']')");
        }
        char[] pairs = new char[ranges.size()];
        for (int k = 0; k < pairs.length; k++) {
            pairs[k] = ranges.get(k);
        }
        out.add(new CharSet(pairs, negated));
        return i + 1;
    }

    /** The text this pattern was compiled from. */
    public String text() {
        return text;
    }

    /** Whether this is a plain name (no glob characters), which matches only itself. */
    public boolean isLiteral() {
        return literal;
    }

    /** Whether {@code name} matches this pattern as a whole. */
    public boolean matches(String name) {
        if (literal) {
            return text.equals(name);
        }
        // Greedy matching with a single backtrack point at the last '*': O(name × pattern) at worst.
        int e = 0;
        int n = 0;
        int starElement = -1;
        int starName = 0;
        while (n < name.length()) {
            if (e < elements.length && !(elements[e] instanceof AnyRun) && matchesOne(elements[e], name.charAt(n))) {
                e++;
                n++;
            } else if (e < elements.length && elements[e] instanceof AnyRun) {
                starElement = e++;
                starName = n;
            } else if (starElement >= 0) {
                e = starElement + 1;
                n = ++starName;
            } else {
                return false;
            }
        }
        while (e < elements.length && elements[e] instanceof AnyRun) {
            e++;
        }
        return e == elements.length;
    }

    private static boolean matchesOne(Element element, char c) {
        if (element instanceof Literal l) {
            return l.c() == c;
        }
        if (element instanceof CharSet set) {
            return set.contains(c);
        }
        return element instanceof AnyOne;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof ChannelPattern other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
