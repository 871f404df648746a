package dev.tether.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.cluster.redis.internal.Envelope.Kind;
import dev.tether.cluster.redis.internal.Envelope.MalformedEnvelopeException;
import dev.tether.core.StreamPosition;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final byte[] PACKET = {(byte) 0x93, 1, 2, 3};

    @Test
    void publicationRoundTrips() {
        Envelope envelope = Envelope.decode(Envelope.publication(-7L, 42L, PACKET));

        assertThat(envelope.kind()).isEqualTo(Kind.PUBLICATION);
        assertThat(envelope.node()).isEqualTo(-7L);
        assertThat(envelope.sequence()).isEqualTo(42L);
        assertThat(envelope.position()).isNull();
        assertThat(envelope.session()).isNull();
        assertThat(envelope.payload()).isEqualTo(PACKET);
    }

    @Test
    void positionedPublicationRoundTrips() {
        StreamPosition position = new StreamPosition(1L << 40, "0123456789abcdef");

        Envelope envelope = Envelope.decode(Envelope.positioned(9L, 1L, position, PACKET));

        assertThat(envelope.kind()).isEqualTo(Kind.POSITIONED);
        assertThat(envelope.position()).isEqualTo(position);
        assertThat(envelope.payload()).isEqualTo(PACKET);
    }

    @Test
    void positionedHeadIsTheStartOfAPositionedEnvelope() {
        byte[] whole = Envelope.positioned(9L, 5L, new StreamPosition(3, "e"), PACKET);

        assertThat(Arrays.copyOf(whole, Envelope.HEAD_BYTES)).isEqualTo(Envelope.positionedHead(9L, 5L));
    }

    @Test
    void joinAndLeaveRoundTrip() {
        Envelope join = Envelope.decode(Envelope.presence(true, 1L, 2L, "s-ädä", PACKET));
        Envelope leave = Envelope.decode(Envelope.presence(false, 1L, 3L, "s-1", new byte[0]));

        assertThat(join.kind()).isEqualTo(Kind.JOIN);
        assertThat(join.session()).isEqualTo("s-ädä");
        assertThat(join.payload()).isEqualTo(PACKET);
        assertThat(leave.kind()).isEqualTo(Kind.LEAVE);
        assertThat(leave.session()).isEqualTo("s-1");
        assertThat(leave.payload()).isEmpty();
    }

    @Test
    void everyTruncationOfAnEnvelopeWithAFixedPartIsRefused() {
        byte[] positioned = Envelope.positioned(9L, 1L, new StreamPosition(3, "epoch"), new byte[0]);
        byte[] join = Envelope.presence(true, 1L, 2L, "session", new byte[0]);

        for (byte[] whole : new byte[][] {positioned, join}) {
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = Arrays.copyOf(whole, length);
                assertThatThrownBy(() -> Envelope.decode(cut))
                        .as("cut to %d bytes", length)
                        .isInstanceOf(MalformedEnvelopeException.class);
            }
        }
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] envelope = Envelope.publication(1L, 1L, PACKET);
        envelope[0] = 2;

        assertThatThrownBy(() -> Envelope.decode(envelope))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessage("version: 2 (expected: 1)");
    }

    @Test
    void anUnknownKindIsRefused() {
        byte[] envelope = Envelope.publication(1L, 1L, PACKET);
        envelope[1] = 9;

        assertThatThrownBy(() -> Envelope.decode(envelope))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessage("kind: 9 (expected: 1 to 4)");
    }

    @Test
    void anEpochThatIsNotUtf8OrAnOffsetOfZeroIsRefused() {
        byte[] badEpoch = Envelope.positioned(1L, 1L, new StreamPosition(1, "ab"), PACKET);
        badEpoch[Envelope.HEAD_BYTES + 9] = (byte) 0xff;
        byte[] zero = Envelope.positioned(1L, 1L, new StreamPosition(0, "ab"), PACKET);

        assertThatThrownBy(() -> Envelope.decode(badEpoch)).isInstanceOf(MalformedEnvelopeException.class);
        assertThatThrownBy(() -> Envelope.decode(zero))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessageContaining("position: 0@ab");
    }

    @Test
    void randomBytesAreReadOrRefusedButNeverThrowAnythingElse() {
        Random random = new Random(20240611L);
        for (int i = 0; i < 10_000; i++) {
            byte[] garbage = new byte[random.nextInt(40)];
            random.nextBytes(garbage);
            if (garbage.length > 1 && random.nextBoolean()) {
                garbage[0] = Envelope.VERSION;
                garbage[1] = (byte) (1 + random.nextInt(4));
            }
            try {
                Envelope.decode(garbage);
            } catch (MalformedEnvelopeException expected) {
                // refused, as it should be
            }
        }
        assertThat("plain text".getBytes(StandardCharsets.UTF_8))
                .satisfies(text ->
                        assertThatThrownBy(() -> Envelope.decode(text)).isInstanceOf(MalformedEnvelopeException.class));
    }
}
