package dev.tether.cluster.redis.internal;

import dev.tether.cluster.redis.internal.Envelope.MalformedEnvelopeException;
import dev.tether.cluster.redis.internal.Scripts.Script;
import dev.tether.core.ChannelPattern;
import dev.tether.core.StreamPosition;
import dev.tether.core.TetherException;
import dev.tether.server.spi.ClusterBroker;
import dev.tether.server.spi.HistoryEntry;
import dev.tether.server.spi.HistoryPage;
import dev.tether.server.spi.HistoryPolicy;
import dev.tether.server.spi.MemoryHistory;
import dev.tether.server.spi.PresenceEntry;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's link to Redis: a command connection that carries every publication, script and read of this node in
 * order, and a Pub/Sub connection for the channels and patterns it has subscribers for.
 *
 * <p>Threads: the public methods may be called on any thread and never wait for Redis; they take a short lock to
 * number and dispatch a command, so that sequence numbers, dispatch order and Redis' execution order agree. Replies
 * and Pub/Sub messages arrive on Lettuce's event loop and go straight to the stage or the {@link
 * ClusterBroker.Inbound}.
 */
public final class RedisNode {
    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** Room in Lettuce's queue for reads and presence commands beside the publications this node bounds itself. */
    private static final int OTHER_COMMANDS = 1024;

    private final String display;
    private final Keys keys;
    private final int maxPendingPublications;
    private final Duration commandTimeout;
    private final long node = RANDOM.nextLong();
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;

    private final Object dispatchLock = new Object();
    private long sequence; // guarded by dispatchLock: the last envelope's number
    private long dispatched; // guarded by dispatchLock: commands handed to the command connection
    private final AtomicInteger pendingPublications = new AtomicInteger();

    private final Object subscriptionLock = new Object();
    private final Set<String> exact = ConcurrentHashMap.newKeySet();
    private final Map<String, List<ChannelPattern>> patterns = new ConcurrentHashMap<>();
    private final LastSequences lastSequences = new LastSequences();
    /** The scripts this node believes Redis has cached: a hint, see {@link #runScript}. */
    private final Set<Script> loaded = ConcurrentHashMap.newKeySet();

    private volatile @Nullable StatefulRedisConnection<byte[], byte[]> commands;
    private volatile @Nullable StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private volatile ClusterBroker.@Nullable Inbound inbound;
    private volatile boolean closed;
    private volatile long lostAt; // System.nanoTime() when the command connection went down, 0 while up
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean warnedDropping = new AtomicBoolean();
    private final AtomicBoolean warnedMalformed = new AtomicBoolean();
    private final CompletableFuture<Void> closing = new CompletableFuture<>();

    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder reconnects = new LongAdder();

