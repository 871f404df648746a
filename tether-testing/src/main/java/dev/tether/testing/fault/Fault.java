package dev.tether.testing.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link FaultServer} treats one connection. Immutable: start from one of the static factories and add
 * behaviour with the instance methods, e.g. {@code Fault.echo().ignorePings().dropAfter(Duration.ofSeconds(10))}.
 *
 * <p>Every delay runs on the server's clock, so a test with a {@code ManualClock} controls it exactly.
 */
public final class Fault {
    final int refuseStatus;
    final boolean stall;
    final boolean stallAfterUpgrade;
    final int closeCode;
    final @Nullable String closeReason;
    final boolean dropAfterUpgrade;
    final long dropAfterBytes;
    final @Nullable Duration dropAfter;
    final @Nullable Duration delayUpgrade;
    final boolean ignorePings;
    /** The payloads of text frames sent together after the upgrade: UTF-8, or deliberately not. */
    final List<byte[]> greeting;

    private Fault(
            int refuseStatus,
            boolean stall,
            boolean stallAfterUpgrade,
            int closeCode,
            @Nullable String closeReason,
            boolean dropAfterUpgrade,
            long dropAfterBytes,
            @Nullable Duration dropAfter,
            @Nullable Duration delayUpgrade,
            boolean ignorePings,
            List<byte[]> greeting) {
        this.refuseStatus = refuseStatus;
        this.stall = stall;
        this.stallAfterUpgrade = stallAfterUpgrade;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
        this.dropAfterUpgrade = dropAfterUpgrade;
        this.dropAfterBytes = dropAfterBytes;
        this.dropAfter = dropAfter;
        this.delayUpgrade = delayUpgrade;
        this.ignorePings = ignorePings;
        this.greeting = greeting;
    }

    /** Accept the upgrade, echo text and binary messages, answer pings and close frames: a healthy server. */
    public static Fault echo() {
        return new Fault(0, false, false, -1, null, false, -1, null, null, false, List.of());
    }

    /** Answer the upgrade request with HTTP {@code status} (e.g. 401, 503) and close. */
    public static Fault refuseUpgrade(int status) {
        if (status < 200 || status > 599 || status == 101) {
            throw new IllegalArgumentException("status: " + status + " (expected: 200..599, not 101)");
        }
        return echo().with(status, false, false, -1, null, false);
    }

    /** Accept the TCP connection and then never read or write anything: not even the upgrade answer. */
    public static Fault stall() {
        return echo().with(0, true, false, -1, null, false);
    }

    /** Accept the upgrade, then at once send a close frame with {@code code} and {@code reason}, and close. */
    public static Fault closeAfterUpgrade(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        return echo().with(0, false, false, code, reason, false);
    }

    /** Accept the upgrade, then at once close the TCP connection without a close frame (an abnormal drop). */
    public static Fault dropAfterUpgrade() {
        return echo().with(0, false, false, -1, null, true);
    }

    /** After the upgrade, stop reading and writing: a half-open connection as the client sees it. */
    public Fault stallAfterUpgrade() {
        return with(refuseStatus, stall, true, closeCode, closeReason, dropAfterUpgrade);
    }

    /**
     * Close the TCP connection (no close frame) once {@code bytes} bytes have arrived from the client, upgrade
     * request included; the chunk that reaches the count is not delivered.
     */
    public Fault dropAfterBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 1)");
        }
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                bytes,
                dropAfter,
                delayUpgrade,
                ignorePings,
                greeting);
    }

    /** Close the TCP connection (no close frame) {@code delay} after the upgrade, by the server's clock. */
    public Fault dropAfter(Duration delay) {
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                dropAfterBytes,
                Objects.requireNonNull(delay, "delay"),
                delayUpgrade,
                ignorePings,
                greeting);
    }

    /** Answer the upgrade request only after {@code delay} of the server's clock. */
    public Fault delayUpgrade(Duration delay) {
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                dropAfterBytes,
                dropAfter,
                Objects.requireNonNull(delay, "delay"),
                ignorePings,
                greeting);
    }

    /** Never answer pings: the black hole a half-open connection is to the client. Pings are still recorded. */
    public Fault ignorePings() {
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                dropAfterBytes,
                dropAfter,
                delayUpgrade,
                true,
                greeting);
    }

    /** Send {@code text} right after the upgrade (e.g. {@code {"type":"auth_required"}}). */
    public Fault greeting(String text) {
        return textGreeting(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Send text frames with exactly these payloads right after the upgrade, in one write, even when they are not
     * valid UTF-8.
     */
    public Fault textGreeting(byte[]... payloads) {
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                dropAfterBytes,
                dropAfter,
                delayUpgrade,
                ignorePings,
                Arrays.stream(payloads).map(byte[]::clone).collect(Collectors.toUnmodifiableList()));
    }

    private Fault with(
            int refuseStatus,
            boolean stall,
            boolean stallAfterUpgrade,
            int closeCode,
            @Nullable String closeReason,
            boolean dropAfterUpgrade) {
        return new Fault(
                refuseStatus,
                stall,
                stallAfterUpgrade,
                closeCode,
                closeReason,
                dropAfterUpgrade,
                dropAfterBytes,
                dropAfter,
                delayUpgrade,
                ignorePings,
                greeting);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Fault(");
        if (refuseStatus != 0) {
            s.append("refuseUpgrade ").append(refuseStatus).append(' ');
        }
        if (stall) {
            s.append("stall ");
        }
        if (stallAfterUpgrade) {
            s.append("stallAfterUpgrade ");
        }
        if (closeCode != -1) {
            s.append("closeAfterUpgrade ").append(closeCode).append(' ');
        }
        if (dropAfterUpgrade) {
            s.append("dropAfterUpgrade ");
        }
        if (dropAfterBytes > 0) {
            s.append("dropAfterBytes ").append(dropAfterBytes).append(' ');
        }
        if (dropAfter != null) {
            s.append("dropAfter ").append(dropAfter).append(' ');
        }
        if (delayUpgrade != null) {
            s.append("delayUpgrade ").append(delayUpgrade).append(' ');
        }
        if (ignorePings) {
            s.append("ignorePings ");
        }
        if (!greeting.isEmpty()) {
            s.append("greeting ");
        }
        return s.length() == 6 ? "Fault(echo)" : s.toString().trim() + ")";
    }
}
