package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Backoff;
import dev.tether.testing.fault.FaultServer;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** wss:// with a trust store of the application's own. */
class TlsTest extends ConnectionTestBase {
    private X509Bundle certificate;
    private FaultServer tlsServer;

    @BeforeEach
    void startTlsServer() throws Exception {
        certificate = new CertificateBuilder()
                .subject("CN=tether-test")
                .addSanIpAddress("127.0.0.1")
                .setIsCertificateAuthority(true)
                .buildSelfSigned();
        tlsServer = FaultServer.builder()
                .clock(clock)
                .tls(certificate.toKeyManagerFactory())
                .start();
    }

    @AfterEach
    void stopTlsServer() {
        tlsServer.close();
    }

    @Test
    void connectsWithACustomTrustStore() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol();
        ClientConnection connection = connection(config().uri(tlsServer.uri())
                .trustStore(certificate.toKeyStore(new char[0]))
                .protocol(protocol));

        await(connection.connect());
        await(connection.send("secret"));

        assertThat(protocol.takeText()).isEqualTo("secret");
    }

    @Test
    void anUntrustedCertificateFailsTheAttempt() throws Exception {
        ClientConnection connection = connection(config().uri(tlsServer.uri())
                .connectBackoff(Backoff.builder().maxAttempts(1).build()));

        connection.connect();

        assertThat(events.awaitAttemptFailed(1)).hasMessageStartingWith("connection attempt 1 failed: ");
        assertThat(events.awaitEnded()).hasMessageStartingWith("failed to connect after 1 attempt: ");
    }
}
