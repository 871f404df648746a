package dev.tether.server.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket endpoint mounted on a path: its limits, its handshakers, and the protocol its connections speak (the
 * webshocket endpoint, or a raw one with the application's listener).
 */
final class MountedEndpoint {

    /** What a mounted endpoint's connections speak. */
    interface Protocol {

        /**
         * Whether connections keep their upgrade request's query and headers for the application
         * ({@link dev.tether.server.WebSocketSession#request()}); without, they keep its path and address only, and
         * an idle connection holds that much less.
         */
        boolean keepsRequest();

        /** Whether messages queued without a frame type go out as text, for the agreed {@code subprotocol}. */
        boolean textByDefault(@Nullable String subprotocol);

        /** The {@code protocol} tag of its meters: {@code json} or {@code msgpack}, or a raw endpoint's path. */
        String meterTag(@Nullable String subprotocol);

        /**
         * The protocol of a new connection, before its handshake; {@code null} refuses it with 503 (pull mode's
         * accept queue is full).
         */
        @Nullable
        ConnectionHandler open(WsConnection connection, @Nullable String subprotocol);
    }

    private final String path;
    private final boolean prefix;
    private final ConnectionSettings settings;
    private final Protocol protocol;
    private final WebSocketServerHandshakerFactory plainHandshakers;
    private final WebSocketServerHandshakerFactory deflateHandshakers;

    MountedEndpoint(String path, boolean prefix, String baseUrl, ConnectionSettings settings, Protocol protocol) {
        this.path = path;
        this.prefix = prefix;
        this.settings = settings;
        this.protocol = protocol;
        // Protocol violations are answered by FrameHandler (close frame, half-close, bounded linger), not by Netty,
        // which closes at once and sends no close frame for a bad close frame.
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(settings.maxFrameBytes())
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .withUTF8Validator(true)
                .build();
        String subprotocols = settings.subprotocols().isEmpty() ? null : String.join(",", settings.subprotocols());
        String url = baseUrl + path;
        this.plainHandshakers = new WebSocketServerHandshakerFactory(url, subprotocols, decoder);
        // Reserved bits may be set only where an extension was negotiated; ReservedBitsValidator checks them then.
        this.deflateHandshakers = new WebSocketServerHandshakerFactory(
                url, subprotocols, decoder.toBuilder().allowExtensions(true).build());
    }

    String path() {
        return path;
    }

    /** Whether upgrades to paths below {@link #path()} reach this endpoint too. */
    boolean prefix() {
        return prefix;
    }

    ConnectionSettings settings() {
        return settings;
    }

    Protocol protocol() {
        return protocol;
    }

    /** The handshaker factory for a connection that negotiates permessage-deflate, or one that does not. */
    WebSocketServerHandshakerFactory handshakers(boolean deflate) {
        return deflate ? deflateHandshakers : plainHandshakers;
    }

    /**
     * The subprotocol agreed for {@code request}: the first one the client offers that this endpoint speaks (the
     * rule Netty's handshaker applies too), or {@code null}.
     */
    @Nullable
    String selectSubprotocol(FullHttpRequest request) {
        List<String> supported = settings.subprotocols();
        if (supported.isEmpty()) {
            return null;
        }
        for (String header : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            for (String offered : header.split(",", -1)) {
                String name = offered.trim();
                if (supported.contains(name)) {
                    return name;
                }
            }
        }
        return null;
    }
}