    public RedisNode(String redisUri, String prefix, int maxPendingPublications, Duration commandTimeout) {
        this.uri = RedisURI.create(redisUri);
        this.display = display(uri);
        this.keys = new Keys(prefix);
        this.maxPendingPublications = maxPendingPublications;
        this.commandTimeout = commandTimeout;
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .requestQueueSize(maxPendingPublications + OTHER_COMMANDS)
                // Publications wait for Redis as long as it takes; reads time out in this class instead.
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .maintNotificationsConfig(MaintNotificationsConfig.disabled())
                .build());
        client.addListener(new ConnectionWatcher());
    }

    /** The counters of {@code RedisBroker.Stats}, in its order. */
    public long[] counters() {
        return new long[] {
            published.sum(), received.sum(), dropped.sum(), failed.sum(), malformed.sum(), reconnects.sum()
        };
    }

    /** Publications handed to Redis and not yet answered: held while it is unreachable, or on their way. */
    public int pendingPublications() {
        return pendingPublications.get();
    }

    /** Whether both connections are up. */
    public boolean connected() {
        StatefulRedisConnection<byte[], byte[]> c = commands;
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        return c != null && c.isOpen() && p != null && p.isOpen();
    }

    public String display() {
        return display;
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------

    public CompletionStage<Void> start(ClusterBroker.Inbound inbound) {
        if (!started.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("already started: " + display));
        }
        this.inbound = inbound;
        CompletableFuture<Void> c = client.connectAsync(ByteArrayCodec.INSTANCE, uri)
                .toCompletableFuture()
                .thenAccept(connection -> commands = connection);
        CompletableFuture<Void> p = client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri)
                .toCompletableFuture()
                .thenAccept(connection -> {
                    connection.addListener(new MessageListener());
                    pubsub = connection;
                });
        return CompletableFuture.allOf(c, p).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("Could not connect to Redis at {}: {}", display, error.toString());
            }
        });
    }

    public CompletionStage<Void> close() {
        if (closed) {
            return closing;
        }
        closed = true;
        inbound = null;
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        StatefulRedisConnection<byte[], byte[]> c = commands;
        CompletableFuture.allOf(p != null ? p.closeAsync() : DONE, c != null ? c.closeAsync() : DONE)
                .handle((ok, error) -> client.shutdownAsync(0, 2, TimeUnit.SECONDS))
                .thenCompose(shutdown -> shutdown)
                .whenComplete((ok, error) ->
                        resources.shutdown(0, 2, TimeUnit.SECONDS).addListener(done -> closing.complete(null)));
        return closing;
    }

    // ---- publications ----------------------------------------------------------------------------------------

    public CompletionStage<Void> publish(String channel, byte[] packet) {
        StatefulRedisConnection<byte[], byte[]> connection = commands;
        if (connection == null || closed) {
            return notOpen();
        }
        byte[] target = keys.channel(channel);
        RedisFuture<Long> future;
        synchronized (dispatchLock) {
            if (!reservePublication()) {
                return drop();
            }
            dispatched++;
            future = connection.async().publish(target, Envelope.publication(node, ++sequence, packet));
        }
        return settle(future.toCompletableFuture()).thenApply(receivers -> null);
    }

    public CompletionStage<StreamPosition> publish(String channel, byte[] packet, HistoryPolicy history) {
        StatefulRedisConnection<byte[], byte[]> connection = commands;
        if (connection == null || closed) {
            return notOpen();
        }
        byte[][] keys = {this.keys.meta(channel), this.keys.history(channel), this.keys.lastSequence(channel, node)};
        CompletableFuture<List<Object>> future;
        synchronized (dispatchLock) {
            if (!reservePublication()) {
                return drop();
            }
            long numbered = ++sequence;
            byte[] head = Envelope.positionedHead(node, numbered);
            future = runScript(
                    connection,
                    Scripts.PUBLISH_WITH_HISTORY,
                    ScriptOutputType.MULTI,
                    keys,
                    this.keys.channel(channel),
                    head,
                    packet,
                    utf8(MemoryHistory.newEpoch()),
                    number(history.size()),
                    number(history.ttl().toMillis()),
                    number(history.metaTtl().toMillis()),
                    utf8(Long.toHexString(node)),
                    number(numbered));
        }
        return settle(future).thenApply(reply -> new StreamPosition((Long) reply.get(0), text(reply.get(1))));
    }

    private boolean reservePublication() {
        if (pendingPublications.get() >= maxPendingPublications) {
            return false;
        }
        pendingPublications.incrementAndGet();
        return true;
    }

    private <T> CompletableFuture<T> settle(CompletableFuture<T> future) {
        return future.whenComplete((ok, error) -> {
            if (pendingPublications.decrementAndGet() == 0) {
                warnedDropping.set(false); // the backlog is gone: the next one is news again
            }
            if (error == null) {
                published.increment();
            } else {
                failed.increment();
                log.debug("A publication to Redis at {} failed", display, error);
            }
        });
    }

    private <T> CompletableFuture<T> drop() {
        dropped.increment();
        if (warnedDropping.compareAndSet(false, true)) {
            log.warn(
                    "{} publications are waiting for Redis at {} ({}); dropping more until they are sent",
                    maxPendingPublications,
                    display,
                    lostAt != 0 ? "it is unreachable" : "it is slow");
        }
        return CompletableFuture.failedFuture(new TetherException("publication dropped: " + maxPendingPublications
                + " publications are waiting for Redis at " + display + " (maxPendingPublications)"));
    }

    private <T> CompletableFuture<T> notOpen() {
        return CompletableFuture.failedFuture(
                new IllegalStateException((closed ? "closed: " : "not started: ") + display));
    }

    // ---- history and presence --------------------------------------------------------------------------------

    public CompletionStage<HistoryPage> history(
            String channel, HistoryPolicy history, @Nullable StreamPosition since, int limit) {
        CompletableFuture<List<Object>> reply = timedScript(
                Scripts.READ_HISTORY,
                ScriptOutputType.MULTI,
                new byte[][] {keys.meta(channel), keys.history(channel)},
                utf8(MemoryHistory.newEpoch()),
                number(history.size()),
                number(history.ttl().toMillis()),
                number(history.metaTtl().toMillis()),
                utf8(since != null ? since.epoch() : ""),
                number(since != null ? since.offset() : 0),
                number(Math.max(limit, 0)));
        return reply.thenApply(list -> {
            StreamPosition latest = new StreamPosition((Long) list.get(0), text(list.get(1)));
            List<HistoryEntry> entries = new ArrayList<>((list.size() - 2) / 2);
            for (int i = 2; i + 1 < list.size(); i += 2) {
                long offset = Long.parseLong(text(list.get(i)));
                entries.add(new HistoryEntry(new StreamPosition(offset, latest.epoch()), (byte[]) list.get(i + 1)));
            }
            return new HistoryPage(latest, entries);
        });
    }

    public CompletionStage<Boolean> join(String channel, PresenceEntry entry, Duration ttl) {
        return presenceChange(channel, entry, ttl);
    }

    public CompletionStage<Boolean> leave(String channel, PresenceEntry entry) {
        return presenceChange(channel, entry, null);
    }

    /** A join when {@code ttl} is given, a leave otherwise; its envelope is numbered under the dispatch lock. */
    private CompletionStage<Boolean> presenceChange(String channel, PresenceEntry entry, @Nullable Duration ttl) {
        StatefulRedisConnection<byte[], byte[]> connection = commands;
        if (connection == null || closed) {
            return notOpen();
        }
        byte[][] keys = {this.keys.presence(channel), this.keys.presenceExpiry(channel)};
        byte[] session = utf8(entry.session());
        CompletableFuture<Long> reply;
        synchronized (dispatchLock) {
            byte[] envelope = Envelope.presence(ttl != null, node, ++sequence, entry.session(), entry.info());
            reply = ttl != null
                    ? runScript(
                            connection,
                            Scripts.JOIN,
                            ScriptOutputType.INTEGER,
                            keys,
                            session,
                            entry.info(),
                            number(Math.max(ttl.toMillis(), 1)),
                            this.keys.channel(channel),
                            envelope)
                    : runScript(
                            connection,
                            Scripts.LEAVE,
                            ScriptOutputType.INTEGER,
                            keys,
                            session,
                            this.keys.channel(channel),
                            envelope);
        }
        return timed(reply).thenApply(changed -> changed == 1L);
    }

    public CompletionStage<List<PresenceEntry>> presence(String channel) {
        CompletableFuture<List<Object>> reply = timedScript(Scripts.PRESENCE, ScriptOutputType.MULTI, new byte[][] {
            keys.presence(channel), keys.presenceExpiry(channel)
        });
        return reply.thenApply(list -> {
            List<PresenceEntry> entries = new ArrayList<>(list.size() / 2);
            for (int i = 0; i + 1 < list.size(); i += 2) {
                entries.add(new PresenceEntry(text(list.get(i)), (byte[]) list.get(i + 1)));
            }
            return entries;
        });
    }

    private <T> CompletableFuture<T> timedScript(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        StatefulRedisConnection<byte[], byte[]> connection = commands;
        if (connection == null || closed) {
            return notOpen();
        }
        CompletableFuture<T> reply;
        synchronized (dispatchLock) {
            reply = runScript(connection, script, type, keys, args);
        }
        return timed(reply);
    }

    /**
     * Fails {@code reply} after the command timeout. The command itself stays queued: a read that runs late is
     * harmless, and a late join makes an entry that expires by its time to live.
     */
    private <T> CompletableFuture<T> timed(CompletableFuture<T> reply) {
        CompletableFuture<T> timed = new CompletableFuture<>();
        reply.whenComplete((value, error) -> {
            if (error != null) {
                timed.completeExceptionally(error);
            } else {
                timed.complete(value);
            }
        });
        return timed.orTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code script} by its SHA-1, or by its text when Redis may not have it (at first, after a reconnect, after
     * a NOSCRIPT answer). A NOSCRIPT answer is retried only when no command was dispatched after it, since a retry
     * behind later publications would give them the earlier offsets; otherwise it fails. The caller holds the
     * dispatch lock.
     */
    private <T> CompletableFuture<T> runScript(
            StatefulRedisConnection<byte[], byte[]> connection,
            Script script,
            ScriptOutputType type,
            byte[][] keys,
            byte[]... args) {
        CompletableFuture<T> result = new CompletableFuture<>();
        dispatchScript(connection, script, type, keys, args, result);
        return result;
    }

    private <T> void dispatchScript(
            StatefulRedisConnection<byte[], byte[]> connection,
            Script script,
            ScriptOutputType type,
            byte[][] keys,
            byte[][] args,
            CompletableFuture<T> result) {
        long number = ++dispatched;
        boolean bySha = loaded.contains(script);
        RedisFuture<T> reply = bySha
                ? connection.async().evalsha(script.sha, type, keys, args)
                : connection.async().eval(script.body, type, keys, args);
        reply.whenComplete((value, error) -> {
            if (error == null) {
                loaded.add(script);
                result.complete(value);
            } else if (error instanceof RedisNoScriptException) {
                loaded.remove(script);
                synchronized (dispatchLock) {
                    if (dispatched == number && !closed) {
                        dispatchScript(connection, script, type, keys, args, result);
                        return;
                    }
                }
                result.completeExceptionally(new TetherException(
                        "Redis at " + display + " lost the script " + script + " (a restart or SCRIPT FLUSH) while"
                                + " later commands were on their way; it is not run again, so that it cannot"
                                + " overtake them",
                        error));
            } else {
                result.completeExceptionally(error);
            }
        });
    }

    // ---- subscriptions ---------------------------------------------------------------------------------------

    public CompletionStage<Void> interest(String nameOrPattern, boolean subscribed) {
        StatefulRedisPubSubConnection<byte[], byte[]> connection = pubsub;
        if (connection == null || closed) {
            return notOpen();
        }
        RedisFuture<Void> future;
        synchronized (subscriptionLock) {
            if (ChannelPattern.isPattern(nameOrPattern)) {
                String redisPattern;
                ChannelPattern pattern;
                try {
                    pattern = ChannelPattern.compile(nameOrPattern);
                    redisPattern = keys.channelPattern(nameOrPattern);
                } catch (IllegalArgumentException e) {
                    return CompletableFuture.failedFuture(e);
                }
                List<ChannelPattern> owners = patterns.getOrDefault(redisPattern, List.of());
                if (subscribed == owners.contains(pattern)) {
                    return DONE;
                }
                List<ChannelPattern> now = new ArrayList<>(owners);
                if (subscribed) {
                    now.add(pattern);
                } else {
                    now.remove(pattern);
                }
                if (now.isEmpty()) {
                    patterns.remove(redisPattern);
                } else {
                    patterns.put(redisPattern, List.copyOf(now));
                }
                if (!owners.isEmpty() && !now.isEmpty()) {
                    return DONE; // another pattern of this node has the same Redis pattern
                }
                byte[] bytes = utf8(redisPattern);
                future = subscribed
                        ? connection.async().psubscribe(bytes)
                        : connection.async().punsubscribe(bytes);
            } else {
                if (subscribed ? !exact.add(nameOrPattern) : !exact.remove(nameOrPattern)) {
                    return DONE;
                }
                byte[] channel = keys.channel(nameOrPattern);
                future = subscribed
                        ? connection.async().subscribe(channel)
                        : connection.async().unsubscribe(channel);
            }
        }
        return timed(future.toCompletableFuture());
    }

    /** Hands messages of other nodes to the inbound, each once; runs on Lettuce's event loop, so it only queues. */
    private final class MessageListener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] message) {
            receive(channel, message, null);
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            receive(channel, message, pattern);
        }
    }

    private void receive(byte[] redisChannel, byte[] message, byte @Nullable [] pattern) {
        ClusterBroker.Inbound target = inbound;
        String channel = keys.channelName(redisChannel);
        if (target == null || closed || channel == null || !wanted(channel, pattern)) {
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.decode(message);
        } catch (MalformedEnvelopeException e) {
            malformed.increment();
            if (warnedMalformed.compareAndSet(false, true)) {
                log.warn(
                        "Dropped a message on {} from Redis at {} that is no Tether envelope (more at DEBUG): {}",
                        channel,
                        display,
                        e.getMessage());
            } else {
                log.debug("Dropped a message on {} that is no Tether envelope: {}", channel, e.getMessage());
            }
            return;
        }
        // A node's own messages come back only when positioned: the server delivers those to its subscribers with
        // positions from here, in the order the history script gave them, whichever node published.
        boolean own = envelope.node() == node;
        if (own && envelope.kind() != Envelope.Kind.POSITIONED) {
            return;
        }
        // Redis sends a message once per matching subscription, and Lettuce may send a command twice after a
        // reconnect; a node's sequence numbers only grow, so anything not newer was seen.
        if (!lastSequences.advance(envelope.node(), envelope.sequence())) {
            return;
        }
        received.increment();
        try {
            switch (envelope.kind()) {
                case PUBLICATION -> target.deliver(channel, envelope.payload());
                case POSITIONED ->
                    target.deliver(channel, envelope.payload(), requireNonNull(envelope.position()), own);
                case JOIN, LEAVE ->
                    target.presence(
                            channel,
                            new PresenceEntry(requireNonNull(envelope.session()), envelope.payload()),
                            envelope.kind() == Envelope.Kind.JOIN);
            }
        } catch (RuntimeException e) {
            log.error("The server's inbound failed on a message on {}", channel, e);
        }
    }

    /** Whether this node still has the subscription a message came by: exact, or a pattern that matches. */
    private boolean wanted(String channel, byte @Nullable [] pattern) {
        if (pattern == null) {
            return exact.contains(channel);
        }
        List<ChannelPattern> owners = patterns.get(new String(pattern, StandardCharsets.UTF_8));
        if (owners != null) {
            for (ChannelPattern owner : owners) {
                if (owner.matches(channel)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static <T> T requireNonNull(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("decode() sets it for this kind");
        }
        return value;
    }

    /** The last sequence number seen of each sending node, for the few thousand nodes seen most recently. */
    private static final class LastSequences {
        private static final int NODES = 4096;
        private final Map<Long, Long> last = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > NODES;
            }
        };

        synchronized boolean advance(long node, long sequence) {
            Long previous = last.get(node);
            if (previous != null && sequence <= previous) {
                return false;
            }
            last.put(node, sequence);
            return true;
        }
    }

    /** Notices the command connection going down and coming back; Lettuce reconnects by itself. */
    private final class ConnectionWatcher implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            long since = lostAt;
            if (connection != commands || closed || since == 0) {
                return; // a first connection, or the Pub/Sub one
            }
            lostAt = 0;
            reconnects.increment();
            log.info(
                    "Reconnected to Redis at {} after {} ms; sending the {} publications held",
                    display,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since),
                    pendingPublications.get());
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection != commands || closed) {
                return;
            }
            loaded.clear(); // a restarted Redis has none of them
            if (lostAt != 0) {
                return; // an attempt that connected but failed its handshake: the same outage
            }
            lostAt = System.nanoTime() | 1; // never 0
            log.warn(
                    "Lost the connection to Redis at {}; reconnecting, and holding up to {} publications meanwhile",
                    display,
                    maxPendingPublications);
        }
    }

    /** The URI without its credentials, and with its port even when it is the default. */
    private static String display(RedisURI uri) {
        if (uri.getHost() == null || !uri.getSentinels().isEmpty()) {
            return uri.toString(); // a socket or Sentinel URI; Lettuce masks the password
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return utf8(Long.toString(value));
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }
}
