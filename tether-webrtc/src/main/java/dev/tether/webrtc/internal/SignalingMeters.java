package dev.tether.webrtc.internal;

import dev.tether.media.internal.MediaMeters;
import dev.tether.webrtc.PeerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

/**
 * The Micrometer meters of a signaling handler ({@code tether.webrtc.*}, listed in docs/operations.md), and the media
 * meters of its sessions ({@code tether.media.*} tagged {@code endpoint=webrtc}); made when the server it is mounted on
 * starts with a registry. Held in a field that is {@code null} without one. Tags are bounded: HTTP statuses are the
 * few the routes answer ({@code other} for any other), peer states the enum's.
 */
final class SignalingMeters {
    /** The statuses an offer can be refused with; any other one is tagged {@code other}. */
    private static final int[] STATUSES = {400, 404, 405, 422, 500, 503};

    private final MeterRegistry registry;
    private final Collection<Meter> registered = new ConcurrentLinkedQueue<>();
    private final MediaMeters media;
    private final Counter offersReceived;
    private final Counter answersSent;
    private final Counter candidatesReceived;
    private final Counter peersConnected;
    private final Counter audioDropped;
    private final Counter messagesDropped;
    private final Timer offers;
    private final Timer patches;
    private final AtomicReferenceArray<Counter> refused = new AtomicReferenceArray<>(STATUSES.length + 1);
    private final AtomicReferenceArray<Counter> closed = new AtomicReferenceArray<>(PeerState.values().length);

    SignalingMeters(MeterRegistry registry, Signaling signaling) {
        this.registry = registry;
        this.media = new MediaMeters(registry, "webrtc");
        keep(Gauge.builder("tether.webrtc.peers.open", signaling, Signaling::connections)
                .description("WebRTC peer connections held now (answered and not yet released)")
                .strongReference(true)
                .register(registry));
        this.offersReceived = counter("tether.webrtc.offers.received", "SDP offers posted (new and renegotiations)");
        this.answersSent = counter("tether.webrtc.answers.sent", "SDP answers sent (200)");
        this.candidatesReceived = counter(
                "tether.webrtc.candidates.received", "ICE candidates trickled in PATCH requests for a known peer");
        this.peersConnected = counter("tether.webrtc.peers.connected", "Peer connections that reached CONNECTED");
        this.audioDropped = counter(
                "tether.webrtc.audio.dropped", "Remote audio frames dropped: the session's thread was 500 ms behind");
        this.messagesDropped = counter(
                "tether.webrtc.messages.dropped",
                "Data-channel messages dropped: the channel did not open in time, or maxQueuedMessages waited");
        this.offers = timer("offer");
        this.patches = timer("candidates");
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    private Counter counter(String name, String description, String... tags) {
        return keep(Counter.builder(name).tags(tags).description(description).register(registry));
    }

    private Timer timer(String request) {
        return keep(Timer.builder("tether.webrtc.signaling.requests")
                .tag("request", request)
                .description("Signaling requests (offer: POST, candidates: PATCH), from arrival to the answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry));
    }

    /** Every meter registered so far and those made later, the sessions' media meters with them. */
    Collection<Meter> meters() {
        Collection<Meter> mediaMeters = media.meters();
        return new AbstractCollection<>() {
            @Override
            public Iterator<Meter> iterator() {
                return Stream.concat(registered.stream(), mediaMeters.stream()).iterator();
            }

            @Override
            public int size() {
                return registered.size() + mediaMeters.size();
            }
        };
    }

    MediaMeters media() {
        return media;
    }

    void offerReceived() {
        offersReceived.increment();
    }

    /** An offer posted {@code nanos} ago was answered with {@code status}. */
    void offerAnswered(int status, long nanos) {
        offers.record(nanos, TimeUnit.NANOSECONDS);
        if (status == 200) {
            answersSent.increment();
            return;
        }
        int index = STATUSES.length; // other
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                index = i;
            }
        }
        Counter counter = refused.get(index);
        if (counter == null) {
            String tag = index == STATUSES.length ? "other" : Integer.toString(STATUSES[index]);
            counter = counter(
                    "tether.webrtc.offers.refused", "Offers answered with an error, by HTTP status", "status", tag);
            refused.set(index, counter);
        }
        counter.increment();
    }

    /** A PATCH of candidates posted {@code nanos} ago was answered. */
    void patchAnswered(long nanos) {
        patches.record(nanos, TimeUnit.NANOSECONDS);
    }

    void candidateReceived() {
        candidatesReceived.increment();
    }

    void peerConnected() {
        peersConnected.increment();
    }

    /** A peer connection was released while it was {@code last} (never {@code CLOSED}). */
    void peerClosed(PeerState last) {
        Counter counter = closed.get(last.ordinal());
        if (counter == null) {
            counter = counter(
                    "tether.webrtc.peers.closed",
                    "Peer connections released, by the state they were in",
                    "state",
                    last.name().toLowerCase(Locale.ROOT));
            closed.set(last.ordinal(), counter);
        }
        counter.increment();
    }

    void audioDropped() {
        audioDropped.increment();
    }

    void messagesDropped(int count) {
        messagesDropped.increment(count);
    }
}
