package dev.tether.server.spi;

/**
 * One session present in a channel.
 *
 * @param session the session's id
 * @param info the MessagePack encoding of what the application tells about the session (nil when nothing)
 */
public record PresenceEntry(String session, byte[] info) {}
