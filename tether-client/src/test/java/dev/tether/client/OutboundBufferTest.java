package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** What send does while the session is not ready, and the byte limit. */
class OutboundBufferTest extends ConnectionTestBase {

    @Test
    void failFastRejectsASendWhileNotConnected() throws Exception {
        ClientConnection connection = connection(config());

        assertThat(awaitFailure(connection.send("too early")))
                .isInstanceOf(SendRejectedException.class)
                .hasMessage("cannot send: not connected (state DISCONNECTED, outbound buffer policy FAIL_FAST)");
        assertThat(connection.queuedBytes()).isZero();
    }

    @Test
    void queuedMessagesAreSentInOrderOnceReady() throws Exception {
        ClientConnection connection = connection(config().outboundBufferPolicy(OutboundBufferPolicy.QUEUE));

        CompletionStage<Void> first = connection.send("first");
        CompletionStage<Void> second = connection.send("second");
        assertThat(connection.queuedBytes()).isEqualTo(11);
        await(connection.connect());

        await(first);
        await(second);
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("first");
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("second");
        assertThat(connection.queuedBytes()).isZero();
    }

    @Test
    void queuedMessagesWaitForTheReconnect() throws Exception {
        ClientConnection connection = connection(config().outboundBufferPolicy(OutboundBufferPolicy.QUEUE));
        await(connection.connect());
        server.dropAll();
        events.awaitDisconnected();

        CompletionStage<Void> sent = connection.send("while away");
        advanceToNextTask();

        await(sent);
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("while away");
    }

    @Test
    void aFullBufferRejectsTheSendWithTheNumbers() throws Exception {
        ClientConnection connection = connection(
                config().outboundBufferPolicy(OutboundBufferPolicy.QUEUE).outboundBufferBytes(10));

        CompletionStage<Void> fits = connection.send("12345678");
        CompletionStage<Void> tooMuch = connection.send("abc");

        assertThat(tooMuch.toCompletableFuture()).isCompletedExceptionally();
        assertThat(awaitFailure(tooMuch))
                .isInstanceOf(SendRejectedException.class)
                .hasMessage("outbound buffer full: 8 bytes waiting, 3 more do not fit (expected: <= 10 bytes)");
        assertThat(connection.isWritable()).isTrue();
        assertThat(fits.toCompletableFuture()).isNotDone();
    }

    @Test
    void aMessageLargerThanTheBufferIsTakenWhenNothingWaits() throws Exception {
        ClientConnection connection = connection(
                config().outboundBufferPolicy(OutboundBufferPolicy.QUEUE).outboundBufferBytes(10));

        CompletionStage<Void> large = connection.send("x".repeat(100));
        CompletionStage<Void> behindIt = connection.send("y");

        assertThat(large.toCompletableFuture()).isNotDone();
        assertThat(awaitFailure(behindIt))
                .isInstanceOf(SendRejectedException.class)
                .hasMessage("outbound buffer full: 100 bytes waiting, 1 more do not fit (expected: <= 10 bytes)");
        connection.connect();
        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("x".repeat(100));
    }

    @Test
    void queuedMessagesFailWhenTheApplicationDisconnects() throws Exception {
        ClientConnection connection = connection(config().outboundBufferPolicy(OutboundBufferPolicy.QUEUE));
        CompletionStage<Void> queued = connection.send("never sent");

        await(connection.close());

        assertThat(awaitFailure(queued))
                .isInstanceOf(SendRejectedException.class)
                .hasMessageStartingWith("cannot send: ");
        assertThat(connection.queuedBytes()).isZero();
        assertThat(connection.state()).isEqualTo(ConnectionState.CLOSED);
    }
}
