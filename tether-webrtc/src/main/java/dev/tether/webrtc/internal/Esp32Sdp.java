package dev.tether.webrtc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The changes an answer needs before an ESP32 can use it, as pipecat's handler makes them: the device's WebRTC stack
 * knows only SHA-256 fingerprints, and behind ESP32 mode's host address it can reach only that address's host
 * candidates.
 */
public final class Esp32Sdp {
    private Esp32Sdp() {}

    /**
     * Removes every line that mentions {@code sha-384} or {@code sha-512} and, when {@code host} is set, every
     * {@code a=candidate} line that does not contain {@code host} or that contains {@code raddr} (a reflexive or relay
     * candidate). Lines are split at CRLF or LF, empty lines at the end are dropped, and the result ends every line
     * with CRLF.
     *
     * <p>The host test is a plain substring test, as in pipecat: host {@code 192.168.1.1} also keeps the candidates of
     * {@code 192.168.1.10}.
     */
    public static String munge(String sdp, @Nullable String host) {
        List<String> kept = new ArrayList<>();
        for (String line : sdp.split("\r?\n", -1)) {
            if (line.contains("sha-384") || line.contains("sha-512")) {
                continue;
            }
            if (host != null && line.startsWith("a=candidate") && (!line.contains(host) || line.contains("raddr"))) {
                continue;
            }
            kept.add(line);
        }
        // The SDP's own final line break gives one empty line, and dropped lines may leave others at the end.
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
            kept.remove(kept.size() - 1);
        }
        return String.join("\r\n", kept) + "\r\n";
    }

    /**
     * Refuses an ESP32 host address the device cannot reach: {@code localhost} in any case, or a blank address (which
     * every candidate line would contain). {@code null}, ESP32 mode without a host, passes.
     *
     * @throws IllegalArgumentException for such an address
     */
    public static void checkHost(@Nullable String host) {
        if (host == null) {
            return;
        }
        if (host.strip().toLowerCase(Locale.ROOT).equals("localhost")) {
            throw new IllegalArgumentException("esp32Host: " + host + " (expected: the address the device reaches, e.g."
                    + " 192.168.1.10; ESP32 mode cannot use localhost)");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(
                    "esp32Host: \"" + host + "\" (expected: the address the device reaches," + " e.g. 192.168.1.10)");
        }
    }
}
