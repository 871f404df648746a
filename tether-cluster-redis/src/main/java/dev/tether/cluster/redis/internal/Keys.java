package dev.tether.cluster.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The names one cluster uses in Redis, all starting with its prefix: the Pub/Sub channel of a Tether channel
 * ({@code prefix:ch:name}), and the keys of its history ({@code prefix:meta:name}, {@code prefix:history:name}) and
 * presence ({@code prefix:presence:name}, {@code prefix:presence-expiry:name}).
 */
public final class Keys {
    private final String prefix;
    private final byte[] channelPrefix;

    public Keys(String prefix) {
        this.prefix = prefix;
        this.channelPrefix = (prefix + ":ch:").getBytes(StandardCharsets.UTF_8);
    }

    /** The Pub/Sub channel of {@code channel}. */
    public byte[] channel(String channel) {
        return utf8(prefix + ":ch:" + channel);
    }

    /** The {@code PSUBSCRIBE} pattern of Tether's {@code pattern}, see {@link RedisGlob#translate}. */
    public String channelPattern(String pattern) {
        return RedisGlob.escape(prefix + ":ch:") + RedisGlob.translate(pattern);
    }

    /** The Tether channel a Pub/Sub channel of this cluster carries, or null when it is not one. */
    public @Nullable String channelName(byte[] redisChannel) {
        int start = channelPrefix.length;
        if (redisChannel.length <= start || !Arrays.equals(redisChannel, 0, start, channelPrefix, 0, start)) {
            return null;
        }
        return new String(redisChannel, start, redisChannel.length - start, StandardCharsets.UTF_8);
    }

    /** The hash of a channel's history position: fields {@code epoch} and {@code offset}. */
    public byte[] meta(String channel) {
        return utf8(prefix + ":meta:" + channel);
    }

    /**
     * The stream of a channel's history: one entry per publication, fields {@code o} (offset), {@code p} (packet),
     * {@code n} (publishing node) and {@code s} (its sequence number).
     */
    public byte[] history(String channel) {
        return utf8(prefix + ":history:" + channel);
    }

    /** The last sequence number {@code node} published with history on {@code channel} (a resend is not appended). */
    public byte[] lastSequence(String channel, long node) {
        return utf8(prefix + ":sequence:" + Long.toHexString(node) + ":" + channel);
    }

    /** The hash of a channel's presence: session to info. */
    public byte[] presence(String channel) {
        return utf8(prefix + ":presence:" + channel);
    }

    /** The sorted set of a channel's presence: session to the millisecond its entry expires. */
    public byte[] presenceExpiry(String channel) {
        return utf8(prefix + ":presence-expiry:" + channel);
    }

    /** A {@code SCAN MATCH} pattern of every key and channel of this cluster. */
    public String everything() {
        return RedisGlob.escape(prefix) + ":*";
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
