package dev.tether.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.media.AudioOutFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.MediaEndpoint;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.media.WireMessage;
import dev.tether.server.TetherServer;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The RIFF/WAVE container of the {@code addWavHeader} setting. */
class WavHeaderTest {

    @Test
    void headerDescribesPcm16WithTheRateAndChannels() {
        byte[] pcm = {1, 0, 2, 0, 3, 0, 4, 0};

        byte[] wav = WavHeader.wrap(pcm, 24000, 2);

        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ascii(wav, 0)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(36 + pcm.length);
        assertThat(ascii(wav, 8)).isEqualTo("WAVE");
        assertThat(ascii(wav, 12)).isEqualTo("fmt ");
        assertThat(b.getInt(16)).isEqualTo(16);
        assertThat(b.getShort(20)).isEqualTo((short) 1); // PCM
        assertThat(b.getShort(22)).isEqualTo((short) 2);
        assertThat(b.getInt(24)).isEqualTo(24000);
        assertThat(b.getInt(28)).isEqualTo(24000 * 4);
        assertThat(b.getShort(32)).isEqualTo((short) 4);
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(ascii(wav, 36)).isEqualTo("data");
        assertThat(b.getInt(40)).isEqualTo(pcm.length);
        assertThat(Arrays.copyOfRange(wav, WavHeader.BYTES, wav.length)).isEqualTo(pcm);
    }

    @Test
    void eachChunkIsSentAsAWavFileWhenTheSettingIsOn() throws Exception {
        CompletableFuture<MediaSession> connected = new CompletableFuture<>();
        MediaHandler handler = new MediaHandler() {
            @Override
            public void onConnect(MediaSession session) {
                connected.complete(session);
            }
        };
        FrameSerializer audioOnly = new FrameSerializer() {
            @Override
            public @Nullable WireMessage serialize(MediaFrame frame) {
                return frame instanceof AudioOutFrame audio ? WireMessage.binary(audio.audio()) : null;
            }

            @Override
            public @Nullable MediaFrame deserialize(WireMessage message) {
                return null;
            }
        };
        TetherServer server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .webSocket(MediaEndpoint.builder("/ws-client", handler)
                        .serializer(() -> audioOnly)
                        .addWavHeader(true)
                        .build())
                .build()
                .start();
        try (TestWebSocketClient client =
                TestWebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws-client"))) {
            MediaSession session = connected.get(5, TimeUnit.SECONDS);
            byte[] pcm = new byte[1920];
            pcm[0] = 7;

            session.write(new AudioOutFrame(pcm, 24000, 1));

            byte[] received = client.awaitMessage().payload();
            assertThat(received).isEqualTo(WavHeader.wrap(pcm, 24000, 1));
        } finally {
            server.close();
        }
    }

    private static String ascii(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
    }
}
