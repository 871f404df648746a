package dev.tether.media.internal;

import dev.tether.media.FrameSerializer;
import dev.tether.media.internal.serializer.DetectingSerializer;
import dev.tether.server.CloseStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer meters of one media endpoint ({@code tether.media.*}, tagged {@code endpoint}; listed in
 * docs/operations.md), made when the server it is mounted on starts with a registry. A connection holds them in a
 * field that is {@code null} without a registry, so counting a frame is a null check, or an add on a meter held here:
 * no lookup by name, no allocation. Public for tether-webrtc's sessions; not an API.
 *
 * <p>Tags are bounded: the end reasons, refusal reasons and queues are the enums below, a serializer is tagged by the
 * class Tether ships ({@code custom} for an application's own), never by anything a client sends. A tagged counter is
 * made on its first occurrence.
 */
public final class MediaMeters {

    /** How a session ended, for {@code tether.media.sessions.ended}. */
    public enum End {
        /** The bot wrote an {@code EndFrame}. */
        END,
        /** The bot wrote a {@code CancelFrame}. */
        CANCEL,
        /** A newer client of a {@code SINGLE_REPLACE} endpoint took its place. */
        REPLACED,
        /** A handler callback threw: closed with 1011. */
        ERROR,
        /** The serializer threw {@code MediaCloseException} (an unknown telephony provider, ...). */
        SERIALIZER,
        /** The client closed it. */
        CLIENT,
        /** The connection ended without a close handshake (1006). */
        ABNORMAL,
        /** The server closed it otherwise (shutting down, idle timeout, ...). */
        SERVER;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Why a client was refused before it became a session, for {@code tether.media.clients.refused}. */
    public enum Refusal {
        /** {@code SINGLE_REJECT}: another client is connected (1013). */
        BUSY,
        /** The origin of a token route (4003). */
        ORIGIN,
        /** A missing, invalid, replayed or expired token (4003). */
        TOKEN;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** The serializer tag of a class Tether does not ship. */
    static final String CUSTOM = "custom";

    private static final String[] QUEUES = {"audio", "frames"};
    static final int AUDIO_QUEUE = 0;
    static final int FRAMES_QUEUE = 1;

    private final MeterRegistry registry;
    private final String endpoint;
    private final Collection<Meter> registered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter started;
    private final Counter audioFramesReceived;
    private final Counter audioReceivedBytes;
    private final Counter audioChunksSent;
    private final Counter audioSentBytes;
    private final LongAdder pacedChunks = new LongAdder();
    private final LongAdder pacedLateNanos = new LongAdder();
    private final Counter lateOver2ms;
    private final Counter lateOver20ms;
    private final AtomicReferenceArray<Counter> ended = new AtomicReferenceArray<>(End.values().length);
    private final AtomicReferenceArray<Counter> refused = new AtomicReferenceArray<>(Refusal.values().length);
    private final AtomicReferenceArray<Counter> writesRefused = new AtomicReferenceArray<>(QUEUES.length);
    private final Map<String, Counter> decodeErrors = new ConcurrentHashMap<>();

    /**
     * Registers the meters of the endpoint tagged {@code endpoint} (its path, or {@code webrtc}) in {@code registry}.
     */
    public MediaMeters(MeterRegistry registry, String endpoint) {
        this.registry = registry;
        this.endpoint = endpoint;
        keep(Gauge.builder("tether.media.sessions.open", open, AtomicInteger::get)
                .tag("endpoint", endpoint)
                .description("Media sessions open now")
                .strongReference(true)
                .register(registry));
        this.started = counter("tether.media.sessions.started", null, "Media sessions started (onConnect)");
        this.audioFramesReceived = counter(
                "tether.media.audio.frames.received", null, "Audio frames received from clients (AudioInFrame)");
        this.audioReceivedBytes =
                counter("tether.media.audio.received.bytes", "bytes", "PCM bytes of the audio frames received");
        this.audioChunksSent = counter("tether.media.audio.chunks.sent", null, "Paced audio chunks sent to clients");
        this.audioSentBytes = counter("tether.media.audio.sent.bytes", "bytes", "PCM bytes of the audio chunks sent");
        // Not a Timer: its max and histogram cost 0.1-0.25 us a sample, ten times two adders (docs/benchmarks.md).
        keep(FunctionTimer.builder(
                        "tether.media.pacing.lateness",
                        this,
                        m -> m.pacedChunks.sum(),
                        m -> m.pacedLateNanos.sum(),
                        TimeUnit.NANOSECONDS)
                .tag("endpoint", endpoint)
                .description("How much later than due paced audio chunks were sent (count and sum)")
                .register(registry));
        String late = "Paced audio chunks sent later than due by more than 'over'";
        this.lateOver2ms = counter("tether.media.pacing.late", null, late, "over", "2ms");
        this.lateOver20ms = counter("tether.media.pacing.late", null, late, "over", "20ms");
    }

    /** Every meter registered so far and those made later: the server removes them when it closes. */
    public Collection<Meter> meters() {
        return registered;
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    private Counter counter(String name, @Nullable String baseUnit, String description, String... tags) {
        return keep(Counter.builder(name)
                .baseUnit(baseUnit)
                .tag("endpoint", endpoint)
                .tags(tags)
                .description(description)
                .register(registry));
    }

    private Counter counter(
            AtomicReferenceArray<Counter> counters, int index, String name, String tag, String value, String doc) {
        Counter counter = counters.get(index);
        if (counter == null) {
            counter = counter(name, null, doc, tag, value); // a racing thread gets the same counter from the registry
            counters.set(index, counter);
        }
        return counter;
    }

    void started() {
        open.incrementAndGet();
        started.increment();
    }

    void ended(End end) {
        open.decrementAndGet();
        counter(
                        ended,
                        end.ordinal(),
                        "tether.media.sessions.ended",
                        "reason",
                        end.tag,
                        "Media sessions ended, by reason")
                .increment();
    }

    /** How a session that ended with {@code status} ended, when nothing on the server's side ended it first. */
    static End end(CloseStatus status) {
        if (status.code() == CloseStatus.ABNORMAL) {
            return End.ABNORMAL;
        }
        return status.byPeer() ? End.CLIENT : End.SERVER;
    }

    void refused(Refusal refusal) {
        counter(
                        refused,
                        refusal.ordinal(),
                        "tether.media.clients.refused",
                        "reason",
                        refusal.tag,
                        "Clients refused before they became a session, by reason")
                .increment();
    }

    void audioReceived(int bytes) {
        audioReceivedBytes.increment(bytes); // the bytes first: who sees the count sees them
        audioFramesReceived.increment();
    }

    void audioSent(int bytes) {
        audioSentBytes.increment(bytes);
        audioChunksSent.increment();
    }

    /** A chunk that waited for its pacing timer was sent {@code lateNanos} after the timer was due. */
    void paced(long lateNanos) {
        long late = Math.max(0, lateNanos);
        pacedLateNanos.add(late);
        pacedChunks.increment();
        if (late > 2_000_000) {
            lateOver2ms.increment();
            if (late > 20_000_000) {
                lateOver20ms.increment();
            }
        }
    }

    void writeRefused(int queue) {
        counter(
                        writesRefused,
                        queue,
                        "tether.media.writes.refused",
                        "queue",
                        QUEUES[queue],
                        "Writes refused because the session's queue was full, by queue")
                .increment();
    }

    void decodeError(FrameSerializer serializer) {
        String name = serializerTag(serializer);
        Counter counter = decodeErrors.get(name);
        if (counter == null) {
            counter = decodeErrors.computeIfAbsent(
                    name,
                    n -> counter(
                            "tether.media.decode.errors",
                            null,
                            "Messages a serializer could not read (ignored), by serializer",
                            "serializer",
                            n));
        }
        counter.increment();
    }

    /**
     * The tag of {@code serializer}: the format of a serializer Tether ships ({@code protobuf}, {@code twilio}, ...,
     * {@code telephony} before the provider is known, {@code webrtc}), else {@code custom}: a bounded set.
     */
    static String serializerTag(FrameSerializer serializer) {
        if (serializer instanceof DetectingSerializer detecting) {
            FrameSerializer provider = detecting.delegate();
            return provider == null ? "telephony" : serializerTag(provider);
        }
        Class<?> type = serializer.getClass();
        String name = type.getSimpleName();
        if (name.endsWith("Serializer")
                && (type.getPackageName().equals("dev.tether.media.internal.serializer")
                        || type.getPackageName().equals("dev.tether.webrtc.internal"))) {
            String format =
                    name.substring(0, name.length() - "Serializer".length()).toLowerCase(Locale.ROOT);
            return format.equals("peer") ? "webrtc" : format;
        }
        return CUSTOM;
    }
}
