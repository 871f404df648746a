package dev.tether.media.internal;

import dev.tether.core.SettingValues;
import dev.tether.media.ClientMode;
import dev.tether.media.MediaHandler;
import dev.tether.media.MediaTokens;
import dev.tether.media.WireMessage;
import dev.tether.server.CloseStatus;
import dev.tether.server.HttpRequest;
import dev.tether.server.WebSocketListener;
import dev.tether.server.WebSocketSession;
import dev.tether.server.spi.MeterSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A media endpoint's side of the server: admits a connection (token, origin, client mode), gives it a
 * {@link MediaConnection}, and hands it what arrives. Runs on each connection's I/O thread (the endpoint's listener is
 * not blocking); the only state shared between connections is the connected client of a single-client mode, and the
 * endpoint's meters, which the server it is mounted on makes when it starts ({@link MeterSource}).
 */
public final class MediaListener implements WebSocketListener, MeterSource {
    private static final Logger log = LoggerFactory.getLogger(MediaListener.class);
    private static final String KEY = MediaConnection.class.getName();

    /** The close code of a refused token or origin on a token route, as pipecat's dev runner sends it. */
    static final int UNAUTHORIZED = 4003;

    /** The close code for a second client of a {@link ClientMode#SINGLE_REJECT} endpoint ("try again later"). */
    static final int TRY_AGAIN_LATER = 1013;

    private final String path;
    private final MediaHandler handler;
    private final MediaConfig config;
    private final AtomicReference<@Nullable MediaConnection> single = new AtomicReference<>();
    private volatile @Nullable MediaMeters meters; // set when a server with a registry starts; read once per client

    public MediaListener(String path, MediaHandler handler, SettingValues settings) {
        this.path = path;
        this.handler = handler;
        this.config = MediaConfig.of(settings);
    }

    @Override
    public Collection<Meter> bindTo(MeterRegistry registry) {
        MediaMeters m = new MediaMeters(registry, path);
        meters = m;
        return m.meters();
    }

    @Override
    public void onOpen(WebSocketSession session) {
        MediaMeters m = meters;
        MediaTokens tokens = config.tokens();
        if (tokens != null && !admitted(session, tokens, m)) {
            return;
        }
        MediaConnection connection = new MediaConnection(MediaChannel.of(session), handler, config, m);
        switch (config.clientMode()) {
            case SINGLE_REJECT -> {
                if (!single.compareAndSet(null, connection)) {
                    log.warn("Rejecting client {}: a client is already connected", session.remoteAddress());
                    if (m != null) {
                        m.refused(MediaMeters.Refusal.BUSY);
                    }
                    session.close(TRY_AGAIN_LATER, "Server already has a connected client");
                    return;
                }
            }
            case SINGLE_REPLACE -> {
                MediaConnection previous = single.getAndSet(connection);
                if (previous != null) {
                    log.info("Only one client connected, using new connection");
                    previous.replaced();
                }
            }
            case PER_CONNECTION -> {}
        }
        session.attributes().put(KEY, connection);
        connection.open();
    }

    /** Checks the origin and the token of a token route; closes with 4003 and says so when either is refused. */
    private boolean admitted(WebSocketSession session, MediaTokens tokens, @Nullable MediaMeters m) {
        HttpRequest request = session.request();
        if (!config.allowedOrigins().isEmpty()) {
            String origin = request.headers().get("origin");
            if (origin == null || !config.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT))) {
                log.debug("Refusing client {}: origin {}", session.remoteAddress(), origin);
                session.close(UNAUTHORIZED, origin == null ? "Origin required" : "Origin not allowed");
                refused(m, MediaMeters.Refusal.ORIGIN);
                return false;
            }
        }
        String token = token(request);
        if (token == null) {
            log.debug("Refusing client {}: no token", session.remoteAddress());
            session.close(UNAUTHORIZED, "Missing token");
            refused(m, MediaMeters.Refusal.TOKEN);
            return false;
        }
        if (!tokens.redeem(token)) {
            log.debug("Refusing client {}: invalid, expired or used token", session.remoteAddress());
            session.close(UNAUTHORIZED, "Invalid, expired or used token");
            refused(m, MediaMeters.Refusal.TOKEN);
            return false;
        }
        return true;
    }

    private static void refused(@Nullable MediaMeters m, MediaMeters.Refusal refusal) {
        if (m != null) {
            m.refused(refusal);
        }
    }

    /** The token of {@code request}: from {@code Authorization: Bearer}, else {@code ?token=}, else the path. */
    private @Nullable String token(HttpRequest request) {
        String authorization = request.headers().get("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String bearer = authorization.substring(7).trim();
            if (!bearer.isEmpty()) {
                return bearer;
            }
        }
        List<String> query = request.query().get("token");
        if (query != null && !query.isEmpty() && !query.get(0).isEmpty()) {
            return query.get(0);
        }
        String requestPath = request.path();
        if (requestPath.length() > path.length() + 1 && requestPath.startsWith(path + "/")) {
            return requestPath.substring(path.length() + 1);
        }
        return null;
    }

    @Override
    public void onText(WebSocketSession session, String text) {
        MediaConnection connection = connection(session);
        if (connection != null) {
            connection.received(WireMessage.text(text));
        }
    }

    @Override
    public void onBinary(WebSocketSession session, byte[] data) {
        MediaConnection connection = connection(session);
        if (connection != null) {
            connection.received(WireMessage.binary(data));
        }
    }

    @Override
    public void onError(WebSocketSession session, Throwable error) {
        log.debug("Session {}: {}", session.id(), error.toString());
    }

    @Override
    public void onClose(WebSocketSession session, CloseStatus status) {
        MediaConnection connection = connection(session);
        if (connection != null) {
            single.compareAndSet(connection, null);
            connection.closed(status);
        }
    }

    private static @Nullable MediaConnection connection(WebSocketSession session) {
        return (MediaConnection) session.attributes().get(KEY);
    }
}
