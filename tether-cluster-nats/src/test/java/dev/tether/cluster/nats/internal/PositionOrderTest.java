package dev.tether.cluster.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.StreamPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PositionOrderTest {
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final PositionOrder order = new PositionOrder(
            (channel, packet, position, own) -> delivered.add(channel + " " + position + (own ? " own" : "")));

    @AfterEach
    void close() {
        order.close();
    }

    private void arrive(long offset, String epoch, boolean own) {
        order.arrive("c", new byte[0], new StreamPosition(offset, epoch), own);
    }

    /** Delivers {@code offset} first and waits until the channel has settled on it. */
    private void start(long offset, String epoch) {
        arrive(offset, epoch, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("c " + offset + "@" + epoch));
    }

    @Test
    void publicationsThatOvertookEachOtherGoOnInOffsetOrder() {
        start(1, "e");
        arrive(3, "e", true);
        arrive(4, "e", false);
        assertThat(delivered).containsExactly("c 1@e");

        arrive(2, "e", false);

        assertThat(delivered).containsExactly("c 1@e", "c 2@e", "c 3@e own", "c 4@e");
    }

    @Test
    void theFirstArrivalsOfAChannelAreSortedBeforeAnyIsDelivered() {
        arrive(8, "e", true);
        arrive(7, "e", false);
        assertThat(delivered).isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 2);

        assertThat(delivered).containsExactly("c 7@e", "c 8@e own");
    }

    @Test
    void aPublicationBehindTheCursorIsDroppedAndANewEpochStartsAfresh() {
        start(5, "e");
        arrive(5, "e", true);
        arrive(4, "e", false);
        start(1, "f");

        assertThat(delivered).containsExactly("c 5@e", "c 1@f");
    }

    @Test
    void aHoleThatNeverFillsIsGivenUpAfterTheHoldTime() {
        start(1, "e");
        arrive(3, "e", false);

        await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 2);
        arrive(2, "e", false); // too late: skipped as a gap
        arrive(4, "e", false);

        assertThat(delivered).containsExactly("c 1@e", "c 3@e", "c 4@e");
    }
}
