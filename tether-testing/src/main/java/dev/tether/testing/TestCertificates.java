package dev.tether.testing;

import dev.tether.server.TlsConfig;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate and its private key, generated when a test runs (never stored in the repository),
 * valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. The server side comes as PEM files ({@link
 * #pemTlsConfig()}) or a PKCS#12 {@link KeyStore} ({@link #keyStoreTlsConfig()}); the client side as the
 * certificate to trust ({@link #certificate()}, {@link #clientSslContext()}).
 *
 * <pre>{@code
 * @TempDir Path dir;
 * TestCertificates certs = TestCertificates.create(dir);
 * TetherServerExtension.of(b -> b.tls(certs.pemTlsConfig()));
 * TestWebSocketClient.builder(server.uri()).trust(certs.certificate()).connect();
 * }</pre>
 */
public final class TestCertificates {
    private static final char[] PASSWORD = "tether-test".toCharArray();

    private final X509Bundle bundle;
    private final Path certificatePem;
    private final Path privateKeyPem;

    private TestCertificates(X509Bundle bundle, Path certificatePem, Path privateKeyPem) {
        this.bundle = bundle;
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
    }

    /**
     * Generates a certificate (EC P-256, valid from an hour ago for a day) and writes {@code certificate.pem}
     * and {@code private-key.pem} (unencrypted PKCS#8) into {@code directory}.
     */
    public static TestCertificates create(Path directory) {
        X509Bundle bundle;
        try {
            Instant now = Instant.now();
            bundle = new CertificateBuilder()
                    .subject("CN=localhost")
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .addSanIpAddress("::1")
                    .notBefore(now.minus(1, ChronoUnit.HOURS))
                    .notAfter(now.plus(1, ChronoUnit.DAYS))
                    .ecp256()
                    .setIsCertificateAuthority(true)
                    .buildSelfSigned();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot generate a test certificate: " + e, e);
        }
        try {
            Files.createDirectories(directory);
            Path cert = Files.writeString(
                    directory.resolve("certificate.pem"), bundle.getCertificatePEM(), StandardCharsets.US_ASCII);
            Path key = Files.writeString(
                    directory.resolve("private-key.pem"), bundle.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
            return new TestCertificates(bundle, cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the test certificate to " + directory, e);
        }
    }

    /**
     * Like {@link #create(Path)}, in a new temporary directory that is deleted when the JVM exits; prefer
     * {@code create(tempDir)} with JUnit's {@code @TempDir}.
     */
    public static TestCertificates create() {
        try {
            Path directory = Files.createTempDirectory("tether-test-certificates");
            directory.toFile().deleteOnExit();
            TestCertificates certificates = create(directory);
            // Files registered after their directory are deleted before it.
            certificates.certificatePem.toFile().deleteOnExit();
            certificates.privateKeyPem.toFile().deleteOnExit();
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory", e);
        }
    }

    /** The certificate, for a client to trust. */
    public X509Certificate certificate() {
        return bundle.getCertificate();
    }

    /** The certificate as a PEM file. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** The private key as an unencrypted PKCS#8 PEM file. */
    public Path privateKeyPem() {
        return privateKeyPem;
    }

    /** A fresh PKCS#12 key store holding the key and certificate, protected by {@link #keyStorePassword()}. */
    public KeyStore keyStore() {
        try {
            return bundle.toKeyStore(PASSWORD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a key store: " + e, e);
        }
    }

    /** The password of {@link #keyStore()} and its key entry. */
    public char[] keyStorePassword() {
        return PASSWORD.clone();
    }

    /** Server TLS from the PEM files. */
    public TlsConfig pemTlsConfig() {
        return TlsConfig.pem(certificatePem, privateKeyPem);
    }

    /** Server TLS from {@link #keyStore()}. */
    public TlsConfig keyStoreTlsConfig() {
        return TlsConfig.keyStore(keyStore(), keyStorePassword());
    }

    /** A JDK TLS context that trusts only this certificate, e.g. for {@code java.net.http.HttpClient}. */
    public SSLContext clientSslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, bundle.toTrustManagerFactory().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a client TLS context: " + e, e);
        }
    }
}
