package dev.tether.media;

/** How a {@link MediaEndpoint} treats a client that connects while another is connected. */
public enum ClientMode {
    /** Every connection is its own session, with its own pacing, queue and state: many calls at once. */
    PER_CONNECTION,

    /**
     * One client at a time; another that connects meanwhile is closed with 1013 {@code Server already has a connected
     * client} and never reaches the handler (pipecat's newer behaviour).
     */
    SINGLE_REJECT,

    /**
     * One client at a time; another that connects meanwhile takes over: the old one is closed with 1000 {@code
     * Replaced by a new connection} (pipecat's older behaviour).
     */
    SINGLE_REPLACE
}
