package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.testing.fault.FaultServer;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** Streaming calls: demand, end, errors, cancel with {@code __abort__}, drops, a subscriber that falls behind. */
class StreamTest extends TetherClientTestBase {

    /** A round trip after the stream's items: when it returns, everything the server sent before has arrived. */
    private void sync(TetherClient client) throws Exception {
        await(client.call("echo", "sync"));
    }

    @Test
    void itemsComeAsRequestedThenTheEnd() throws Exception {
        TetherClient client = connected();
        RecordingSubscriber subscriber = new RecordingSubscriber();
        client.stream("count", 5).subscribe(subscriber);

        subscriber.request(2);
        assertThat(subscriber.next()).isEqualTo(1);
        assertThat(subscriber.next()).isEqualTo(2);
        sync(client);
        assertThat(subscriber.poll()).isNull();

        subscriber.request(10);
        assertThat(subscriber.next()).isEqualTo(3);
        assertThat(subscriber.next()).isEqualTo(4);
        assertThat(subscriber.next()).isEqualTo(5);
        assertThat(subscriber.next()).isSameAs(RecordingSubscriber.COMPLETE);
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void theEndWaitsForTheBufferedItemsEvenWithoutDemand() throws Exception {
        TetherClient client = connected();
        RecordingSubscriber subscriber = new RecordingSubscriber();
        client.stream("count", 2).subscribe(subscriber);
        sync(client);

        assertThat(subscriber.poll()).isNull();
        subscriber.request(2);

        assertThat(subscriber.next()).isEqualTo(1);
        assertThat(subscriber.next()).isEqualTo(2);
        assertThat(subscriber.next()).isSameAs(RecordingSubscriber.COMPLETE);
    }

    @Test
    void eachSubscriptionIsANewCall() throws Exception {
        TetherClient client = connected();
        Flow.Publisher<Object> counting = client.stream("count", 1);
        RecordingSubscriber first = new RecordingSubscriber();
        RecordingSubscriber second = new RecordingSubscriber();

        counting.subscribe(first);
        counting.subscribe(second);

        assertThat(handler.take("count").callId())
                .isNotEqualTo(handler.take("count").callId());
    }

    @Test
    void cancelSendsAbortWithTheStreamsCallId() throws Exception {
        TetherClient client = connected();
        RecordingSubscriber subscriber = new RecordingSubscriber();
        client.stream("open", 3).subscribe(subscriber);
        subscriber.request(1);
        assertThat(subscriber.next()).isEqualTo(1);
        RpcRequest stream = handler.take("open");

        subscriber.cancel();

        RpcRequest abort = handler.take(RpcRequest.ABORT_METHOD);
        assertThat(abort.args()).containsExactly(stream.callId());
        assertThat(abort.callId()).isNotEqualTo(stream.callId());
        assertThat(client.pendingCalls()).isZero();
        sync(client);
        assertThat(subscriber.poll()).isNull();
    }

    @Test
    void anErrorReplyFailsTheStreamWithItsCode() throws Exception {
        TetherClient client = connected();
        RecordingSubscriber subscriber = new RecordingSubscriber();

        client.stream("no_such_stream").subscribe(subscriber);

        Object signal = subscriber.next();
        assertThat(signal).isInstanceOf(RpcErrorException.class);
        assertThat(((RpcErrorException) signal).errorCode()).isEqualTo(RpcErrorCode.METHOD_NOT_FOUND);
    }

    @Test
    void aNonPositiveRequestFailsTheStreamAndAbortsIt() throws Exception {
        TetherClient client = connected();
        RecordingSubscriber subscriber = new RecordingSubscriber();
        client.stream("open", 1).subscribe(subscriber);
        RpcRequest stream = handler.take("open");

        subscriber.request(0);

        assertThat(subscriber.nextError())
                .isInstanceOf(IllegalArgumentException.class)
                .hasToString(
                        "java.lang.IllegalArgumentException: request: 0 (expected: > 0, Reactive Streams rule 3.9)");
        assertThat(handler.take(RpcRequest.ABORT_METHOD).args()).containsExactly(stream.callId());
    }

    @Test
    void aSubscriberThatFallsTooFarBehindGetsAnErrorAndTheStreamIsAborted() throws Exception {
        TetherClient client = client(config().streamBufferItems(3));
        await(client.connect());
        RecordingSubscriber subscriber = new RecordingSubscriber();
        client.stream("open", 4).subscribe(subscriber);
        RpcRequest stream = handler.take("open");

        Throwable signal = subscriber.nextError();

        assertThat(signal)
                .isInstanceOf(RpcCallException.class)
                .hasMessage("stream buffer full: the subscriber of 'open' left 3 items unrequested (expected: at most"
                        + " streamBufferItems 3); the stream was aborted");
        assertThat(handler.take(RpcRequest.ABORT_METHOD).args()).containsExactly(stream.callId());
        assertThat(client.pendingCalls()).isZero();
    }

    @Test
    void aStreamFailsRetryableWhenTheConnectionDrops() throws Exception {
        try (FaultServer faults =
                FaultServer.builder().clock(clock).subprotocols("webshocket.v1").start()) {
            TetherClient client = client(
                    config().connection(connectionConfig().uri(faults.uri()).build()));
            await(client.connect());
            RecordingSubscriber subscriber = new RecordingSubscriber();
            client.stream("ticks").subscribe(subscriber);
            faults.takeBinary(RecordingListener.TIMEOUT);

            faults.dropAll();

            Object signal = subscriber.next();
            assertThat(signal).isInstanceOf(RpcDisconnectedException.class);
            assertThat(((RpcCallException) signal).isRetryable()).isTrue();
        }
    }

    @Test
    void aStreamWhileNotConnectedFailsAfterOnSubscribe() throws Exception {
        TetherClient client = client(config());
        RecordingSubscriber subscriber = new RecordingSubscriber();

        client.stream("count", 1).subscribe(subscriber);

        assertThat(subscriber.subscription).isNotNull();
        assertThat(subscriber.nextError())
                .isInstanceOf(RpcCallException.class)
                .hasMessage("Cannot send RPC: client is not connected.");
    }
}
