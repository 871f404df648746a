package dev.tether.server.internal;

import dev.tether.server.WebSocketEndpoint;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A raw endpoint's protocol: no protocol, the application's listener gets each message as it came. */
final class RawProtocol implements MountedEndpoint.Protocol {
    private final WebSocketEndpoint endpoint;
    private final Supplier<Executor> workers;

    RawProtocol(WebSocketEndpoint endpoint, Supplier<Executor> workers) {
        this.endpoint = endpoint;
        this.workers = workers;
    }

    @Override
    public boolean keepsRequest() {
        return true;
    }

    @Override
    public boolean textByDefault(@Nullable String subprotocol) {
        return true; // every send names its frame type; text is the common one
    }

    @Override
    public String meterTag(@Nullable String subprotocol) {
        return endpoint.path();
    }

    @Override
    public ConnectionHandler open(WsConnection connection, @Nullable String subprotocol) {
        SessionInbox inbox = endpoint.blockingListener()
                ? SessionInbox.onWorkers(connection, workers.get(), endpoint.maxInboundQueuedMessages())
                : SessionInbox.onLoop(connection);
        return new ListenerBridge(connection, endpoint.listener(), inbox);
    }
}
