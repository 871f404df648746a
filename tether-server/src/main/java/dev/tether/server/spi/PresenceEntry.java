package dev.tether.server.spi;

/**
 * One session present in a channel.
 *
 * @param session the session's id
 * @param info what the application tells about the session, opaque to brokers: the server writes a MessagePack
 *     CUSTOM packet whose data is the application's value
 */
public record PresenceEntry(String session, byte[] info) {}
