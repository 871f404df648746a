package dev.tether.media.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import dev.tether.media.AudioInFrame;
import dev.tether.media.AudioOutFrame;
import dev.tether.media.CancelFrame;
import dev.tether.media.ClientConnectedFrame;
import dev.tether.media.ClientDisconnectedFrame;
import dev.tether.media.EndFrame;
import dev.tether.media.FrameSerializer;
import dev.tether.media.HangUpSerializer;
import dev.tether.media.InterruptionFrame;
import dev.tether.media.MediaCloseException;
import dev.tether.media.MediaFrame;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaSession;
import dev.tether.media.TelephonyCall;
import dev.tether.media.TelephonyCallFrame;
import dev.tether.media.TransportMessageFrame;
import dev.tether.media.WireMessage;
import dev.tether.server.CloseStatus;
import dev.tether.server.HttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session of a media endpoint: the serializer of its connection, the handler's callbacks, and the paced output.
 *
 * <p>Threads: {@link #write} runs on any thread; it checks the bounds with atomics and hands the frame to the
 * connection's event loop ({@link MediaChannel#executor()}). Everything else (the queue, the pacing clock, the
 * serializer, the handler's callbacks, the timers) lives on that loop, so nothing here takes a lock, and pacing
 * waits are timers on the injectable clock, never sleeps.
 */
public final class MediaConnection implements MediaSession {
    private static final Logger log = LoggerFactory.getLogger(MediaConnection.class);

    private static final int OPEN = 0;
    private static final int ENDING = 1; // an end or cancel was written: no more writes
    private static final int CLOSED = 2;

    private final MediaChannel session;
    private final MediaHandler handler;
    private final MediaConfig config;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final @Nullable FrameSerializer serializer;
    private final @Nullable MediaMeters meters; // null when the server has no registry: nothing is counted
    private volatile MediaMeters.@Nullable End endedBy; // how the server's side ended it, first one wins
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final AtomicLong queuedAudioNanos = new AtomicLong();
    private final AtomicInteger queuedFrames = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean refusalLogged;

    // Event loop only.
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // AudioEntry, MediaFrame (in order) or Ending
    private boolean pacingReset = true; // upstream's next_send_time = 0: the next chunk does not wait
    private long nextNanos;
    private long wakeNanos; // when the pacing timer is due, for the lateness of the chunk it waits for
    private boolean pacedWake; // the pacing timer woke and the chunk it waited for is not sent yet
    private @Nullable Cancellable pacingTimer;
    private @Nullable Cancellable tailTimer; // a short tail waits this long for the audio that completes it
    private boolean tailDue; // the wait is over: send the tail as it is
    private @Nullable Cancellable sessionTimer;
    private boolean ended; // the end or cancel was taken by the loop: nothing more is queued or sent
    private boolean closed;
    private boolean connected; // onConnect ran
    private boolean inboundErrorLogged;
    private boolean closing; // session.close was called, or waits for the hang-up
    private @Nullable Cancellable hangUpGuard;

    public MediaConnection(MediaChannel session, MediaHandler handler, MediaConfig config) {
        this(session, handler, config, null);
    }

    /** A connection whose frames, queues and end are counted in {@code meters} (none when {@code null}). */
    public MediaConnection(
            MediaChannel session, MediaHandler handler, MediaConfig config, @Nullable MediaMeters meters) {
        this.meters = meters;
        this.session = session;
        this.handler = handler;
        this.config = config;
        this.clock = config.clock();
        this.loop = session.executor();
        Supplier<? extends FrameSerializer> factory = config.serializer();
        this.serializer = factory == null ? null : factory.get();
    }

    // ---- lifecycle, on the loop ------------------------------------------------------------------------------

    /** The client was accepted: sets the serializer up, starts the session timer, calls {@code onConnect}. */
    public void open() {
        if (serializer != null) {
            serializer.setup(config.rates());
        }
        connected = true;
        if (meters != null) {
            meters.started();
        }
        if (config.sessionTimeoutNanos() > 0) {
            sessionTimer = clock.schedule(Duration.ofNanos(config.sessionTimeoutNanos()), this::sessionTimedOut, loop);
        }
        call("onConnect", () -> handler.onConnect(this));
    }

    /** The serializer may have become ready (a WebRTC peer connected): sends what waited for it. On the loop. */
    public void resume() {
        if (!closed) {
            pump();
        }
    }

    private void sessionTimedOut() {
        sessionTimer = null;
        if (!closed) {
            call("onSessionTimeout", () -> handler.onSessionTimeout(this));
        }
    }

    /** A newer client of a single-client endpoint took over; from another connection's thread. */
    void replaced() {
        endedBy(MediaMeters.End.REPLACED);
        state.compareAndSet(OPEN, ENDING);
        session.close(1000, "Replaced by a new connection");
    }

    /** The transport ended, however it ended: releases everything and calls {@code onDisconnect} once. */
    public void closed(CloseStatus status) {
        if (connected && !closed && meters != null) {
            MediaMeters.End end = endedBy;
            meters.ended(end != null ? end : MediaMeters.end(status));
        }
        closed = true;
        state.set(CLOSED);
        cancelTimers();
        releaseQueue();
        if (serializer != null) {
            try {
                serializer.closed();
            } catch (RuntimeException e) {
                log.warn("Session {}: the serializer failed on close", session.id(), e);
            }
        }
        if (connected) {
            call("onDisconnect", () -> handler.onDisconnect(this, status));
        }
    }

    private void endedBy(MediaMeters.End end) {
        if (endedBy == null) {
            endedBy = end;
        }
    }

    private void cancelTimers() {
        cancelPacing();
        if (sessionTimer != null) {
            sessionTimer.cancel();
            sessionTimer = null;
        }
        if (hangUpGuard != null) {
            hangUpGuard.cancel();
            hangUpGuard = null;
        }
    }

    private void releaseQueue() {
        queue.clear();
        queuedAudioNanos.set(0);
        queuedFrames.set(0);
    }

    /** Runs a handler callback; one that throws is logged and closes the session with 1011. */
    private void call(String callback, Runnable run) {
        try {
            run.run();
        } catch (RuntimeException e) {
            log.error("Session {}: the handler's {} failed; closing", session.id(), callback, e);
            endedBy(MediaMeters.End.ERROR);
            state.compareAndSet(OPEN, ENDING);
            session.close(1011, "Internal error");
        }
    }

    // ---- inbound, on the loop --------------------------------------------------------------------------------

    /** A message arrived from the client: deserialized and delivered. */
    public void received(WireMessage message) {
        if (serializer == null || closed) {
            return;
        }
        boolean wasReady = ready();
        MediaFrame frame;
        try {
            frame = serializer.deserialize(message);
        } catch (MediaCloseException e) {
            log.warn("Session {}: {}; closing with {}", session.id(), e.getMessage(), e.code());
            endedBy(MediaMeters.End.SERIALIZER);
            state.compareAndSet(OPEN, ENDING);
            close(e.code(), e.reason());
            return;
        } catch (RuntimeException e) {
            if (meters != null) {
                meters.decodeError(serializer);
            }
            logInbound(e);
            return;
        }
        if (!wasReady && ready()) {
            pump(); // what the application wrote before the serializer knew its format goes now
        }
        if (frame instanceof TelephonyCallFrame call) {
            session.attributes().put(TelephonyCall.ATTRIBUTE, call.call());
        }
        if (frame != null) {
            deliver(frame);
        }
    }

    /**
     * A frame the transport made itself (WebRTC's audio from the remote track) or the serializer made: answers an RTVI
     * {@code client-ready}, then hands it to the handler.
     */
    public void deliver(MediaFrame frame) {
        if (closed) {
            return;
        }
        if (frame instanceof AudioInFrame audio) {
            if (meters != null) {
                meters.audioReceived(audio.audio().length);
            }
            if (!config.audioInEnabled()) {
                return;
            }
        }
        if (config.rtvi() && frame instanceof TransportMessageFrame message) {
            ObjectNode ready = Rtvi.answer(message.message());
            if (ready != null) {
                send(TransportMessageFrame.urgent(ready));
            }
        }
        call("onFrame", () -> handler.onFrame(this, frame));
    }

    /** The first failure of a connection is a warning, later ones debug lines: a hostile client cannot flood the log. */
    private void logInbound(RuntimeException e) {
        if (!inboundErrorLogged) {
            inboundErrorLogged = true;
            log.warn(
                    "Session {}: could not deserialize a message; ignored (further ones are logged at debug)",
                    session.id(),
                    e);
        } else {
            log.debug("Session {}: could not deserialize a message: {}", session.id(), e.toString());
        }
    }

    // ---- MediaSession, any thread ----------------------------------------------------------------------------

    @Override
    public UUID id() {
        return session.id();
    }

    @Override
    public HttpRequest request() {
        return session.request();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return session.remoteAddress();
    }

    @Override
    public Map<String, Object> attributes() {
        return session.attributes();
    }

    @Override
    public boolean isOpen() {
        return state.get() == OPEN && session.isOpen();
    }

    @Override
    public Duration queuedAudio() {
        return Duration.ofNanos(queuedAudioNanos.get());
    }

    @Override
    public long refusedWrites() {
        return refused.get();
    }

    @Override
    public boolean write(MediaFrame frame) {
        if (state.get() != OPEN) {
            return false; // ended, cancelled or closed: refused quietly, a race with the client leaving is normal
        }
        if (frame instanceof AudioOutFrame audio) {
            if (!config.audioOutEnabled()) {
                return false;
            }
            long nanos = nanos(audio.audio().length, audio);
            long before = queuedAudioNanos.getAndAdd(nanos);
            if (before > 0 && before + nanos > config.maxQueuedAudioNanos()) {
                queuedAudioNanos.addAndGet(-nanos);
                return refuse(MediaMeters.AUDIO_QUEUE, Duration.ofNanos(config.maxQueuedAudioNanos()));
            }
            return submit(() -> enqueue(new AudioEntry(audio, nanos)), () -> queuedAudioNanos.addAndGet(-nanos));
        }
        if (frame instanceof TransportMessageFrame message && message.urgent()) {
            return submit(() -> send(message), () -> {});
        }
        if (frame instanceof InterruptionFrame interruption) {
            return submit(() -> interrupt(interruption), () -> {});
        }
        if (frame instanceof EndFrame || frame instanceof CancelFrame) {
            if (!state.compareAndSet(OPEN, ENDING)) {
                return false;
            }
            return submit(() -> end(frame), () -> {});
        }
        if (frame instanceof AudioInFrame
                || frame instanceof TelephonyCallFrame
                || frame instanceof ClientConnectedFrame
                || frame instanceof ClientDisconnectedFrame) {
            return false; // never sent to a client
        }
        if (queuedFrames.incrementAndGet() > config.maxQueuedFrames()) {
            queuedFrames.decrementAndGet();
            return refuse(MediaMeters.FRAMES_QUEUE, config.maxQueuedFrames());
        }
        return submit(() -> enqueue(frame), queuedFrames::decrementAndGet);
    }

    private boolean refuse(int queue, Object bound) {
        refused.incrementAndGet();
        if (meters != null) {
            meters.writeRefused(queue);
        }
        if (!refusalLogged) {
            refusalLogged = true;
            log.warn(
                    "Session {}: queued {} reached {}; refusing writes (counted in refusedWrites())",
                    session.id(),
                    queue == MediaMeters.AUDIO_QUEUE ? "audio" : "frames",
                    bound);
        }
        return false;
    }

    private boolean submit(Runnable task, Runnable undo) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            undo.run();
            return false;
        }
    }

    // ---- the paced output, on the loop -----------------------------------------------------------------------

    private void enqueue(Object item) {
        if (ended || closed) {
            undo(item); // written from another thread as the session ended
            return;
        }
        queue.addLast(item);
        if (tailTimer != null) {
            tailTimer.cancel(); // what came may complete the tail or follow it; pump() decides again
            tailTimer = null;
        }
        pump();
    }

    /** Cancels the pacing sleep and the tail's wait. */
    private void cancelPacing() {
        if (pacingTimer != null) {
            pacingTimer.cancel();
            pacingTimer = null;
        }
        if (tailTimer != null) {
            tailTimer.cancel();
            tailTimer = null;
        }
        tailDue = false;
    }

    private void undo(Object item) {
        if (item instanceof AudioEntry audio) {
            queuedAudioNanos.addAndGet(-audio.nanos);
        } else if (item instanceof MediaFrame) {
            queuedFrames.decrementAndGet();
        }
    }

    /** Sends what is due: in-order frames at once, audio one chunk per interval, the end when everything before went. */
    private void pump() {
        if (!ready()) {
            if (queue.peekLast() instanceof Ending ending) {
                finish(ending.frame); // the end cannot wait for a format that may never come; the audio is dropped
            }
            return;
        }
        while (pacingTimer == null && tailTimer == null && !closed && !ended) {
            Object head = queue.peekFirst();
            if (head == null) {
                return;
            }
            if (head instanceof AudioEntry first) {
                int chunkBytes = chunkBytes(first.frame);
                if (!tailDue && waitsForMore(first.frame, chunkBytes)) {
                    tailTimer = clock.schedule(Duration.ofNanos(nanos(chunkBytes, first.frame)), this::tailDue, loop);
                    return;
                }
                tailDue = false;
                sendChunk(chunkBytes);
            } else if (head instanceof Ending ending) {
                queue.pollFirst();
                finish(ending.frame);
            } else {
                queue.pollFirst();
                queuedFrames.decrementAndGet();
                send((MediaFrame) head);
            }
        }
    }

    private void tailDue() {
        tailTimer = null;
        tailDue = true;
        pump();
    }

    /** Bytes of one chunk of {@code audioOut10msChunks} × 10 ms at the frame's rate and channels. */
    private int chunkBytes(AudioOutFrame frame) {
        return Math.max(1, (int) ((long) frame.sampleRate() * config.audioOut10msChunks() / 100))
                * 2
                * frame.channels();
    }

    /**
     * Whether the audio at the head is less than a chunk and nothing else is queued behind it: more audio may still
     * complete it. A message, an end or audio of another format behind it sends it short at once.
     */
    private boolean waitsForMore(AudioOutFrame format, int chunkBytes) {
        long available = 0;
        for (Object item : queue) {
            if (!(item instanceof AudioEntry entry)
                    || entry.frame.sampleRate() != format.sampleRate()
                    || entry.frame.channels() != format.channels()) {
                return false;
            }
            available += entry.frame.audio().length - entry.offset;
            if (available >= chunkBytes) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends one chunk of {@code audioOut10msChunks} × 10 ms, taken from the audio entries at the head that share a
     * rate and channel count (a shorter tail when no such audio follows), then takes pipecat's sleep step:
     * {@code sleep(max(0, next - now))}; nothing slept: {@code next = now + chunk}; else {@code next += chunk}. The
     * sleep is a timer; {@link #pump} resumes when it fires.
     */
    private void sendChunk(int chunkBytes) {
        AudioEntry first = (AudioEntry) queue.getFirst();
        int rate = first.frame.sampleRate();
        int channels = first.frame.channels();
        byte[] chunk = new byte[chunkBytes];
        int filled = 0;
        while (filled < chunkBytes
                && queue.peekFirst() instanceof AudioEntry entry
                && entry.frame.sampleRate() == rate
                && entry.frame.channels() == channels) {
            int n = Math.min(chunkBytes - filled, entry.frame.audio().length - entry.offset);
            System.arraycopy(entry.frame.audio(), entry.offset, chunk, filled, n);
            entry.offset += n;
            filled += n;
            long unsent = nanos(entry.frame.audio().length - entry.offset, entry.frame);
            queuedAudioNanos.addAndGet(unsent - entry.nanos);
            entry.nanos = unsent;
            if (entry.offset == entry.frame.audio().length) {
                queue.pollFirst();
            }
        }
        byte[] pcm = filled == chunkBytes ? chunk : Arrays.copyOf(chunk, filled);
        byte[] payload = config.addWavHeader() ? WavHeader.wrap(pcm, rate, channels) : pcm;
        if (send(new AudioOutFrame(payload, rate, channels)) && meters != null) {
            meters.audioSent(filled);
        }

        long chunkNanos = nanos(filled, first.frame);
        long now = clock.nanoTime();
        if (pacedWake) {
            pacedWake = false;
            if (meters != null) {
                meters.paced(now - wakeNanos); // the clock read pacing needs anyway: no other per chunk
            }
        }
        long sleep = pacingReset ? 0 : Math.max(0, nextNanos - now);
        pacingReset = false;
        if (sleep == 0) {
            nextNanos = now + chunkNanos;
        } else {
            nextNanos += chunkNanos;
            wakeNanos = now + sleep;
            pacingTimer = clock.schedule(Duration.ofNanos(sleep), this::wake, loop);
        }
    }

    private void wake() {
        pacingTimer = null;
        pacedWake = true;
        pump();
        pacedWake = false;
    }

    /** The serializer's interruption message at once, queued audio dropped, the pacing clock reset. */
    private void interrupt(InterruptionFrame interruption) {
        if (ended || closed) {
            return;
        }
        send(interruption);
        for (Iterator<Object> it = queue.iterator(); it.hasNext(); ) {
            if (it.next() instanceof AudioEntry audio) {
                it.remove();
                queuedAudioNanos.addAndGet(-audio.nanos);
            }
        }
        cancelPacing();
        pacingReset = true;
        pump(); // frames that waited behind the dropped audio go now
    }

    private void end(MediaFrame frame) {
        if (ended || closed) {
            return;
        }
        if (frame instanceof CancelFrame) {
            cancelPacing();
            releaseQueue();
            finish(frame);
        } else {
            enqueue(new Ending(frame));
        }
    }

    /**
     * For an end, what the serializer held back (a resampler's last milliseconds); then the end frame's message (a
     * telephony serializer starts its hang-up here), then the close: at once, or, when the serializer hangs up, once
     * the hang-up completed or the close timeout passed, whichever comes first. The hang-up request itself goes on
     * after a timeout; only the socket does not wait for it longer.
     */
    private void finish(MediaFrame frame) {
        endedBy(frame instanceof EndFrame ? MediaMeters.End.END : MediaMeters.End.CANCEL);
        if (frame instanceof EndFrame) {
            sendFlushed();
        }
        send(frame);
        ended = true;
        cancelTimers();
        releaseQueue();
        if (serializer instanceof HangUpSerializer hangUp && hangUp.autoHangUp() && !closed) {
            closing = true;
            hangUpGuard = clock.schedule(config.closeTimeout(), this::closeAfterHangUp, loop);
            hangUp.hangUpCompletion().whenComplete((ok, error) -> submit(this::closeAfterHangUp, () -> {}));
        } else {
            close(1000, "");
        }
    }

    private void closeAfterHangUp() {
        if (hangUpGuard != null) {
            hangUpGuard.cancel();
            hangUpGuard = null;
        }
        if (!closed) {
            session.close(1000, "");
        }
    }

    private void close(int code, String reason) {
        if (!closing) {
            closing = true;
            session.close(code, closeReason(reason));
        }
    }

    /** {@code reason} cut to the 123 bytes of UTF-8 a close frame carries, on a character boundary. */
    static String closeReason(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 123) {
            return reason;
        }
        int end = 123;
        while ((utf8[end] & 0xC0) == 0x80) {
            end--; // utf8[end] continues the character before: cut before that character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    /** Whether the serializer can write; true without one (nothing is ever sent) or when asking fails. */
    private boolean ready() {
        if (serializer == null) {
            return true;
        }
        try {
            return serializer.isReady();
        } catch (RuntimeException e) {
            log.warn("Session {}: the serializer failed on isReady()", session.id(), e);
            return true;
        }
    }

    /** Sends {@link FrameSerializer#flush()}'s message, if any; never throws. */
    private void sendFlushed() {
        if (serializer == null || closed || !session.isOpen()) {
            return;
        }
        WireMessage message;
        try {
            message = serializer.flush();
        } catch (RuntimeException e) {
            log.warn("Session {}: the serializer failed to flush; the tail is lost", session.id(), e);
            return;
        }
        sendMessage(message);
    }

    /**
     * Serializes {@code frame} and sends what the serializer made of it, if anything; never throws. Returns whether a
     * message was sent.
     */
    private boolean send(MediaFrame frame) {
        if (serializer == null || closed || !session.isOpen()) {
            return false; // a client that left: its onClose follows and releases the rest
        }
        WireMessage message;
        try {
            message = serializer.serialize(frame);
        } catch (RuntimeException e) {
            log.warn("Session {}: the serializer failed on {}; not sent", session.id(), frame, e);
            return false;
        }
        return sendMessage(message);
    }

    private boolean sendMessage(@Nullable WireMessage message) {
        if (message instanceof WireMessage.Text text) {
            return session.sendText(text.text());
        } else if (message instanceof WireMessage.Binary binary) {
            return session.sendBinary(binary.data());
        }
        return false;
    }

    /** How long {@code bytes} of audio in {@code format}'s rate and channels play. */
    private static long nanos(int bytes, AudioOutFrame format) {
        return (bytes / (2L * format.channels())) * 1_000_000_000L / format.sampleRate();
    }

    @Override
    public String toString() {
        return "MediaSession{" + session.id() + ", " + session.remoteAddress() + "}";
    }

    /**
     * Audio waiting for its turn, how far it was sent, and how long its unsent part plays: what it still counts
     * in {@link #queuedAudio()}, which goes down chunk by chunk, so a bot that refills below a mark is not starved
     * while a long frame is half sent.
     */
    private static final class AudioEntry {
        final AudioOutFrame frame;
        long nanos;
        int offset;

        AudioEntry(AudioOutFrame frame, long nanos) {
            this.frame = frame;
            this.nanos = nanos;
        }
    }

    /** The end, queued behind the audio written before it. */
    private record Ending(MediaFrame frame) {}
}
