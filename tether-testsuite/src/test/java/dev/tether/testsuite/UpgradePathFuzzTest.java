package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tether.server.TetherServer;
import dev.tether.testing.TestWebSocketClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of the server's network input (docs/fuzzing.md): HTTP request heads, and WebSocket
 * frames after a good upgrade, sent raw over a socket to a real server. A normal build replays the corpus under
 * {@code UpgradePathFuzzTestInputs/}; {@code scripts/fuzz.sh} fuzzes each method for as long as it is given.
 *
 * <p>Whatever arrives: the server answers with an HTTP status line or nothing (never a 5xx: no endpoint here
 * fails), ends the connection once the client has, logs nothing at ERROR and lets no exception reach the end of a
 * pipeline; no buffer leaks (the suite's leak check); and a well-formed client is served afterwards.
 */
class UpgradePathFuzzTest {
    /** How long the server may take to answer and close after the client stopped sending. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
    /**
     * A request line as Netty's decoder reads it: three tokens, after any leading white space. A version such as
     * {@code HTTP/1.2} is served as 1.1 (RFC 9110, 6.2), so the version is not checked here.
     */
    private static final Pattern REQUEST_LINE = Pattern.compile("^\\s*\\S+[ \t]+\\S+[ \t]+\\S+[ \t]*\r?\n");

    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: webshocket.v1\r\n\r\n";

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static TetherServer server;

    @BeforeAll
    static void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG.start();
        root.addAppender(LOG);
        server = Support.startServer(b -> b.handler(Support.echo())
                .maxFrameBytes(4096)
                .maxMessageBytes(4096)
                .handshakeTimeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
    }

    @BeforeEach
    void forgetLog() {
        LOG.list.clear();
    }

    @FuzzTest
    void anyRequestHeadGetsAStatusOrAClose(byte[] request) throws IOException {
        String response;
        try (SilentCloseable loopback = allowConnections()) {
            response = exchange(request);
        }

        Matcher status = STATUS_LINE.matcher(response);
        if (!response.isEmpty()) {
            assertThat(status.find()).as("status line of %s", response).isTrue();
            int code = Integer.parseInt(status.group(1));
            assertThat(code).as("status of %s", response).isLessThan(500);
            String head = new String(request, StandardCharsets.ISO_8859_1);
            if (!REQUEST_LINE.matcher(head).find()) {
                assertThat(code)
                        .as("status of a malformed request line, %s", response)
                        .isBetween(400, 499);
            }
        }
        assertServerHealthy();
    }

    @FuzzTest
    void anyFramesAfterAnUpgradeAreAnsweredOrClosed(byte[] frames) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(frames);

        String response;
        try (SilentCloseable loopback = allowConnections()) {
            response = exchange(request.toByteArray());
        }

        assertThat(response).startsWith("HTTP/1.1 101 ");
        assertServerHealthy();
    }

    /**
     * Lets the test connect to the server under test, which Jazzer's SSRF detector would report; the agent that
     * detects it is installed when the first fuzz test starts, so not before.
     */
    private static SilentCloseable allowConnections() {
        return BugDetectors.allowNetworkConnections(
                (host, port) -> (host.equals("127.0.0.1") || host.equals("localhost")) && port == server.port());
    }

    /**
     * Sends {@code request}, ends the output, and reads until the server closes: the connection must end within
     * the timeout.
     */
    private static String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            try {
                socket.getOutputStream().write(request);
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // The server may answer and close before it read everything (a bad request line): a reset here
                // is an answer, read below.
            }
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    response.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not end the connection within " + READ_TIMEOUT_MILLIS
                        + " ms; it sent: " + response.toString(StandardCharsets.ISO_8859_1));
            } catch (IOException reset) {
                // A reset after the answer (unread input at the server's close): what was read counts.
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Nothing went wrong inside the server, and a well-formed client is served. */
    private static void assertServerHealthy() {
        List<String> problems = LOG.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                        || (e.getLevel().isGreaterOrEqual(Level.WARN)
                                && e.getLoggerName().startsWith("io.netty")))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
        assertThat(problems).as("what the server logged").isEmpty();
        try (SilentCloseable loopback = allowConnections();
                TestWebSocketClient client = TestWebSocketClient.connect(Support.uri(server))) {
            client.sendText("ping");
            Support.assertEchoed(client, "ping".getBytes(StandardCharsets.UTF_8));
        }
    }
}
