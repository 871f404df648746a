package dev.tether.examples.homeautomation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.ConnectionState;
import dev.tether.client.Disconnection;
import dev.tether.core.ManualClock;
import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The home-automation client against a scripted server, with a manual clock. */
class HomeAutomationClientTest {
    private final ManualClock clock = new ManualClock();
    private final BlockingQueue<String> events = new ArrayBlockingQueue<>(256);
    private FakeHomeServer server;
    private final List<HomeAutomationClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws InterruptedException {
        server = new FakeHomeServer();
    }

    @AfterEach
    void stop() throws Exception {
        for (HomeAutomationClient client : clients) {
            client.connection().close().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        server.close();
    }

    private HomeAutomationClient client(String token) {
        HomeAutomationClient client = HomeAutomationClient.builder()
                .connection(ConnectionConfig.builder()
                        .uri(server.uri())
                        .clock(clock)
                        .random(new SplittableRandom(7))
                        .heartbeatInterval(Duration.ZERO)
                        .listener(new ConnectionListener() {
                            @Override
                            public void onConnected(ClientSession session) {
                                events.add("connected " + session.number());
                            }

                            @Override
                            public void onDisconnected(Disconnection disconnection) {
                                events.add("disconnected");
                            }

                            @Override
                            public void onAttemptFailed(int attempt, ConnectionException error) {
                                events.add("attempt " + attempt + " failed: " + error.getMessage());
                            }

                            @Override
                            public void onEnded(@Nullable TetherException error) {
                                events.add("ended" + (error == null ? "" : ": " + error.getMessage()));
                            }
                        })
                        .build())
                .accessToken(token)
                .build();
        clients.add(client);
        return client;
    }

    private HomeAutomationClient connected() throws Exception {
        HomeAutomationClient client = client(FakeHomeServer.TOKEN);
        await(client.connect());
        awaitEvent("connected 1");
        return client;
    }

    private void awaitEvent(String prefix) throws InterruptedException {
        while (true) {
            String next = events.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                fail("no event starting with '" + prefix + "' within 10 s");
            }
            if (next.startsWith(prefix)) {
                return;
            }
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<?> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected a failure");
    }

    private static int id(Map<String, Object> message) {
        return ((Number) message.get("id")).intValue();
    }

    /** Drops the socket and lets the client reconnect (one wait on the clock). */
    private void dropAndReconnect(int expectedSession) throws InterruptedException {
        server.dropAll();
        awaitEvent("disconnected");
        clock.advance(clock.nextDue());
        awaitEvent("connected " + expectedSession);
    }

    @Test
    void theTokenIsSentAfterAuthRequiredAndAuthOkMakesTheSessionReady() throws Exception {
        HomeAutomationClient client = connected();

        Map<String, Object> auth = server.received.poll(10, TimeUnit.SECONDS);
        assertThat(auth).isEqualTo(Map.of("type", "auth", "access_token", FakeHomeServer.TOKEN));
        assertThat(client.connection().state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void authInvalidIsFatal() throws Exception {
        HomeAutomationClient client = client("revoked-token");

        Throwable error = failure(client.connect());

        assertThat(error)
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("Authentication failed: Invalid access token");
        awaitEvent("ended: Authentication failed");
        assertThat(client.connection().state()).isEqualTo(ConnectionState.DISCONNECTED);
        clock.advance(Duration.ofMinutes(10));
        assertThat(server.accepted.get()).isEqualTo(1);
    }

    @Test
    void authInvalidAfterAReconnectEndsTheConnection() throws Exception {
        HomeAutomationClient client = connected();
        server.auth = FakeHomeServer.Auth.INVALID; // the token was revoked meanwhile

        server.dropAll();
        awaitEvent("disconnected");
        clock.advance(clock.nextDue());

        awaitEvent("ended: Authentication failed: Invalid access token");
        assertThat(client.connection().state()).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void anUnansweredAuthTimesOutAndIsRetried() throws Exception {
        server.auth = FakeHomeServer.Auth.SILENT;
        HomeAutomationClient client = client(FakeHomeServer.TOKEN);
        CompletionStage<Void> connected = client.connect();
        server.received.poll(10, TimeUnit.SECONDS); // the auth message

        clock.advance(Duration.ofSeconds(10));

        awaitEvent("attempt 1 failed: connection attempt 1 failed: handshake did not complete within 10 s");
        server.auth = FakeHomeServer.Auth.OK;
        clock.advance(clock.nextDue());
        await(connected);
    }

    @Test
    void idsStartAtOneAndNeverResetAcrossReconnects() throws Exception {
        HomeAutomationClient client = connected();
        await(client.sendAndWait(Map.of("type", "get_states")));
        await(client.sendAndWait(Map.of("type", "get_config")));
        assertThat(id(server.take())).isEqualTo(1);
        assertThat(id(server.take())).isEqualTo(2);

        dropAndReconnect(2);
        await(client.sendAndWait(Map.of("type", "get_states")));

        assertThat(id(server.take())).isEqualTo(3);
    }

    @Test
    void aServerErrorIsNotRetriedAndCarriesItsCode() throws Exception {
        server.responder = command -> new FakeHomeServer.Failure("not_found", "Entity not found.");
        HomeAutomationClient client = connected();

        Throwable error = failure(client.sendAndWait(Map.of("type", "call_service")));

        assertThat(error).isInstanceOf(CommandException.class).hasMessage("Entity not found.");
        assertThat(((CommandException) error).code()).isEqualTo("not_found");
        assertThat(((CommandException) error).isRetryable()).isFalse();
        server.take("call_service");
        clock.advance(Duration.ofMinutes(5));
        assertThat(server.received.poll()).isNull();
    }

    @Test
    void timeoutsAreRetriedWithNewIds() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        server.responder =
                command -> seen.incrementAndGet() < 3 ? new FakeHomeServer.Ignore() : new FakeHomeServer.Result(42);
        HomeAutomationClient client = connected();
        CompletableFuture<Object> result = client.sendAndWait(Map.of("type", "get_states"));
        int first = id(server.take("get_states"));

        clock.advance(Duration.ofSeconds(15));
        int second = id(server.take("get_states"));
        clock.advance(Duration.ofSeconds(15));
        int third = id(server.take("get_states"));

        assertThat(await(result)).isEqualTo(42);
        assertThat(List.of(first, second, third)).containsExactly(first, first + 1, first + 2);
    }

    @Test
    void aCommandGivesUpAfterFiveUnansweredAttempts() throws Exception {
        server.responder = command -> new FakeHomeServer.Ignore();
        HomeAutomationClient client = connected();
        CompletableFuture<Object> result = client.sendAndWait(Map.of("type", "get_states"));

        for (int attempt = 1; attempt <= 5; attempt++) {
            server.take("get_states");
            clock.advance(Duration.ofSeconds(15));
        }

        Throwable error = failure(result);
        assertThat(error)
                .isInstanceOf(CommandException.class)
                .hasMessage("no answer to get_states after 5 attempts of 15 s");
        assertThat(((CommandException) error).code()).isEqualTo(CommandException.TIMEOUT);
        assertThat(server.received.poll()).isNull();
    }

    @Test
    void aPendingCommandFailsRetryableWhenTheConnectionDrops() throws Exception {
        server.responder = command -> new FakeHomeServer.Ignore();
        HomeAutomationClient client = connected();
        CompletableFuture<Object> result = client.sendAndWait(Map.of("type", "get_states"));
        server.take("get_states");

        server.dropAll();

        Throwable error = failure(result);
        assertThat(error).isInstanceOf(CommandException.class);
        assertThat(((CommandException) error).code()).isEqualTo(CommandException.DISCONNECTED);
        assertThat(((CommandException) error).isRetryable()).isTrue();
    }

    @Test
    void aSubscriptionIsMadeAgainAfterAReconnectAndItsHandleKeepsWorking() throws Exception {
        HomeAutomationClient client = connected();
        BlockingQueue<Map<String, Object>> received = new ArrayBlockingQueue<>(16);
        Subscription subscription = await(client.subscribeEvents("state_changed", received::add));
        Map<String, Object> first = server.take("subscribe_events");
        assertThat(first.get("event_type")).isEqualTo("state_changed");
        server.sendEvent(id(first), Map.of("n", 1));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("n", 1));

        dropAndReconnect(2);

        Map<String, Object> again = server.take("subscribe_events");
        assertThat(again.get("event_type")).isEqualTo("state_changed");
        assertThat(id(again)).isGreaterThan(id(first));
        assertThat(subscription.id()).isEqualTo(id(again));
        server.sendEvent(id(again), Map.of("n", 2));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("n", 2));
    }

    @Test
    void aSubscribeAttemptThatTimedOutIsUnsubscribedBeforeTheRetry() throws Exception {
        AtomicInteger subscribes = new AtomicInteger();
        server.responder =
                command -> "subscribe_events".equals(command.get("type")) && subscribes.incrementAndGet() == 1
                        ? new FakeHomeServer.Ignore()
                        : new FakeHomeServer.Result(null);
        HomeAutomationClient client = connected();
        CompletableFuture<Subscription> subscribed = client.subscribeEvents(null, event -> {});
        int first = id(server.take("subscribe_events"));

        clock.advance(Duration.ofSeconds(15));

        Map<String, Object> unsubscribe = server.take();
        assertThat(unsubscribe.get("type")).isEqualTo("unsubscribe_events");
        assertThat(unsubscribe.get("subscription")).isEqualTo(first);
        Map<String, Object> retry = server.take();
        assertThat(retry.get("type")).isEqualTo("subscribe_events");
        assertThat(retry).doesNotContainKey("event_type");
        assertThat(await(subscribed).id()).isEqualTo(id(retry));
    }

    @Test
    void shutdownUnsubscribesEverySubscriptionAndClosesWith1001() throws Exception {
        HomeAutomationClient client = connected();
        Subscription a = await(client.subscribeEvents("state_changed", event -> {}));
        Subscription b = await(client.subscribeEvents("call_service", event -> {}));
        server.take("subscribe_events");
        server.take("subscribe_events");

        await(client.shutdown());

        Map<String, Object> first = server.take("unsubscribe_events");
        Map<String, Object> second = server.take("unsubscribe_events");
        assertThat(List.of(first.get("subscription"), second.get("subscription")))
                .containsExactly(a.id(), b.id());
        assertThat(server.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("1001 Shutting down WebSocket connection");
        assertThat(client.connection().state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void invalidJsonBinaryFramesAndUnknownTypesAreIgnored() throws Exception {
        HomeAutomationClient client = connected();

        server.sendText("this is not json");
        server.sendBinary(new byte[] {1, 2, 3});
        server.sendText("{\"type\":\"something_new\"}");
        server.sendText("[1,2]");

        assertThat(await(client.sendAndWait(Map.of("type", "ping_me")))).isEqualTo(Map.of("ok", true));
        assertThat(client.connection().state()).isEqualTo(ConnectionState.CONNECTED);
    }
}
