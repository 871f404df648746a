package dev.tether.media;

/** A key the caller pressed on the phone: {@code 0-9}, {@code *}, {@code #} or {@code A-D}. */
public record DtmfFrame(long id, String name, char digit) implements MediaFrame {

    public DtmfFrame {
        FrameChecks.name(name);
        if (!isDigit(digit)) {
            throw new IllegalArgumentException("digit: '" + digit + "' (expected: one of 0-9 * # A-D)");
        }
    }

    public DtmfFrame(char digit) {
        this(0, "", digit);
    }

    /** Whether {@code c} is a DTMF key: {@code 0-9}, {@code *}, {@code #} or {@code A-D}. */
    public static boolean isDigit(char c) {
        return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
    }
}
