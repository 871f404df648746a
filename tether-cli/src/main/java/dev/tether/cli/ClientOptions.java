package dev.tether.cli;

import dev.tether.client.ConnectionConfig;
import dev.tether.client.TetherClientConfig;
import dev.tether.core.Backoff;
import dev.tether.core.Clock;
import dev.tether.core.WireFormat;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every client command shares: the wire format and the call timeout. */
final class ClientOptions {
    @Option(
            names = "--json",
            description = "Speak JSON as a generic client (no subprotocol) instead of MessagePack (webshocket.v1).")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long a call waits for its answer (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = 30;

    /**
     * A client configuration for {@code url}.
     *
     * @param connectAttempts how many times to try to connect before giving up
     * @throws ParameterException if the URL or the timeout is not acceptable
     */
    TetherClientConfig.Builder config(
            CommandSpec spec, String url, Clock clock, int connectAttempts, ConnectionConfig.Builder connection) {
        try {
            if (!(timeoutSeconds > 0) || Double.isInfinite(timeoutSeconds)) {
                throw new IllegalArgumentException("timeout: " + timeoutSeconds + " (expected: > 0 seconds)");
            }
            connection
                    .uri(url)
                    .clock(clock)
                    .connectBackoff(Backoff.connectDefault().toBuilder()
                            .maxAttempts(connectAttempts)
                            .build());
            return TetherClientConfig.builder()
                    .connection(connection.build())
                    .wireFormat(json ? WireFormat.JSON : WireFormat.MSGPACK)
                    .callTimeout(Duration.ofNanos((long) (timeoutSeconds * 1e9)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
