package dev.tether.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.fault.Fault;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The extension point: handshake after every upgrade, re-subscribe after every reconnect, messages. */
class SessionProtocolTest extends ConnectionTestBase {

    /** Waits for the server's greeting, answers with credentials, and is ready when they come back (echoed). */
    static final class GreetingProtocol extends RecordingProtocol {
        private CompletableFuture<Void> authenticated = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> handshake(ClientSession session) {
            handshakes.incrementAndGet();
            authenticated = new CompletableFuture<>();
            return authenticated;
        }

        @Override
        public void onText(ClientSession session, String text) {
            if (text.equals("auth_required")) {
                session.sendText("auth token-1");
            } else if (text.equals("auth token-1")) {
                authenticated.complete(null);
            } else {
                super.onText(session, text);
            }
        }
    }

    @Test
    void theSessionIsReadyOnlyAfterTheHandshake() throws Exception {
        server.defaultFault(Fault.echo().greeting("auth_required"));
        GreetingProtocol protocol = new GreetingProtocol();
        ClientConnection connection = connection(config().protocol(protocol));

        await(connection.connect());

        assertThat(server.takeText(RecordingListener.TIMEOUT)).isEqualTo("auth token-1");
        assertThat(protocol.handshakes).hasValue(1);
        assertThat(protocol.resubscribes).hasValue(0);
        await(connection.send("hello"));
        assertThat(protocol.takeText()).isEqualTo("hello");
    }

    @Test
    void everyReconnectHandshakesAndResubscribes() throws Exception {
        server.defaultFault(Fault.echo().greeting("auth_required"));
        GreetingProtocol protocol = new GreetingProtocol();
        ClientConnection connection = connection(config().protocol(protocol));
        await(connection.connect());
        events.awaitConnected();

        server.dropAll();
        events.awaitDisconnected();
        advanceToNextTask();

        ClientSession second = events.awaitConnected();
        assertThat(second.isReconnect()).isTrue();
        assertThat(protocol.handshakes).hasValue(2);
        assertThat(protocol.resubscribes).hasValue(1);
        assertThat(protocol.sessionsClosed).hasValue(1);
    }

    @Test
    void aFailedResubscribeIsAFailedAttempt() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol() {
            @Override
            public CompletionStage<Void> resubscribe(ClientSession session) {
                resubscribes.incrementAndGet();
                return resubscribes.get() == 1
                        ? CompletableFuture.failedFuture(new IllegalStateException("subscribe timed out"))
                        : CompletableFuture.completedFuture(null);
            }
        };
        ClientConnection connection = connection(config().protocol(protocol));
        await(connection.connect());
        events.awaitConnected();
        server.dropAll();
        events.awaitDisconnected();
        advanceToNextTask();

        assertThat(events.awaitAttemptFailed(1)).hasMessage("reconnection attempt 1 failed: subscribe timed out");
        advanceToNextTask();

        events.awaitConnected();
        assertThat(protocol.resubscribes).hasValue(2);
    }

    @Test
    void aProtocolThatThrowsOnAMessageDoesNotEndTheSession() throws Exception {
        RecordingProtocol protocol = new RecordingProtocol() {
            @Override
            public void onText(ClientSession session, String text) {
                if (text.equals("poison")) {
                    throw new IllegalArgumentException("cannot parse");
                }
                super.onText(session, text);
            }
        };
        ClientConnection connection = connection(config().protocol(protocol));
        await(connection.connect());

        await(connection.send("poison"));
        await(connection.send("fine"));

        assertThat(protocol.takeText()).isEqualTo("fine");
        assertThat(connection.state()).isEqualTo(ConnectionState.CONNECTED);
    }
}
