package dev.tether.client.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Netty's RFC 6455 client handshake, with two changes: no made-up {@code Origin} header (this is not a browser, and
 * servers with an Origin allow-list would refuse it; an application that needs one sets it as a header), and a
 * frame decoder that leaves protocol violations to the connection. Netty's own answer writes a close frame and
 * closes the socket at once; with the rest of an oversized frame still unread, the kernel then resets the
 * connection and the close frame can be lost on its way.
 */
final class ClientHandshaker extends WebSocketClientHandshaker13 {
    private final int maxFrameBytes;
    private final boolean originGiven;

    ClientHandshaker(URI uri, @Nullable String subprotocols, HttpHeaders headers, int maxFrameBytes) {
        // The last argument is the force-close timeout of Netty's handshaker.close(), a timer on Netty's own clock.
        // Tether never calls that method: its close frames and their timeout go through the injectable Clock.
        super(uri, WebSocketVersion.V13, subprotocols, false, headers, maxFrameBytes, true, false, 10_000L);
        this.maxFrameBytes = maxFrameBytes;
        this.originGiven = headers.contains(HttpHeaderNames.ORIGIN);
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
        FullHttpRequest request = super.newHandshakeRequest();
        if (!originGiven) {
            request.headers().remove(HttpHeaderNames.ORIGIN); // the one Netty made up from the URL
        }
        return request;
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .maxFramePayloadLength(maxFrameBytes)
                .closeOnProtocolViolation(false)
                .build());
    }
}
