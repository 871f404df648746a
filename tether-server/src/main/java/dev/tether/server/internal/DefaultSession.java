package dev.tether.server.internal;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.RpcRequest;
import dev.tether.server.ClientType;
import dev.tether.server.CloseStatus;
import dev.tether.server.Identity;
import dev.tether.server.Session;
import dev.tether.server.SessionState;
import dev.tether.server.SlowConsumerPolicy;
import dev.tether.server.TetherHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A webshocket.v1 session: the protocol on one {@link WsConnection}. Inbound, each message is decoded into a packet
 * on the I/O thread and goes to the RPC dispatcher ({@link SessionCalls}), the application's {@link TetherHandler}
 * or the pull queue, through the {@link SessionInbox}. Outbound, a packet is encoded on the caller's thread into a
 * buffer that leaves room for the frame header and handed to the connection's {@link SessionWriter}. Channel
 * subscriptions are its {@link SessionSubscriptions}; publications reach it from the {@link ChannelHub}.
 */
final class DefaultSession implements Session, ConnectionHandler {
    private final WsConnection connection;
    private final ClientType clientType;
    private final PacketCodec codec;
    private final @Nullable TetherHandler handler;
    private final SessionInbox inbox;
    private final SessionSubscriptions subscriptions;
    private final @Nullable SessionCalls rpc;
    private final Consumer<Throwable> ignoreFailure = error -> {};

    DefaultSession(
            WsConnection connection,
            ClientType clientType,
            PacketCodec codec,
            @Nullable TetherHandler handler,
            SessionInbox inbox,
            ChannelHub hub,
            @Nullable RpcDispatcher dispatcher,
            SlowConsumerPolicy defaultPolicy,
            int maxSubscribedChannels) {
        this.connection = connection;
        this.clientType = clientType;
        this.codec = codec;
        this.handler = handler;
        this.inbox = inbox;
        this.subscriptions = new SessionSubscriptions(this, hub, defaultPolicy, maxSubscribedChannels);
        this.rpc = handler != null && dispatcher != null ? dispatcher.newCalls(this) : null;
    }

    @Override
    public UUID id() {
        return connection.id();
    }

    @Override
    public ClientType clientType() {
        return clientType;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public Identity identity() {
        return connection.identity();
    }

    @Override
    public SessionState state() {
        return connection.state();
    }

    @Override
    public Map<String, Object> attributes() {
        return connection.attributes();
    }

    PacketCodec codec() {
        return codec;
    }

    SessionWriter writer() {
        return connection.writer();
    }

    // ---- outbound ------------------------------------------------------------------------------------------

    @Override
    public boolean send(@Nullable Object data) {
        if (!connection.isOpen()) {
            return false;
        }
        return connection
                .writer()
                .sendOwned(encode(codec, Packet.wrap(data), connection.channel().alloc()));
    }

    /**
     * Encodes {@code packet} into a new pooled buffer; the caller owns the buffer. The encoding starts after
     * {@link PreparedFrame#MAX_HEADER_BYTES} free bytes, where a connection can later put the frame header in place.
     */
    static ByteBuf encode(PacketCodec codec, Packet packet, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(256);
        buf.writerIndex(PreparedFrame.MAX_HEADER_BYTES).readerIndex(PreparedFrame.MAX_HEADER_BYTES);
        try {
            codec.encode(packet, new ByteBufOutputStream(buf));
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    @Override
    public long queuedBytes() {
        return connection.queuedBytes();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public long droppedPackets() {
        return connection.droppedMessages();
    }

    @Override
    public void close(int code, String reason) {
        connection.close(code, reason);
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        return connection.closeFuture();
    }

    // ---- channels ------------------------------------------------------------------------------------------

    @Override
    public boolean subscribe(String... names) {
        return subscribe(Arrays.asList(names), subscriptions.defaultPolicy());
    }

    @Override
    public boolean subscribe(Collection<String> names, SlowConsumerPolicy policy) {
        return subscriptions.add(names, policy);
    }

    @Override
    public boolean unsubscribe(String... names) {
        return subscriptions.remove(names);
    }

    @Override
    public Set<String> subscriptions() {
        return subscriptions.names();
    }

    /** The slow-consumer policy of the subscription {@code name}. */
    SlowConsumerPolicy policyOf(String name) {
        return subscriptions.policyOf(name);
    }

    /** What Tether's extension asked for on the subscription {@code name}, or {@code null}. */
    @Nullable
    ExtendedSubscription extensionOf(String name) {
        return subscriptions.extensionOf(name);
    }

    /** Subscribes to {@code name} for a client of Tether's extension; see {@link SessionSubscriptions#addExtended}. */
    boolean subscribeExtended(String name, ExtendedSubscription extension) {
        return subscriptions.addExtended(name, extension);
    }

    /** The allocator of this session's connection. */
    ByteBufAllocator channelAllocator() {
        return connection.channel().alloc();
    }

    // ---- the connection's events, on the event loop ----------------------------------------------------------

    @Override
    public void opened() {
        TetherHandler h = handler;
        if (h != null) {
            inbox.control(() -> h.onConnect(this), false, ignoreFailure);
        }
    }

    @Override
    public void message(ByteBuf content, boolean text) {
        Packet packet;
        try {
            if (content.hasArray()) {
                packet = codec.decode(
                        content.array(), content.arrayOffset() + content.readerIndex(), content.readableBytes());
            } else {
                byte[] bytes = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), bytes);
                packet = codec.decode(bytes);
            }
        } finally {
            content.release();
        }
        if (inbox.pullMode()) {
            inbox.offer(packet);
            return;
        }
        TetherHandler h = handler;
        if (h != null) {
            inbox.message(() -> deliver(h, packet), ignoreFailure);
        }
    }

    /** RPC requests go to the dispatcher, every other packet to the handler. */
    private void deliver(TetherHandler h, Packet packet) {
        RpcRequest request = packet.request();
        if (request != null && rpc != null) {
            rpc.received(request);
        } else {
            h.onPacket(this, packet);
        }
    }

    @Override
    public int callsInFlight() {
        SessionCalls calls = rpc;
        return calls == null ? 0 : calls.active();
    }

    @Override
    public void writable() {
        SessionCalls calls = rpc;
        if (calls != null) {
            calls.writable();
        }
    }

    @Override
    public void failed(Throwable cause) {
        // webshocket.v1 tells the application through the close status alone.
    }

    @Override
    public void closed(CloseStatus status) {
        subscriptions.clear();
        if (rpc != null) {
            rpc.close();
        }
        TetherHandler h = handler;
        if (h != null) {
            inbox.control(() -> h.onDisconnect(this, status), true, ignoreFailure);
        } else {
            inbox.endOfStream();
        }
        // Completes after onDisconnect ran, so a waiter sees the session gone from the server.
        inbox.run(() -> connection.completeClosed(status));
    }

    @Override
    public Packet recv(Duration timeout) throws InterruptedException {
        return inbox.recv(timeout);
    }

    @Override
    public String toString() {
        return "Session{" + id() + ", " + clientType + ", " + remoteAddress() + ", " + state() + "}";
    }
}
