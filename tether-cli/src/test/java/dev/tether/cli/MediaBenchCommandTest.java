package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.FrameSerializers;
import dev.tether.media.MediaEndpoint;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.server.TetherServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether bench media} with its in-process server; no timing is asserted (that is the benchmark's job). */
class MediaBenchCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void fiveSessionsReceivePacedChunksAndReportJitter() throws Exception {
        int exitCode = cli.execute(
                "bench", "media", "--sessions", "5", "--duration", "2s", "--warmup", "1s", "--chunk", "20", "--json");

        assertThat(exitCode).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("scenario").asText()).isEqualTo("media");
        assertThat(json.get("sessions_open").asInt()).isEqualTo(5);
        assertThat(json.get("chunks_expected").asLong()).isPositive();
        assertThat(json.get("chunks_received").asLong()).isPositive();
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("jitter_us").get("count").asLong()).isPositive();
        assertThat(json.get("server_jitter_us").get("count").asLong()).isPositive();
    }

    @Test
    void urlMeasuresARunningServersMediaRouteAtTheClientsOnly() throws Exception {
        MediaHandler talker = new MediaHandler() {
            @Override
            public void onConnect(MediaSession session) {
                session.write(new AudioOutFrame(new byte[24_000 * 2 * 3], 24_000, 1)); // 3 s
            }
        };
        try (TetherServer server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .webSocket(MediaEndpoint.builder("/media", talker)
                        .serializer(FrameSerializers::protobuf)
                        .audioOut10msChunks(2)
                        .build())
                .build()
                .start()) {
            int exitCode = cli.execute(
                    "bench",
                    "media",
                    "--url",
                    "ws://127.0.0.1:" + server.port() + "/media",
                    "--sessions",
                    "3",
                    "--duration",
                    "1s",
                    "--warmup",
                    "0s",
                    "--json");

            assertThat(exitCode).as(err.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.get("in_process").asBoolean()).isFalse();
            assertThat(json.get("chunks_received").asLong()).isPositive();
            assertThat(json.has("server_jitter_us")).isFalse();
        }
    }

    @Test
    void chunkThatIsNoMultipleOfTenMillisecondsIsAUsageError() {
        int exitCode = cli.execute("bench", "media", "--chunk", "15");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("chunk: 15ms (expected: a multiple of 10 ms, 10..1000)");
    }
}
