package dev.tether.server.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.AttributeKey;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Netty's permessage-deflate handshaker, made to declare {@code server_no_context_takeover} to every client when
 * {@code deflateNoContextTakeover} is on (RFC 7692 §7.1.1.1 lets a server include it unasked). Netty's handshaker
 * only agrees it when the client asks, so the offer is given to it with the parameter added; Netty's own encoder and
 * decoder do the rest. One per connection: it records on its channel what was agreed, so that the router can tell
 * whether the session may take frames compressed once for many ({@link #sharesCompressedFrames}).
 */
final class DeflateHandshaker implements WebSocketServerExtensionHandshaker {
    private static final String PERMESSAGE_DEFLATE = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final String SERVER_MAX_WINDOW = "server_max_window_bits";
    private static final AttributeKey<Boolean> SHARES = AttributeKey.valueOf("tether.deflate.shares");

    /** zlib's default trade of speed for size, as Netty's default handshaker uses. */
    static final int COMPRESSION_LEVEL = 6;

    /** The window the JDK's Deflater compresses with, the only one a shared frame is made with. */
    static final int SHARED_WINDOW_BITS = 15;

    private final PerMessageDeflateServerExtensionHandshaker netty;
    private final boolean noContextTakeover;
    private final Channel channel;

    /**
     * Every parameter of RFC 7692 a client may ask of the server is granted: {@code server_no_context_takeover} (a
     * fresh compressor per message) and {@code server_max_window_bits} 8-15, capped at {@code windowBits} (JZlib
     * compresses with a window under 15, since the JDK's Deflater has only 15). Declining them made Autobahn's cases
     * 13.2-13.6 UNIMPLEMENTED: such a client got no compression at all.
     */
    DeflateHandshaker(DeflateSettings settings, int maxInflatedBytes, Channel channel) {
        this.netty = new PerMessageDeflateServerExtensionHandshaker(
                COMPRESSION_LEVEL,
                ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE,
                true,
                false,
                settings.windowBits(),
                settings.memLevel(),
                new ThresholdFilter(settings.thresholdBytes()),
                maxInflatedBytes);
        this.noContextTakeover = settings.noContextTakeover();
        this.channel = channel;
    }

    /**
     * Whether the upgrade of {@code channel} agreed permessage-deflate with a compressor that keeps no context and
     * the JDK's window, so that the session reads frames compressed once for every such session.
     */
    static boolean sharesCompressedFrames(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(SHARES).get());
    }

    /** A new upgrade request: forget what an earlier one on this connection agreed. */
    static void reset(Channel channel) {
        channel.attr(SHARES).set(null);
    }

    @Override
    public @Nullable WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
        WebSocketExtensionData asked = offer;
        if (noContextTakeover && PERMESSAGE_DEFLATE.equals(offer.name()) && !asks(offer, SERVER_NO_CONTEXT)) {
            Map<String, String> parameters = new LinkedHashMap<>(offer.parameters());
            parameters.put(SERVER_NO_CONTEXT, null);
            asked = new WebSocketExtensionData(offer.name(), parameters);
        }
        WebSocketServerExtension extension = netty.handshakeExtension(asked);
        if (extension != null && channel.attr(SHARES).get() == null) {
            // Netty's extension handler takes the first offer agreed; a later one would clash on RSV1.
            Map<String, String> agreed = extension.newReponseData().parameters();
            String window = agreed.get(SERVER_MAX_WINDOW);
            channel.attr(SHARES)
                    .set(agreed.containsKey(SERVER_NO_CONTEXT)
                            && (window == null || Integer.parseInt(window) == SHARED_WINDOW_BITS));
        }
        return extension;
    }

    private static boolean asks(WebSocketExtensionData offer, String parameter) {
        for (String name : offer.parameters().keySet()) {
            if (name.toLowerCase(Locale.ROOT).equals(parameter)) {
                return true;
            }
        }
        return false;
    }

    /** Leaves whole messages under the threshold to go out uncompressed, RSV1 clear. */
    private record ThresholdFilter(int thresholdBytes)
            implements WebSocketExtensionFilterProvider, WebSocketExtensionFilter {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return this;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }

        @Override
        public boolean mustSkip(WebSocketFrame frame) {
            // Only a whole message: a fragment's first frame decides for the continuations, which are never skipped.
            return (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
                    && frame.isFinalFragment()
                    && frame.content().readableBytes() < thresholdBytes;
        }
    }
}
