package dev.tether.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.server.TetherServer;
import dev.tether.server.TlsConfig;
import dev.tether.testing.TestCertificates;
import dev.tether.testing.TestWebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wss://} with a certificate generated for the test, from PEM files or a key store. */
class TlsTest {
    @TempDir
    Path dir;

    @Test
    void wssWorksWithPemFiles() {
        assertRoundTripOverTls(TestCertificates::pemTlsConfig);
    }

    @Test
    void wssWorksWithAKeyStore() {
        assertRoundTripOverTls(TestCertificates::keyStoreTlsConfig);
    }

    @Test
    void httpsServesHealth() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        try (TetherServer server = Support.startServer(b -> b.tls(certificates.pemTlsConfig()))) {
            HttpResponse<String> response = HttpClient.newBuilder()
                    .sslContext(certificates.clientSslContext())
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"status\"");
        }
    }

    private void assertRoundTripOverTls(Function<TestCertificates, TlsConfig> tls) {
        TestCertificates certificates = TestCertificates.create(dir);
        try (TetherServer server =
                        Support.startServer(b -> b.handler(Support.echo()).tls(tls.apply(certificates)));
                TestWebSocketClient client = TestWebSocketClient.builder(
                                URI.create("wss://127.0.0.1:" + server.port() + "/"))
                        .trust(certificates.certificate())
                        .subprotocols("webshocket.v1")
                        .connect()) {
            client.sendPacket(Packet.custom("over TLS"));

            assertThat(client.awaitPacket().data()).isEqualTo("over TLS");
        }
    }
}
