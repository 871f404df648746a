package dev.tether.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port on which every connection attempt is refused, for as long as this is open.
 *
 * <p>Closing a server and reusing its port races everything else on the machine that binds port 0: the kernel may
 * hand the freed port to the next server, and then the "absent" server answers. This holds the port with a socket
 * that is bound but never listens, without {@code SO_REUSEADDR}, so no one else can bind it and the kernel answers
 * every {@code SYN} with a reset.
 */
public final class RefusedPort implements AutoCloseable {
    private final Socket socket = new Socket();

    public RefusedPort() {
        try {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not bind a loopback port", e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // A socket that never connected has nothing to flush.
        }
    }
}
