package dev.tether.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.jspecify.annotations.Nullable;

/** Where the server's TLS certificate and private key come from: PEM files, or a {@link KeyStore}. */
public final class TlsConfig {
    private final @Nullable Path certificateChain;
    private final @Nullable Path privateKey;
    private final @Nullable KeyStore keyStore;
    private final char @Nullable [] password;

    private TlsConfig(
            @Nullable Path certificateChain,
            @Nullable Path privateKey,
            @Nullable KeyStore keyStore,
            char @Nullable [] password) {
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        this.keyStore = keyStore;
        this.password = password == null ? null : password.clone();
    }

    /** TLS from a PEM certificate chain and an unencrypted PKCS#8 PEM private key. */
    public static TlsConfig pem(Path certificateChain, Path privateKey) {
        return pem(certificateChain, privateKey, null);
    }

    /** TLS from a PEM certificate chain and a PKCS#8 PEM private key encrypted with {@code keyPassword}. */
    public static TlsConfig pem(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
        requireReadable(certificateChain, "certificateChain");
        requireReadable(privateKey, "privateKey");
        return new TlsConfig(certificateChain, privateKey, null, keyPassword);
    }

    /** TLS from the first private key entry of {@code keyStore}, whose key is protected by {@code password}. */
    public static TlsConfig keyStore(KeyStore keyStore, char[] password) {
        return new TlsConfig(null, null, keyStore, password);
    }

    /** The PEM certificate chain, or {@code null} when a key store is used. */
    public @Nullable Path certificateChain() {
        return certificateChain;
    }

    /** The PEM private key, or {@code null} when a key store is used. */
    public @Nullable Path privateKey() {
        return privateKey;
    }

    /** The key store, or {@code null} when PEM files are used. */
    public @Nullable KeyStore keyStore() {
        return keyStore;
    }

    /** The key password, or {@code null} for an unencrypted PEM key. */
    public char @Nullable [] password() {
        return password == null ? null : password.clone();
    }

    private static void requireReadable(Path file, String name) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(name + ": " + file + " (expected: a readable file)");
        }
    }

    @Override
    public String toString() {
        return keyStore != null
                ? "TlsConfig{keyStore " + keyStore.getType() + "}"
                : "TlsConfig{pem " + certificateChain + ", " + privateKey + "}";
    }
}
