package dev.tether.server.spi;

import dev.tether.core.StreamPosition;
import java.util.List;

/**
 * An answer of {@link ClusterBroker#history}.
 *
 * @param latest the channel's latest position (offset 0 before its first publication)
 * @param publications the publications asked for, oldest first
 */
public record HistoryPage(StreamPosition latest, List<HistoryEntry> publications) {

    public HistoryPage {
        publications = List.copyOf(publications);
    }
}
