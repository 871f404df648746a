package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tether bench webrtc} with its in-process server; no timing is asserted (that is the benchmark's job). */
class WebRtcBenchCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            TetherCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void twoPeersConnectStreamAndHearTheirEcho() throws Exception {
        int exitCode =
                cli.execute("bench", "webrtc", "--connections", "2", "--duration", "2s", "--warmup", "1s", "--json");

        assertThat(exitCode).as(err.toString() + out).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("scenario").asText()).isEqualTo("webrtc");
        assertThat(json.get("in_process").asBoolean()).isTrue();
        assertThat(json.get("connected").asInt()).isEqualTo(2);
        assertThat(json.get("failures")).isEmpty();
        assertThat(json.get("server_connects").asInt()).isEqualTo(2);
        assertThat(json.get("setup_per_second").asDouble()).isPositive();
        assertThat(json.get("setup_ms_p50").asDouble()).isPositive();
        assertThat(json.get("frames_sent").asLong()).isPositive();
        assertThat(json.get("server_frames_in").asLong()).isPositive();
        assertThat(json.get("frames_received").asLong()).isPositive();
        assertThat(json.get("frames_echoed").asLong())
                .isPositive()
                .isLessThanOrEqualTo(json.get("frames_received").asLong());
        assertThat(json.get("process_cpu_cores").asDouble()).isPositive();
    }

    @Test
    void zeroConnectionsIsAUsageError() {
        int exitCode = cli.execute("bench", "webrtc", "--connections", "0");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("connections: 0 (expected: 1..1000)");
    }
}
