package dev.tether.server.internal;

import dev.tether.server.Session;
import dev.tether.server.TetherHandler;
import dev.tether.server.TetherServer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A publication of a 1 KiB chat-like JSON packet (256 different ones in turn) to N subscribers that agreed permessage-deflate, through a real
 * server on loopback: {@code perSession} is the server with {@code deflateNoContextTakeover(false)}, where each
 * session's compressor (Netty's, keeping its window) compresses the packet again, as every session did before
 * compress-once; {@code compressOnce} is the default, one compression per publication shared by all. The
 * subscribers are raw sockets on platform threads that count frames and never inflate, so that little of the
 * client's cost is in the measurement. Besides the time per publication (until every subscriber has read it), the
 * {@code serverCpu} counter is the CPU time of the server's I/O threads and the publishing thread per publication,
 * in nanoseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeflateFanoutBenchmark {
    private static final String CHANNEL = "room";

    @Param({"compressOnce", "perSession"})
    public String mode;

    @Param({"100", "500"})
    public int subscribers;

    private TetherServer server;
    private final List<Socket> sockets = new ArrayList<>();
    private final Semaphore delivered = new Semaphore(0);
    private final List<Long> ioThreads = new ArrayList<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String[] messages = new String[256];
    private long cpuAtStart;
    private long opsAtStart;
    private long ops;

    /** The server's CPU per publication over the iteration, in nanoseconds. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        public double serverCpuNanosPerPublication;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        CountDownLatch subscribed = new CountDownLatch(subscribers);
        server = TetherServer.builder()
                .host("127.0.0.1")
                .port(0)
                .ioThreads(1)
                .perMessageDeflate(true)
                .deflateNoContextTakeover(mode.equals("compressOnce"))
                .maxSubscribedChannels(0)
                .handler(new TetherHandler() {
                    @Override
                    public void onConnect(Session session) {
                        session.subscribe(CHANNEL);
                        subscribed.countDown();
                    }
                })
                .build()
                .start();
        for (int i = 0; i < subscribers; i++) {
            sockets.add(subscribe(server.port()));
        }
        if (!subscribed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("subscribers: " + subscribed.getCount() + " not subscribed after 30 s");
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("tether-io-")) {
                ioThreads.add(thread.getId());
            }
        }
        // Different messages from one vocabulary, as a chat's are: a compressor that keeps its window finds words,
        // not whole messages, in it.
        String[] words = ("see you at the standup in room review release notes build green deploy tomorrow who"
                        + " owns the flaky test on main please look before lunch thanks done")
                .split(" ");
        Random random = new Random(16);
        for (int m = 0; m < messages.length; m++) {
            StringBuilder text = new StringBuilder("user" + m % 7 + ":");
            while (text.length() < 1024) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            messages[m] = text.substring(0, 1024);
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        cpuAtStart = serverCpuNanos();
        opsAtStart = ops;
    }

    @Benchmark
    public void publish(Cpu cpu) throws InterruptedException {
        server.publish(CHANNEL, messages[(int) (ops & 255)]);
        if (!delivered.tryAcquire(subscribers, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a publication did not reach every subscriber within 10 s");
        }
        ops++;
        cpu.serverCpuNanosPerPublication = (serverCpuNanos() - cpuAtStart) / (double) (ops - opsAtStart);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
    }

    /** CPU time of the server's I/O threads and of this (publishing) thread. */
    private long serverCpuNanos() {
        long total = threads.getCurrentThreadCpuTime();
        for (long id : ioThreads) {
            total += Math.max(0, threads.getThreadCpuTime(id));
        }
        return total;
    }

    /** A raw subscriber: upgrades offering permessage-deflate, then counts whole data frames on its own thread. */
    private Socket subscribe(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        readHeaders(in);
        Thread reader = new Thread(() -> countFrames(in), "subscriber");
        reader.setDaemon(true);
        reader.start();
        return socket;
    }

    private static void readHeaders(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("upgrade: connection closed");
            }
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
    }

    private void countFrames(DataInputStream in) {
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int length = in.readUnsignedByte() & 0x7F;
                long payload = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                in.skipNBytes(payload);
                if ((first & 0x80) != 0 && (first & 0x0F) != 0x9 && (first & 0x0F) != 0xA) {
                    delivered.release();
                }
            }
        } catch (IOException e) {
            // closed at the end of the trial
        }
    }
}
