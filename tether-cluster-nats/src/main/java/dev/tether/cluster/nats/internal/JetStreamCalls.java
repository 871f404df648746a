package dev.tether.cluster.nats.internal;

import dev.tether.core.TetherException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.api.Error;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValueUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The JetStream calls the broker makes, all asynchronous: jnats' own async publish, and the JetStream API's
 * request/reply subjects called with {@link Connection#requestWithTimeout} where jnats only offers blocking methods
 * (direct gets, stream create/info/update). Replies are parsed with jnats' API types and complete on jnats' reply
 * thread.
 */
final class JetStreamCalls {
    /** The subject's last sequence was not the one expected: someone else wrote first. */
    static final int WRONG_LAST_SEQUENCE = 10071;
    /** A stream of that name exists with another configuration. */
    static final int STREAM_NAME_IN_USE = 10058;

    static final int STREAM_NOT_FOUND = 10059;

    private static final String API = "$JS.API.";

    /** A message read back from a stream: its sequence, NATS's timestamp, its headers and its payload. */
    static final class Stored {
        private final long sequence;
        private final Instant time;
        private final @Nullable Headers headers;
        private final byte[] data;

        Stored(long sequence, Instant time, @Nullable Headers headers, byte[] data) {
            this.sequence = sequence;
            this.time = time;
            this.headers = headers;
            this.data = data;
        }

        long sequence() {
            return sequence;
        }

        Instant time() {
            return time;
        }

        @Nullable
        Headers headers() {
            return headers;
        }

        byte[] data() {
            return data;
        }
    }

    private final Duration timeout;
    private volatile @Nullable Context context;

    JetStreamCalls(Duration timeout) {
        this.timeout = timeout;
    }

    /** Publishes to a stream; fails with a {@link JetStreamApiException} (maybe wrapped) when the stream refuses. */
    CompletableFuture<PublishAck> publish(Connection connection, String subject, Headers headers, byte[] data) {
        return call(() -> jetStream(connection).publishAsync(subject, headers, data));
    }

    /** jnats' JetStream context of {@code connection}, made once: the connection object outlives reconnects. */
    private JetStream jetStream(Connection connection) throws IOException {
        Context context = this.context;
        if (context == null || context.connection() != connection) {
            context = new Context(connection, connection.jetStream());
            this.context = context;
        }
        return context.jetStream();
    }

    private record Context(Connection connection, JetStream jetStream) {}

    /**
     * The last message of {@code subject} in {@code stream}, or {@code null} when it has none. The stream must
     * exist: JetStream does not answer a direct get on a stream it does not have, so that would time out.
     */
    CompletableFuture<@Nullable Stored> last(Connection connection, String stream, String subject) {
        return directGet(connection, stream, MessageGetRequest.lastForSubject(subject));
    }

    /** The first message of {@code subject} in {@code stream} at or after {@code sequence}, or {@code null}. */
    CompletableFuture<@Nullable Stored> next(Connection connection, String stream, String subject, long sequence) {
        return directGet(connection, stream, MessageGetRequest.nextForSubject(sequence, subject));
    }

    private CompletableFuture<@Nullable Stored> directGet(
            Connection connection, String stream, MessageGetRequest request) {
        return request(connection, API + "DIRECT.GET." + stream, request.serialize())
                .thenApply(reply -> {
                    if (reply.isStatusMessage()) {
                        if (reply.getStatus().getCode() == 404) {
                            return null;
                        }
                        throw new TetherException("direct get on " + stream + ": "
                                + reply.getStatus().getMessageWithCode());
                    }
                    MessageInfo info = new MessageInfo(reply, stream, true);
                    byte[] data = info.getData();
                    return new Stored(
                            info.getSeq(),
                            info.getTime().toInstant(),
                            info.getHeaders(),
                            data == null ? new byte[0] : data);
                });
    }

    /**
     * Creates {@code config}'s stream, or finds it there with the same configuration; completes with the
     * configuration of the stream that exists, which differs from {@code config} if someone made it differently.
     */
    CompletableFuture<StreamConfiguration> create(Connection connection, StreamConfiguration config) {
        String name = config.getName();
        return streamCall(connection, "STREAM.CREATE." + name, config.toJson())
                .thenApply(info -> info.getConfiguration())
                .exceptionallyCompose(error -> errorCode(error) == STREAM_NAME_IN_USE
                        ? streamCall(connection, "STREAM.INFO." + name, "").thenApply(StreamInfo::getConfiguration)
                        : CompletableFuture.failedFuture(error));
    }

    /** The configuration of {@code stream}, or {@code null} when it does not exist. */
    CompletableFuture<@Nullable StreamConfiguration> info(Connection connection, String stream) {
        return streamCall(connection, "STREAM.INFO." + stream, "")
                .<@Nullable StreamConfiguration>thenApply(StreamInfo::getConfiguration)
                .exceptionallyCompose(error -> errorCode(error) == STREAM_NOT_FOUND
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(error));
    }

    /** Replaces the configuration of {@code config}'s stream. */
    CompletableFuture<StreamConfiguration> update(Connection connection, StreamConfiguration config) {
        return streamCall(connection, "STREAM.UPDATE." + config.getName(), config.toJson())
                .thenApply(StreamInfo::getConfiguration);
    }

    /**
     * The subjects of {@code stream} that match {@code filter} and hold a message, page after page; empty when
     * the stream does not exist.
     */
    CompletableFuture<List<String>> subjects(Connection connection, String stream, String filter) {
        return subjectsFrom(connection, stream, filter, new ArrayList<>());
    }

    private CompletableFuture<List<String>> subjectsFrom(
            Connection connection, String stream, String filter, List<String> found) {
        String body = "{\"subjects_filter\":\"" + filter + "\",\"offset\":" + found.size() + "}";
        return request(connection, API + "STREAM.INFO." + stream, body.getBytes(StandardCharsets.UTF_8))
                .thenCompose(reply -> {
                    StreamInfo info = new StreamInfo(reply);
                    if (info.hasError()) {
                        return info.getApiErrorCode() == STREAM_NOT_FOUND
                                ? CompletableFuture.completedFuture(found)
                                : CompletableFuture.failedFuture(apiError(info));
                    }
                    Map<String, Long> page = info.getStreamState().getSubjectMap();
                    found.addAll(page.keySet());
                    long total = total(reply);
                    return page.isEmpty() || found.size() >= total
                            ? CompletableFuture.completedFuture(found)
                            : subjectsFrom(connection, stream, filter, found);
                });
    }

    private static long total(Message reply) {
        try {
            return JsonValueUtils.readLong(JsonParser.parse(reply.getData()), "total", 0);
        } catch (JsonParseException e) {
            return 0;
        }
    }

    /** The exception of an answer that {@link StreamInfo#hasError() has an error}. */
    private static Exception apiError(StreamInfo answer) {
        Error error = answer.getErrorObject();
        return error == null
                ? new TetherException("JetStream answered with an error but no error object")
                : new JetStreamApiException(error);
    }

    private CompletableFuture<StreamInfo> streamCall(Connection connection, String api, String json) {
        return request(connection, API + api, json.getBytes(StandardCharsets.UTF_8))
                .thenApply(reply -> {
                    StreamInfo info = new StreamInfo(reply);
                    if (info.hasError()) {
                        throw new CompletionException(apiError(info));
                    }
                    return info;
                });
    }

    private CompletableFuture<Message> request(Connection connection, String subject, byte[] body) {
        return call(() -> connection.requestWithTimeout(subject, body, timeout));
    }

    /** Runs a jnats call that may refuse at once (it throws while reconnecting) as a future. */
    private static <T> CompletableFuture<T> call(Call<T> call) {
        try {
            return call.start();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        CompletableFuture<T> start() throws IOException;
    }

    // ---- what went wrong ---------------------------------------------------------------------------------

    /** The JetStream API error code in {@code error}'s causes, or -1. */
    static int errorCode(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException api) {
                return api.getApiErrorCode();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return -1;
    }

    /** Whether {@code error} is jnats refusing to send because it is reconnecting: nothing reached NATS. */
    static boolean notSent(Throwable error) {
        Throwable cause = unwrap(error);
        // jnats' status exceptions are IllegalStateExceptions too, but they are answers from NATS.
        return cause instanceof IllegalStateException && !(cause instanceof JetStreamStatusException);
    }

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
