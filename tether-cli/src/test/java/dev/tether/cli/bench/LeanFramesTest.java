package dev.tether.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator's frames checked against Netty's own codec, which is what servers run. */
class LeanFramesTest {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 65_535, 65_536, 70_000})
    void maskedFramesDecodeInNettysServerDecoder(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31);
        }
        ByteBuf frame = LeanFrames.masked(payload);
        // A server's decoder: expects masked frames, no extensions.
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameDecoder(true, false, 1 << 20));

        server.writeInbound(frame.retainedDuplicate());

        BinaryWebSocketFrame decoded = server.readInbound();
        assertThat(decoded.isFinalFragment()).isTrue();
        assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(payload);
        decoded.release();
        frame.release();
        assertThat(server.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 65_535, 65_536, 70_000})
    void theDecoderReadsWhatNettysServerEncoderWritesInPieces(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) i;
        }
        ByteBuf wire = serverBytes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        EmbeddedChannel client = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));

        // The header arrives in pieces; nothing comes out before the frame is whole.
        int split = Math.min(3, wire.readableBytes() - 1);
        client.writeInbound(wire.readRetainedSlice(split));
        assertThat((Object) client.readInbound()).isNull();
        client.writeInbound(wire);

        ByteBuf message = client.readInbound();
        assertThat(ByteBufUtil.getBytes(message)).isEqualTo(payload);
        message.release();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void fragmentsAreJoinedIntoOneMessage() {
        EmbeddedChannel client = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));

        client.writeInbound(serverBytes(new TextWebSocketFrame(false, 0, "hel")));
        client.writeInbound(serverBytes(new ContinuationWebSocketFrame(false, 0, "lo ")));
        assertThat((Object) client.readInbound()).isNull();
        client.writeInbound(serverBytes(new ContinuationWebSocketFrame(true, 0, "world")));

        ByteBuf message = client.readInbound();
        assertThat(message.toString(StandardCharsets.UTF_8)).isEqualTo("hello world");
        message.release();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void aPingIsAnsweredWithAPongOfTheSamePayload() {
        EmbeddedChannel client = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));

        client.writeInbound(serverBytes(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))));

        PongWebSocketFrame pong = client.readOutbound();
        assertThat(ByteBufUtil.getBytes(pong.content())).containsExactly(1, 2, 3);
        pong.release();
        assertThat((Object) client.readInbound()).isNull();
    }

    @Test
    void aCloseFrameClosesTheConnection() {
        EmbeddedChannel client = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));

        client.writeInbound(serverBytes(new CloseWebSocketFrame(1000, "bye")));

        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aMaskedFrameOrAnOversizedOneIsRefused() {
        EmbeddedChannel masked = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));
        assertThatThrownBy(() -> masked.writeInbound(LeanFrames.masked(new byte[] {1})))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("masked frame from the server");

        EmbeddedChannel small = new EmbeddedChannel(new LeanFrames.Decoder(100));
        assertThatThrownBy(() -> small.writeInbound(
                        serverBytes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[101])))))
                .hasMessageContaining("a frame of 101 bytes (max 100)");
    }

    @Test
    void aContinuationWithoutAMessageIsRefused() {
        EmbeddedChannel client = new EmbeddedChannel(new LeanFrames.Decoder(1 << 20));

        assertThatThrownBy(() -> client.writeInbound(serverBytes(new ContinuationWebSocketFrame(true, 0, "x"))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("a continuation without a message");
    }

    /** The bytes Netty's server encoder (unmasked) writes for {@code frame}. */
    private static ByteBuf serverBytes(WebSocketFrame frame) {
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        server.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = server.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        server.finish();
        return all;
    }
}
