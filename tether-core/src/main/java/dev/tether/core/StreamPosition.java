package dev.tether.core;

/**
 * Where a publication stands in the history of its channel: its {@code offset}, counted from 1 for the channel's
 * first publication, and the {@code epoch} of the history that counted it.
 *
 * <p>Offsets of one epoch have no holes: a subscriber that saw offset 7 and then sees 9 missed 8. A new epoch
 * means the history was lost (the broker restarted without it, or it expired entirely) and offsets started again,
 * so a position of another epoch says nothing about what was missed. Offset 0 is the position of a channel before
 * its first publication.
 *
 * @param offset the publication's place in its channel, from 1; 0 before the first
 * @param epoch names one unbroken history of the channel
 */
public record StreamPosition(long offset, String epoch) {

    public StreamPosition {
        if (offset < 0) {
            throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
        }
        if (epoch == null || epoch.isEmpty()) {
            throw new IllegalArgumentException("epoch: '" + epoch + "' (expected: a non-empty string)");
        }
    }

    /** The position of the publication after this one in the same epoch. */
    public StreamPosition next() {
        return new StreamPosition(offset + 1, epoch);
    }

    /** Whether {@code other} is of the same history as this position. */
    public boolean sameEpoch(StreamPosition other) {
        return epoch.equals(other.epoch);
    }

    @Override
    public String toString() {
        return offset + "@" + epoch;
    }
}
