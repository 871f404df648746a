package dev.tether.examples.homeautomation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.client.AuthenticationException;
import dev.tether.client.ClientConnection;
import dev.tether.client.ClientSession;
import dev.tether.client.ConnectionConfig;
import dev.tether.client.ConnectionException;
import dev.tether.client.ConnectionListener;
import dev.tether.client.SessionProtocol;
import dev.tether.core.Cancellable;
import dev.tether.core.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for an authenticated home-automation WebSocket API, on a resilient {@link ClientConnection}.
 *
 * <pre>{@code
 * HomeAutomationClient home = HomeAutomationClient.builder()
 *         .connection(ConnectionConfig.builder().uri("ws://homeassistant.local:8123/api/websocket").build())
 *         .accessToken(token)
 *         .build();
 * home.connect().toCompletableFuture().join();
 * Object states = home.sendAndWait(Map.of("type", "get_states")).join();
 * home.subscribeEvents("state_changed", event -> System.out.println(event));
 * home.shutdown();   // unsubscribes, then closes with 1001
 * }</pre>
 *
 * <p><b>Protocol.</b> After every upgrade the server says {@code auth_required}, the client answers
 * {@code {"type":"auth","access_token":…}} and the session is ready at {@code auth_ok}; {@code auth_invalid} is
 * fatal (an {@link AuthenticationException}: no retry), and on a reconnect it is logged as a possible token
 * revocation. Commands carry an {@code id} from a counter that starts at 1 and never resets, and are answered by
 * {@code {"id":N,"type":"result","success":…}}. After a reconnect every subscription is made again (with a new id)
 * before the session is ready, and its {@link Subscription} handle keeps working. Invalid JSON, binary frames and
 * unknown message types are logged and ignored.
 *
 * <p><b>Threading.</b> Methods are safe from any thread and never block. Event handlers and the futures' completions
 * run on the connection's event loop (timeouts: on the clock's thread); keep them short.
 *
 * <p>Built only from tether-client's public API: the handshake and re-subscribe are a {@link SessionProtocol}, the
 * shutdown is {@link ClientConnection#disconnect(int, String)}.
 */
public final class HomeAutomationClient {
    private static final Logger log = LoggerFactory.getLogger(HomeAutomationClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** The close code and reason of {@link #shutdown()}. */
    public static final int SHUTDOWN_CODE = 1001;

    public static final String SHUTDOWN_REASON = "Shutting down WebSocket connection";

    private final ClientConnection connection;
    private final Clock clock;
    private final String accessToken;
    private final Duration commandTimeout;
    private final int maxAttempts;
    private final AtomicInteger ids = new AtomicInteger();
    private final ConcurrentHashMap<Integer, Command> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Subscription> subscriptionsById = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    // The handshake running now, and the session that is ready now: set on the event loop.
    private volatile @Nullable ClientSession authenticating;
    private volatile @Nullable CompletableFuture<Void> authenticated;
    private volatile @Nullable ClientSession ready;

    private HomeAutomationClient(Builder b, ConnectionConfig connection, String accessToken) {
        this.accessToken = accessToken;
        this.commandTimeout = b.commandTimeout;
        this.maxAttempts = b.maxAttempts;
        this.clock = connection.clock();
        this.connection = ClientConnection.create(connection.toBuilder()
                .protocol(new Protocol())
                .listener(new ConnectionListener() {
                    @Override
                    public void onConnected(ClientSession session) {
                        ready = session;
                    }
                })
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects and authenticates; completes when the session is ready. */
    public CompletionStage<Void> connect() {
        return connection.connect();
    }

    /** The connection underneath: its state, listeners, {@code reconnect()}. */
    public ClientConnection connection() {
        return connection;
    }

    /**
     * Sends {@code command} with a fresh id and waits for its result: 15 s per attempt
     * ({@link Builder#commandTimeout}), an unanswered attempt is sent again with a new id, up to 5 attempts
     * ({@link Builder#maxAttempts}). A server error is not retried.
     *
     * @return the {@code result}; or fails with {@link CommandException}: the server's code and message, or
     *     {@code timeout}, {@code disconnected} (retryable), {@code not_connected} (retryable)
     */
    public CompletableFuture<@Nullable Object> sendAndWait(Map<String, ?> command) {
        Command c = new Command(command, null, true);
        attempt(c);
        return c.result;
    }

    /**
     * Subscribes to events of {@code eventType} ({@code null}: all events). A subscribe attempt that times out is
     * unsubscribed before it is retried. The handle survives reconnects.
     */
    public CompletableFuture<Subscription> subscribeEvents(
            @Nullable String eventType, Consumer<Map<String, Object>> handler) {
        Subscription subscription = new Subscription(this, eventType, handler);
        Command c = new Command(subscribeCommand(eventType), null, true);
        c.onId = id -> rebind(subscription, id);
        c.onTimeout = id -> {
            subscriptionsById.remove(id, subscription);
            sendOnly(unsubscribeCommand(id), null);
        };
        attempt(c);
        return c.result.handle((result, error) -> {
            if (error != null) {
                subscriptionsById.remove(subscription.id, subscription);
                throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
            }
            subscription.active = true;
            subscriptions.add(subscription);
            return subscription;
        });
    }

    /** The active subscriptions. */
    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /**
     * Shuts down: sends {@code unsubscribe_events} for every subscription, closes with 1001
     * {@code Shutting down WebSocket connection}, and releases the connection.
     */
    public CompletionStage<Void> shutdown() {
        return connection.disconnect(SHUTDOWN_CODE, SHUTDOWN_REASON).thenCompose(ignored -> connection.close());
    }

    CompletableFuture<@Nullable Object> unsubscribe(Subscription subscription) {
        subscription.active = false;
        subscriptions.remove(subscription);
        subscriptionsById.remove(subscription.id, subscription);
        return sendAndWait(unsubscribeCommand(subscription.id));
    }

    private void rebind(Subscription subscription, int id) {
        subscriptionsById.remove(subscription.id, subscription);
        subscription.id = id;
        subscriptionsById.put(id, subscription);
    }

    private static Map<String, Object> subscribeCommand(@Nullable String eventType) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("type", "subscribe_events");
        if (eventType != null) {
            command.put("event_type", eventType);
        }
        return command;
    }

    private static Map<String, Object> unsubscribeCommand(int subscriptionId) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("type", "unsubscribe_events");
        command.put("subscription", subscriptionId);
        return command;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Commands.

    /** One command and its attempts; the id changes with every attempt. */
    private static final class Command {
        final Map<String, ?> body;
        final @Nullable ClientSession session;
        final boolean retryTimeouts;
        final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
        volatile int attempts;
        volatile @Nullable Cancellable timer;

        @Nullable
        IntConsumer onId;

        @Nullable
        IntConsumer onTimeout;

        Command(Map<String, ?> body, @Nullable ClientSession session, boolean retryTimeouts) {
            this.body = body;
            this.session = session;
            this.retryTimeouts = retryTimeouts;
        }
    }

    private void attempt(Command c) {
        int id = ids.incrementAndGet();
        c.attempts++;
        IntConsumer onId = c.onId;
        if (onId != null) {
            onId.accept(id);
        }
        pending.put(id, c);
        c.timer = clock.schedule(commandTimeout, () -> timedOut(c, id));
        send(withId(id, c.body), c.session).whenComplete((ignored, error) -> {
            if (error != null && release(id, c)) {
                c.result.completeExceptionally(new CommandException(
                        CommandException.NOT_CONNECTED,
                        "cannot send " + c.body.get("type") + ": " + error.getMessage(),
                        error));
            }
        });
    }

    private void timedOut(Command c, int id) {
        if (!release(id, c)) {
            return;
        }
        IntConsumer onTimeout = c.onTimeout;
        if (onTimeout != null) {
            onTimeout.accept(id);
        }
        if (c.retryTimeouts && c.attempts < maxAttempts) {
            log.info(
                    "No answer to command {} ({}) within {}; sending it again",
                    id,
                    c.body.get("type"),
                    seconds(commandTimeout));
            attempt(c);
            return;
        }
        c.result.completeExceptionally(new CommandException(
                CommandException.TIMEOUT,
                "no answer to " + c.body.get("type") + " after " + c.attempts + " attempts of "
                        + seconds(commandTimeout),
                null));
    }

    private boolean release(int id, Command c) {
        if (pending.remove(id, c)) {
            Cancellable timer = c.timer;
            if (timer != null) {
                timer.cancel();
            }
            return true;
        }
        return false;
    }

    private static Map<String, Object> withId(int id, Map<String, ?> body) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.putAll(body);
        return message;
    }

    /** A message with a fresh id that expects no tracked answer (its result is ignored as unknown). */
    private CompletionStage<Void> sendOnly(Map<String, ?> body, @Nullable ClientSession session) {
        return send(withId(ids.incrementAndGet(), body), session);
    }

    private CompletionStage<Void> send(Map<String, ?> message, @Nullable ClientSession session) {
        String text;
        try {
            text = JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return session != null ? session.sendText(text) : connection.send(text);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Inbound messages, on the event loop.

    private void result(Map<String, Object> message) {
        if (!(message.get("id") instanceof Integer id)) {
            log.warn("Ignoring a result without an integer id: {}", message);
            return;
        }
        Command c = pending.get(id);
        if (c == null || !release(id, c)) {
            log.debug("Ignoring the result of command {}: unknown or already answered", id);
            return;
        }
        if (Boolean.TRUE.equals(message.get("success"))) {
            c.result.complete(message.get("result"));
            return;
        }
        String code = "unknown_error";
        String text = String.valueOf(message);
        if (message.get("error") instanceof Map<?, ?> error) {
            code = String.valueOf(error.get("code"));
            text = String.valueOf(error.get("message"));
        }
        c.result.completeExceptionally(new CommandException(code, text, null));
    }

    @SuppressWarnings("unchecked")
    private void event(Map<String, Object> message) {
        Subscription subscription = message.get("id") instanceof Integer id ? subscriptionsById.get(id) : null;
        if (subscription == null) {
            log.debug("Ignoring an event for no known subscription: {}", message.get("id"));
            return;
        }
        Object event = message.get("event");
        try {
            subscription.handler.accept(event instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of());
        } catch (RuntimeException e) {
            log.warn("The handler of {} threw; ignored", subscription, e);
        }
    }

    private void authMessage(ClientSession session, @Nullable Object type, String text, CompletableFuture<Void> auth) {
        if ("auth_required".equals(type)) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("type", "auth");
            answer.put("access_token", accessToken);
            send(answer, session);
        } else if ("auth_ok".equals(type)) {
            auth.complete(null);
        } else if ("auth_invalid".equals(type)) {
            String message = String.valueOf(parse(text).getOrDefault("message", ""));
            if (session.isReconnect()) {
                log.error(
                        "Authentication rejected after reconnecting ({}): the access token may have been revoked",
                        message);
            } else {
                log.error("Authentication rejected: {}", message);
            }
            auth.completeExceptionally(new AuthenticationException("Authentication failed: " + message));
        } else {
            auth.completeExceptionally(new ConnectionException("Unexpected authentication response: " + text));
        }
    }

    private static Map<String, Object> parse(String text) {
        try {
            Map<String, Object> map = JSON.readValue(text, MAP);
            return map == null ? Map.of() : map;
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private final class Protocol implements SessionProtocol {
        @Override
        public CompletionStage<Void> handshake(ClientSession session) {
            CompletableFuture<Void> auth = new CompletableFuture<>();
            authenticating = session;
            authenticated = auth;
            return auth;
        }

        @Override
        public CompletionStage<Void> resubscribe(ClientSession session) {
            List<CompletableFuture<@Nullable Object>> again = new ArrayList<>();
            for (Subscription subscription : subscriptions) {
                Command c = new Command(subscribeCommand(subscription.eventType()), session, false);
                c.onId = id -> rebind(subscription, id);
                attempt(c);
                again.add(c.result);
            }
            if (!again.isEmpty()) {
                log.info("Subscribing {} subscriptions again", again.size());
            }
            return CompletableFuture.allOf(again.toArray(new CompletableFuture<?>[0]));
        }

        @Override
        public void onText(ClientSession session, String text) {
            Map<String, Object> message;
            try {
                message = JSON.readValue(text, MAP);
            } catch (JsonProcessingException e) {
                log.warn("Ignoring a message that is not JSON: {}", abbreviate(text));
                return;
            }
            if (message == null) {
                log.warn("Ignoring a message that is not a JSON object: {}", abbreviate(text));
                return;
            }
            Object type = message.get("type");
            CompletableFuture<Void> auth = authenticated;
            if (auth != null && !auth.isDone() && session == authenticating) {
                authMessage(session, type, text, auth);
                return;
            }
            if ("result".equals(type)) {
                result(message);
            } else if ("event".equals(type)) {
                event(message);
            } else if (!"pong".equals(type)) {
                log.info("Ignoring a message of unknown type {}", type);
            }
        }

        @Override
        public void onBinary(ClientSession session, byte[] bytes) {
            log.warn("Ignoring a binary message of {} bytes", bytes.length);
        }

        @Override
        public CompletionStage<Void> beforeDisconnect(ClientSession session) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (Subscription subscription : subscriptions) {
                subscription.active = false;
                sent.add(sendOnly(unsubscribeCommand(subscription.id), session).toCompletableFuture());
            }
            subscriptions.clear();
            return CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
        }

        @Override
        public void onSessionClosed(ClientSession session) {
            boolean wasReady = ready == session;
            if (wasReady) {
                ready = null;
            }
            for (Map.Entry<Integer, Command> entry : pending.entrySet()) {
                Command c = entry.getValue();
                if ((wasReady || c.session == session) && release(entry.getKey(), c)) {
                    c.result.completeExceptionally(new CommandException(
                            CommandException.DISCONNECTED,
                            "connection lost before the result of " + c.body.get("type") + " (id " + entry.getKey()
                                    + ")",
                            null));
                }
            }
        }
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** Builds a {@link HomeAutomationClient}. */
    public static final class Builder {
        private @Nullable ConnectionConfig connection;
        private @Nullable String accessToken;
        private Duration commandTimeout = Duration.ofSeconds(15);
        private int maxAttempts = 5;

        private Builder() {}

        /** Where and how to connect (URI, backoff, heartbeats: a ping every 30 s by default, clock, listeners). */
        public Builder connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** The long-lived access token sent in the {@code auth} message. */
        public Builder accessToken(String accessToken) {
            if (accessToken.isBlank()) {
                throw new IllegalArgumentException("accessToken: blank (expected: a token)");
            }
            this.accessToken = accessToken;
            return this;
        }

        /** How long one attempt of a command waits for its result (default 15 s). */
        public Builder commandTimeout(Duration commandTimeout) {
            if (commandTimeout.isNegative() || commandTimeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout: " + commandTimeout + " (expected: > 0)");
            }
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** How many attempts an unanswered command gets (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public HomeAutomationClient build() {
            ConnectionConfig c = connection;
            String token = accessToken;
            if (c == null || token == null) {
                throw new IllegalStateException("connection and accessToken are required");
            }
            return new HomeAutomationClient(this, c, token);
        }
    }
}
