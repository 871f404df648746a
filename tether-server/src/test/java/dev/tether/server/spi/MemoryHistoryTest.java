package dev.tether.server.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.core.StreamPosition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The single node's history: per-entry expiry, a position that outlives its entries, and forgotten channels. */
class MemoryHistoryTest {
    private final ManualClock clock = new ManualClock();
    private final MemoryHistory history = new MemoryHistory(clock);
    private final HistoryPolicy policy = new HistoryPolicy(10, Duration.ofSeconds(10), Duration.ofMinutes(1));

    private StreamPosition append(String channel) {
        return history.append(channel, new byte[] {1}, policy);
    }

    @Test
    void eachPublicationExpiresOnItsOwnWhileThePositionStays() {
        append("c");
        clock.advance(Duration.ofSeconds(6));
        StreamPosition second = append("c");
        clock.advance(Duration.ofSeconds(5)); // the first is 11 s old, the second 5 s

        HistoryPage page = history.read("c", policy, null, 10);

        assertThat(page.latest()).isEqualTo(second);
        assertThat(page.publications()).extracting(e -> e.position().offset()).containsExactly(2L);
    }

    @Test
    void aChannelForgottenAfterItsPositionExpiredStartsANewEpoch() {
        StreamPosition before = append("c");
        clock.advance(Duration.ofMinutes(1));

        StreamPosition after = append("c");

        assertThat(after.offset()).isEqualTo(1);
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
    }

    @Test
    void forgottenChannelsAreSweptAwaySoMemoryFollowsTheLiveOnes() {
        for (int i = 0; i < 100; i++) {
            append("old." + i);
        }
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 4096; i++) { // a sweep runs every 4,096 appends
            append("live");
        }

        assertThat(history.channels()).isEqualTo(1);
    }
}
