package dev.tether.server.internal;

import dev.tether.core.PacketCodec;
import dev.tether.core.WireFormat;
import dev.tether.server.ClientType;
import dev.tether.server.NonBlocking;
import dev.tether.server.ServerConfig;
import dev.tether.server.TetherHandler;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * webshocket.v1 mounted on the server's path: a client that offers the {@code webshocket.v1} subprotocol is a
 * framework client and speaks MessagePack in binary frames, any other is a generic client and speaks JSON in text
 * frames (or binary ones with {@code jsonInBinaryFrames}). Each connection becomes a {@link DefaultSession}.
 */
final class WebshocketProtocol implements MountedEndpoint.Protocol {
    private final ServerConfig config;
    private final PacketCodec msgpack;
    private final PacketCodec json;
    private final @Nullable TetherHandler handler;
    private final boolean handlerOnEventLoop;
    private final @Nullable RpcDispatcher dispatcher;
    private final ChannelHub hub;
    private final SessionRegistry registry;
    private final Supplier<Executor> workers;

    WebshocketProtocol(
            ServerConfig config,
            @Nullable RpcDispatcher dispatcher,
            ChannelHub hub,
            SessionRegistry registry,
            Supplier<Executor> workers) {
        this.config = config;
        this.msgpack = config.codec(WireFormat.MSGPACK);
        this.json = config.codec(WireFormat.JSON);
        this.handler = config.handler();
        this.handlerOnEventLoop = handler != null && handler.getClass().isAnnotationPresent(NonBlocking.class);
        this.dispatcher = dispatcher;
        this.hub = hub;
        this.registry = registry;
        this.workers = workers;
    }

    @Override
    public boolean keepsRequest() {
        return false; // a webshocket Session shows no upgrade request
    }

    @Override
    public boolean textByDefault(@Nullable String subprotocol) {
        return subprotocol == null && !config.jsonInBinaryFrames();
    }

    @Override
    public String meterTag(@Nullable String subprotocol) {
        return subprotocol != null ? "msgpack" : "json"; // as open() picks the codec
    }

    @Override
    public @Nullable ConnectionHandler open(WsConnection connection, @Nullable String subprotocol) {
        ClientType type = subprotocol != null ? ClientType.FRAMEWORK : ClientType.GENERIC;
        int maxWaiting = config.maxInboundQueuedPackets();
        SessionInbox inbox = handler == null
                ? SessionInbox.pull(connection, maxWaiting)
                : handlerOnEventLoop
                        ? SessionInbox.onLoop(connection)
                        : SessionInbox.onWorkers(connection, workers.get(), maxWaiting);
        DefaultSession session = new DefaultSession(
                connection,
                type,
                type == ClientType.FRAMEWORK ? msgpack : json,
                handler,
                inbox,
                hub,
                dispatcher,
                config.slowConsumerPolicy(),
                config.maxSubscribedChannels());
        return registry.add(session) ? session : null;
    }
}
