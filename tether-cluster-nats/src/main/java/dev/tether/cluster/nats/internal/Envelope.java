package dev.tether.cluster.nats.internal;

import dev.tether.core.StreamPosition;
import dev.tether.server.spi.PresenceEntry;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.jspecify.annotations.Nullable;

/**
 * The headers of what the broker sends: on a channel subject, a publication (its packet as the payload) or a
 * presence event (the entry's info as the payload); in a history stream, the stored publication.
 */
final class Envelope {
    /** The node that sent the message; a node ignores its own (NATS's no-echo option already spares it them). */
    static final String NODE = "Tether-Node";
    /** {@value #PUBLICATION}, {@value #JOIN} or {@value #LEAVE}. */
    static final String KIND = "Tether-Kind";
    /** A publication's offset in its channel's history; with {@link #EPOCH}, its position. */
    static final String OFFSET = "Tether-Offset";

    static final String EPOCH = "Tether-Epoch";
    /** The session that joined or left. */
    static final String SESSION = "Tether-Session";
    /** How long a presence entry lives after it was written, in milliseconds. */
    static final String TTL = "Tether-Ttl";

    static final String PUBLICATION = "publication";
    static final String JOIN = "join";
    static final String LEAVE = "leave";

    /** JetStream's optimistic concurrency: the write fails unless the subject's last message has this sequence. */
    static final String EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";
    /** A key-value delete marker says {@code DEL} or {@code PURGE} here. */
    static final String KV_OPERATION = "KV-Operation";

    private Envelope() {}

    static Message publication(String subject, String node, byte[] packet, @Nullable StreamPosition position) {
        Headers headers = new Headers().put(NODE, node).put(KIND, PUBLICATION);
        if (position != null) {
            withPosition(headers, position);
        }
        return NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(packet)
                .build();
    }

    static Message presence(String subject, String node, PresenceEntry entry, boolean joined) {
        Headers headers =
                new Headers().put(NODE, node).put(KIND, joined ? JOIN : LEAVE).put(SESSION, entry.session());
        return NatsMessage.builder()
                .subject(subject)
                .headers(headers)
                .data(entry.info())
                .build();
    }

    static Headers withPosition(Headers headers, StreamPosition position) {
        return headers.put(OFFSET, Long.toString(position.offset())).put(EPOCH, position.epoch());
    }

    /**
     * The position in {@code headers}, or {@code null} when they carry none.
     *
     * @throws IllegalArgumentException when the position headers are there but malformed
     */
    static @Nullable StreamPosition position(@Nullable Headers headers) {
        String offset = headers == null ? null : headers.getFirst(OFFSET);
        String epoch = headers == null ? null : headers.getFirst(EPOCH);
        if (offset == null && epoch == null) {
            return null;
        }
        if (offset == null || epoch == null) {
            throw new IllegalArgumentException(
                    "position: " + offset + "@" + epoch + " (expected: both " + OFFSET + " and " + EPOCH + ")");
        }
        try {
            return new StreamPosition(Long.parseLong(offset), epoch);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset: '" + offset + "' (expected: a number)", e);
        }
    }

    /** The stored position {@code value} ({@code offset@epoch}, as {@link StreamPosition#toString}) encodes. */
    static StreamPosition parsePosition(String value) {
        int at = value.indexOf('@');
        try {
            if (at > 0) {
                return new StreamPosition(Long.parseLong(value.substring(0, at)), value.substring(at + 1));
            }
        } catch (IllegalArgumentException e) { // a NumberFormatException, or an empty epoch
            throw new IllegalArgumentException("position: '" + value + "' (expected: offset@epoch)", e);
        }
        throw new IllegalArgumentException("position: '" + value + "' (expected: offset@epoch)");
    }

    /** The sender of {@code message}, or {@code null} when it says none. */
    static @Nullable String node(Message message) {
        Headers headers = message.getHeaders();
        return headers == null ? null : headers.getFirst(NODE);
    }
}
