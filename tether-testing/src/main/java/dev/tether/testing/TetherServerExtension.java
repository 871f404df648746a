package dev.tether.testing;

import dev.tether.server.TetherServer;
import java.net.URI;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a {@link TetherServer} on {@code 127.0.0.1}, on a port the system picks, and
 * closes it after each test (or, with {@link #perClass()}, after the test class).
 *
 * <pre>{@code
 * final RecordingHandler handler = RecordingHandler.echoing();
 *
 * @RegisterExtension
 * final TetherServerExtension server = TetherServerExtension.of(b -> b.handler(handler));
 *
 * @Test
 * void echoes() {
 *     try (TestWebSocketClient client = TestWebSocketClient.connect(server.uri())) { ... }
 * }
 * }</pre>
 *
 * <p>The customiser sees a builder already set to host {@code 127.0.0.1} and port 0, and may change anything.
 * It runs on every start, so with the default per-test lifecycle it may capture per-test state (a handler field
 * of the test instance, a {@code @TempDir}).
 */
public final class TetherServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Consumer<TetherServer.Builder> customiser;
    private final boolean perClass;
    private volatile @Nullable TetherServer server;

    private TetherServerExtension(Consumer<TetherServer.Builder> customiser, boolean perClass) {
        this.customiser = customiser;
        this.perClass = perClass;
    }

    /** A server configured by {@code customiser}, started before each test and closed after it. */
    public static TetherServerExtension of(Consumer<TetherServer.Builder> customiser) {
        return new TetherServerExtension(customiser, false);
    }

    /** A server with the default settings and no handler (pull mode). */
    public static TetherServerExtension pullMode() {
        return of(b -> {});
    }

    /**
     * This extension, started once before all tests of the class and closed after them. Register it on a
     * {@code static} field.
     */
    public TetherServerExtension perClass() {
        return new TetherServerExtension(customiser, true);
    }

    /** The running server. */
    public TetherServer server() {
        TetherServer s = server;
        if (s == null) {
            throw new IllegalStateException("The server is not running: it starts "
                    + (perClass ? "before all tests (register the extension on a static field)" : "before each test"));
        }
        return s;
    }

    /** The port the server listens on. */
    public int port() {
        return server().port();
    }

    /** The WebSocket address, e.g. {@code ws://127.0.0.1:40123/} ({@code wss://} with TLS). */
    public URI uri() {
        return uri(server().config().path());
    }

    /** The WebSocket scheme with {@code path} on the server's port. */
    public URI uri(String path) {
        return URI.create((server().config().tls() == null ? "ws" : "wss") + "://127.0.0.1:" + port() + path);
    }

    /** The HTTP address of {@code path}, e.g. {@code http://127.0.0.1:40123/health}. */
    public URI httpUri(String path) {
        return URI.create((server().config().tls() == null ? "http" : "https") + "://127.0.0.1:" + port() + path);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (perClass) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            stop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        } else if (server == null) {
            throw new ExtensionConfigurationException(
                    "TetherServerExtension.perClass() must be registered on a static field");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        TetherServer.Builder builder = TetherServer.builder().host("127.0.0.1").port(0);
        customiser.accept(builder);
        server = builder.build().start();
    }

    private void stop() {
        TetherServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        TetherServer s = server;
        return "TetherServerExtension{" + (s == null ? "stopped" : s.toString()) + (perClass ? ", per class" : "")
                + "}";
    }
}
