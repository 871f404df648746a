package dev.tether.cluster.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that keep history and presence atomic for the whole cluster. Each reads the time from Redis
 * ({@code TIME}), so the nodes' clocks do not matter; times are milliseconds.
 */
public final class Scripts {
    private Scripts() {}

    /** One script: its text and its SHA-1. */
    public static final class Script {
        final String name;
        final String body;
        final String sha;

        Script(String name, String body) {
            this.name = name;
            this.body = body;
            this.sha = sha1(body);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /** Puts a fresh epoch in the meta hash KEYS[1] and empties the stream KEYS[2] of a forgotten one. */
    private static final String NEW_EPOCH = """
            local function newEpoch(epoch)
              redis.call('DEL', KEYS[2])
              redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
              return epoch
            end
            """;

    /** Removes the entries of the presence zset KEYS[2] (and hash KEYS[1]) whose expiry is due. */
    private static final String EXPIRE_PRESENCE = """
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
            for i = 1, #expired do
              redis.call('ZREM', KEYS[2], expired[i])
              redis.call('HDEL', KEYS[1], expired[i])
            end
            """;

    /**
     * KEYS: meta, stream, the sending node's last sequence on this channel. ARGV: Pub/Sub channel, envelope head,
     * packet, fresh epoch, size, ttl, meta ttl, node, sequence. Assigns the next offset, appends, trims to size and
     * age, publishes the positioned envelope; returns {offset, epoch}.
     *
     * <p>Idempotent for a command Lettuce sends again after a reconnect (it had run, but its reply was lost): a
     * sequence not newer than the node's last one on the channel appends and publishes nothing, and returns the
     * position its first run got (from the entry's {@code n}/{@code s} fields), or an error when the history no
     * longer holds it. The node's last sequence is kept for 10 minutes.
     */
    public static final Script PUBLISH_WITH_HISTORY = new Script("publish-with-history", NOW + NEW_EPOCH + """
            local last = redis.call('GET', KEYS[3])
            if last and tonumber(last) >= tonumber(ARGV[9]) then
              local kept = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[5])
              for i = 1, #kept do
                local f = kept[i][2]
                if f[6] == ARGV[8] and f[8] == ARGV[9] then
                  return {tonumber(f[2]), redis.call('HGET', KEYS[1], 'epoch')}
                end
              end
              return redis.error_reply('TETHER_RESENT publication ran before and is no longer kept')
            end
            redis.call('SET', KEYS[3], ARGV[9], 'PX', 600000)
            local epoch = redis.call('HGET', KEYS[1], 'epoch') or newEpoch(ARGV[4])
            local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[7])
            redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[5], '*', 'o', offset, 'p', ARGV[3], 'n', ARGV[8], 's', ARGV[9])
            redis.call('XTRIM', KEYS[2], 'MINID', now - tonumber(ARGV[6]) + 1)
            redis.call('PEXPIRE', KEYS[2], ARGV[6])
            redis.call('PUBLISH', ARGV[1],
                ARGV[2] .. struct.pack('>I8', offset) .. string.char(#epoch) .. epoch .. ARGV[3])
            return {offset, epoch}
            """);

    /**
     * KEYS: meta, stream. ARGV: fresh epoch, size, ttl, meta ttl, since epoch (empty for none), since offset, limit.
     * Returns {latest offset, epoch, offset 1, packet 1, ...}, oldest first; a channel without a position gets one.
     */
    public static final Script READ_HISTORY = new Script("read-history", NOW + NEW_EPOCH + """
            local epoch = redis.call('HGET', KEYS[1], 'epoch')
            if not epoch then
              epoch = newEpoch(ARGV[1])
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
              return {0, epoch}
            end
            local latest = tonumber(redis.call('HGET', KEYS[1], 'offset')) or 0
            redis.call('XTRIM', KEYS[2], 'MAXLEN', '=', ARGV[2])
            redis.call('XTRIM', KEYS[2], 'MINID', now - tonumber(ARGV[3]) + 1)
            local after = 0
            if ARGV[5] == epoch then
              after = tonumber(ARGV[6])
            end
            local result = {latest, epoch}
            if latest <= after then
              return result
            end
            local limit = tonumber(ARGV[7])
            local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', latest - after)
            for i = #newest, 1, -1 do
              local fields = newest[i][2]
              if tonumber(fields[2]) > after then
                if #result >= 2 + 2 * limit then
                  break
                end
                result[#result + 1] = fields[2]
                result[#result + 1] = fields[4]
              end
            end
            return result
            """);

    /**
     * KEYS: presence hash, expiry zset. ARGV: session, info, ttl, Pub/Sub channel, join envelope. Adds or refreshes
     * the entry; publishes the envelope and returns 1 when it is new, 0 for a refresh.
     */
    public static final Script JOIN = new Script("join", NOW + EXPIRE_PRESENCE + """
            local added = redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
            redis.call('PEXPIREAT', KEYS[1], last[2])
            redis.call('PEXPIREAT', KEYS[2], last[2])
            if added == 1 then
              redis.call('PUBLISH', ARGV[4], ARGV[5])
            end
            return added
            """);

    /**
     * KEYS: presence hash, expiry zset. ARGV: session, Pub/Sub channel, leave envelope. Removes the entry; publishes
     * the envelope and returns 1 when it was there.
     */
    public static final Script LEAVE = new Script("leave", NOW + EXPIRE_PRESENCE + """
            local removed = redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[1], ARGV[1])
            if removed == 1 then
              redis.call('PUBLISH', ARGV[2], ARGV[3])
            end
            return removed
            """);

    /** KEYS: presence hash, expiry zset. Returns {session 1, info 1, ...} of the entries not expired. */
    public static final Script PRESENCE =
            new Script("presence", NOW + EXPIRE_PRESENCE + "return redis.call('HGETALL', KEYS[1])\n");

    static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-1", e);
        }
    }
}
