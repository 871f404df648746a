package dev.tether.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionState;
import dev.tether.client.OutboundBufferPolicy;
import dev.tether.client.SendRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The byte bound and the policy while not ready, without a connection. */
class OutboundBufferTest {

    private static Throwable failure(CompletableFuture<Void> result) {
        assertThat(result).isCompletedExceptionally();
        try {
            result.get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not failed");
    }

    /** A message accepted by {@code buffer} and handed to it while not ready. */
    private static Outbound heldWhileConnecting(OutboundBuffer buffer, Outbound out) {
        buffer.reserve(out);
        buffer.holdWhileNotReady(out, ConnectionState.CONNECTING, false);
        return out;
    }

    private static List<String> texts(List<Outbound> messages) {
        return messages.stream().map(m -> m.text).toList();
    }

    @Test
    void reservesUpToTheLimitAndRejectsWhatDoesNotFit() {
        OutboundBuffer buffer = new OutboundBuffer(10, OutboundBufferPolicy.QUEUE);
        Outbound fits = Outbound.text("12345678", false);
        Outbound tooMuch = Outbound.text("abc", false);

        assertThat(buffer.reserve(fits)).isTrue();
        assertThat(buffer.reserve(tooMuch)).isFalse();

        assertThat(failure(tooMuch.result))
                .isInstanceOf(SendRejectedException.class)
                .hasMessage("outbound buffer full: 8 bytes waiting, 3 more do not fit (expected: <= 10 bytes)");
        assertThat(fits.result).isNotDone();
        assertThat(buffer.queuedBytes()).isEqualTo(8);
        assertThat(buffer.isWritable()).isTrue();
    }

    @Test
    void aMessageThatFillsTheLimitExactlyFitsAndLeavesItUnwritable() {
        OutboundBuffer buffer = new OutboundBuffer(3, OutboundBufferPolicy.FAIL_FAST);

        assertThat(buffer.reserve(Outbound.binary(new byte[3], false))).isTrue();

        assertThat(buffer.isWritable()).isFalse();
        assertThat(buffer.reserve(Outbound.binary(new byte[0], false))).isFalse();
    }

    @Test
    void anEmptyMessageCountsAsOneByte() {
        OutboundBuffer buffer = new OutboundBuffer(10, OutboundBufferPolicy.QUEUE);

        buffer.reserve(Outbound.text("", false));

        assertThat(buffer.queuedBytes()).isEqualTo(1);
    }

    @Test
    void sizesAreCountedInUtf8Bytes() {
        OutboundBuffer buffer = new OutboundBuffer(10, OutboundBufferPolicy.QUEUE);

        buffer.reserve(Outbound.text("é€", false));

        assertThat(buffer.queuedBytes()).isEqualTo(5);
    }

    @Test
    void releaseFreesTheBytes() {
        OutboundBuffer buffer = new OutboundBuffer(10, OutboundBufferPolicy.QUEUE);
        Outbound out = Outbound.text("1234567890", false);
        buffer.reserve(out);

        buffer.release(out);

        assertThat(buffer.queuedBytes()).isZero();
        assertThat(buffer.reserve(Outbound.text("0987654321", false))).isTrue();
    }

    @Test
    void rejectFreesTheBytesAndFailsTheSend() {
        OutboundBuffer buffer = new OutboundBuffer(10, OutboundBufferPolicy.QUEUE);
        Outbound out = Outbound.text("abc", false);
        buffer.reserve(out);

        buffer.reject(out, "the connection is closed");

        assertThat(failure(out.result)).hasMessage("cannot send: the connection is closed");
        assertThat(buffer.queuedBytes()).isZero();
    }

    @Test
    void failFastRejectsASendWhileNotReady() {
        OutboundBuffer buffer = new OutboundBuffer(100, OutboundBufferPolicy.FAIL_FAST);

        Outbound out = heldWhileConnecting(buffer, Outbound.text("too early", false));

        assertThat(failure(out.result))
                .isInstanceOf(SendRejectedException.class)
                .hasMessage("cannot send: not connected (state CONNECTING, outbound buffer policy FAIL_FAST)");
        assertThat(buffer.heldMessages()).isZero();
        assertThat(buffer.queuedBytes()).isZero();
    }

    @Test
    void queueHoldsMessagesAndFlushesThemInOrder() {
        OutboundBuffer buffer = new OutboundBuffer(100, OutboundBufferPolicy.QUEUE);
        for (String text : List.of("first", "second", "third")) {
            heldWhileConnecting(buffer, Outbound.text(text, false));
        }
        assertThat(buffer.heldMessages()).isEqualTo(3);
        assertThat(buffer.queuedBytes()).isEqualTo(16);

        List<Outbound> written = new ArrayList<>();
        buffer.flush(written::add);

        assertThat(texts(written)).containsExactly("first", "second", "third");
        assertThat(buffer.heldMessages()).isZero();
        assertThat(buffer.queuedBytes()).isEqualTo(16); // counted until the network has them
    }

    @Test
    void queueRejectsWhileTheApplicationDisconnects() {
        OutboundBuffer buffer = new OutboundBuffer(100, OutboundBufferPolicy.QUEUE);
        Outbound out = Outbound.text("bye", false);
        buffer.reserve(out);

        buffer.holdWhileNotReady(out, ConnectionState.CONNECTED, true);

        assertThat(failure(out.result))
                .hasMessage("cannot send: not connected (state CONNECTED, outbound buffer policy QUEUE)");
        assertThat(buffer.heldMessages()).isZero();
    }

    @Test
    void failHeldFailsEveryHeldMessageAndFreesItsBytes() {
        OutboundBuffer buffer = new OutboundBuffer(100, OutboundBufferPolicy.QUEUE);
        Outbound one = heldWhileConnecting(buffer, Outbound.text("one", false));
        Outbound two = heldWhileConnecting(buffer, Outbound.binary(new byte[] {1, 2}, false));

        buffer.failHeld("the connection ended: gave up");

        assertThat(failure(one.result)).hasMessage("cannot send: the connection ended: gave up");
        assertThat(failure(two.result)).hasMessage("cannot send: the connection ended: gave up");
        assertThat(buffer.heldMessages()).isZero();
        assertThat(buffer.queuedBytes()).isZero();
    }
}
