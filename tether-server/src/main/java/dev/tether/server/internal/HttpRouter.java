package dev.tether.server.internal;

import dev.tether.core.Cancellable;
import dev.tether.core.CloseCodes;
import dev.tether.server.AuthResult;
import dev.tether.server.Authenticator;
import dev.tether.server.HttpEndpoint;
import dev.tether.server.HttpRequest;
import dev.tether.server.HttpResponse;
import dev.tether.server.Identity;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles every HTTP request of a connection until it upgrades: the WebSocket handshake to the endpoint mounted on
 * the request's path, with its checks (Origin, capacity, version, subprotocol, permessage-deflate),
 * {@code GET /health}, the application's HTTP endpoints and static files.
 *
 * <p>A connection must finish a request within the handshake timeout, counted from when it connected or from
 * its previous response, or it is closed: slow or idle clients cannot hold connections open.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

    /** The body of an upgrade request as the application sees it; empty, so one array serves every connection. */
    private static final byte[] NO_BODY = new byte[0];

    private static final String METRICS_PATH = "/metrics";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerEngine engine;
    private @Nullable Cancellable deadline;
    private boolean authenticating; // an upgrade waits for the authenticator; the client may send nothing meanwhile

    HttpRouter(ServerEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        armDeadline(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }

    private void armDeadline(ChannelHandlerContext ctx) {
        cancelDeadline();
        Duration timeout = engine.config().handshakeTimeout();
        deadline = engine.clock()
                .schedule(
                        timeout,
                        () -> {
                            log.debug("{}: no complete request within {}; closing", ctx.channel(), timeout);
                            ctx.close();
                        },
                        ctx.executor());
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (authenticating) {
            // Bytes after an upgrade request and before its answer: a client that did not wait for the 101.
            log.debug("{}: sent more before its upgrade was answered; closing", ctx.channel());
            ctx.close();
            return;
        }
        cancelDeadline();
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                            ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST;
            respond(ctx, request, HttpResponse.text(status.code(), "Bad request: " + cause.getMessage()), true);
            return;
        }
        if (overAddressLimit(ctx, request)) {
            return;
        }
        if (isUpgrade(request)) {
            upgrade(ctx, request);
        } else {
            http(ctx, request);
        }
    }

    /**
     * Answers 429 with {@code Retry-After} when the client's address holds too many connections, or, for an upgrade,
     * made too many handshakes; returns whether it did.
     */
    private boolean overAddressLimit(ChannelHandlerContext ctx, FullHttpRequest request) {
        AddressLimits limits = engine.addressLimits();
        AddressLimits.Entry address = ctx.channel().attr(AddressTracker.ENTRY).get();
        if (limits == null || address == null) {
            return false;
        }
        long wait = limits.connectionsRetryAfter(address);
        boolean connections = wait > 0;
        if (!connections && isUpgrade(request)) {
            wait = limits.handshakeRetryAfter(address);
        }
        if (wait == 0) {
            return false;
        }
        engine.counters().refusedByAddress(connections);
        log.debug("{}: per-address limit ({}); 429", ctx.channel(), connections ? "connections" : "handshakes");
        String message = connections
                ? "Too many connections from your address (limit "
                        + engine.config().maxConnectionsPerIp() + ")"
                : "Too many WebSocket handshakes from your address; retry in " + wait + " s";
        respond(
                ctx,
                request,
                new HttpResponse(
                        429,
                        "text/plain; charset=utf-8",
                        message.getBytes(StandardCharsets.UTF_8),
                        Map.of("retry-after", Long.toString(wait))),
                true);
        return true;
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    // ---- WebSocket upgrade ---------------------------------------------------------------------------------

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        MountedEndpoint endpoint = engine.endpoint(path);
        if (endpoint == null) {
            respond(ctx, request, HttpResponse.text(404, "No WebSocket endpoint at " + path), true);
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            respond(
                    ctx,
                    request,
                    HttpResponse.text(400, "A WebSocket upgrade must use GET, not " + request.method()),
                    true);
            return;
        }
        ConnectionSettings settings = endpoint.settings();
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!settings.allowedOrigins().isEmpty()) {
            if (origin == null && settings.originRequired()) {
                log.debug("{}: refused a request without Origin", ctx.channel());
                respond(ctx, request, HttpResponse.text(403, "Origin required"), true);
                return;
            }
            if (origin != null && !settings.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT))) {
                log.debug("{}: refused Origin {}", ctx.channel(), origin);
                respond(ctx, request, HttpResponse.text(403, "Origin not allowed: " + origin), true);
                return;
            }
        }
        boolean deflate = settings.perMessageDeflate() && offersPerMessageDeflate(request);
        WebSocketServerHandshaker handshaker = endpoint.handshakers(deflate).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SessionRegistry registry = engine.registry();
        if (!registry.tryReserve()) {
            respond(ctx, request, HttpResponse.text(503, CloseCodes.SERVER_FULL), true);
            return;
        }
        Authenticator authenticator = settings.authenticator();
        if (authenticator == null) {
            open(ctx, request, uri, endpoint, handshaker, deflate, null, Identity.anonymous());
        } else {
            authenticate(ctx, request, uri, endpoint, handshaker, deflate, authenticator);
        }
    }

    /**
     * Asks {@code authenticator} on a worker, reading nothing meanwhile, then opens the session or answers the
     * refusal. The connection slot is held while it decides, and given back on a refusal or when the client leaves.
     */
    private void authenticate(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            QueryStringDecoder uri,
            MountedEndpoint endpoint,
            WebSocketServerHandshaker handshaker,
            boolean deflate,
            Authenticator authenticator) {
        HttpRequest copy = copyOf(ctx, request, uri, false);
        request.retain(); // released once decided; the handshake needs it then
        ctx.channel().config().setAutoRead(false);
        authenticating = true;
        CompletableFuture<AuthResult> answer =
                onWorker(() -> authenticator.authenticate(copy), busy -> AuthResult.refuse(503, busy));
        Duration timeout = engine.config().handshakeTimeout();
        Cancellable timer = engine.clock()
                .schedule(
                        timeout,
                        () -> answer.complete(AuthResult.refuse(503, "Authentication timed out")),
                        ctx.executor());
        answer.whenComplete((result, failure) -> ctx.executor().execute(() -> {
            timer.cancel();
            authenticating = false;
            try {
                decided(ctx, request, uri, endpoint, handshaker, deflate, copy, result, failure);
            } finally {
                request.release();
            }
        }));
    }

    private void decided(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            QueryStringDecoder uri,
            MountedEndpoint endpoint,
            WebSocketServerHandshaker handshaker,
            boolean deflate,
            HttpRequest copy,
            @Nullable AuthResult result,
            @Nullable Throwable failure) {
        SessionRegistry registry = engine.registry();
        if (!ctx.channel().isActive()) {
            registry.release();
            return;
        }
        if (failure != null || result == null) {
            log.error("{}: authenticator failed on {}", ctx.channel(), copy.path(), failure);
            registry.release();
            respond(ctx, request, HttpResponse.text(500, "Internal server error"), true);
            return;
        }
        if (!result.accepted()) {
            log.debug(
                    "{}: authenticator refused {}: {} {}",
                    ctx.channel(),
                    copy.path(),
                    result.status(),
                    result.message());
            registry.release();
            respond(
                    ctx,
                    request,
                    new HttpResponse(
                            result.status(),
                            "text/plain; charset=utf-8",
                            result.message().getBytes(StandardCharsets.UTF_8),
                            result.headers()),
                    true);
            return;
        }
        ctx.channel().config().setAutoRead(true);
        open(ctx, request, uri, endpoint, handshaker, deflate, copy, result.identity());
    }

    /** Opens the session: registers it, answers 101 and hands the pipeline to its frames. */
    private void open(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            QueryStringDecoder uri,
            MountedEndpoint endpoint,
            WebSocketServerHandshaker handshaker,
            boolean deflate,
            @Nullable HttpRequest copy,
            Identity identity) {
        SessionRegistry registry = engine.registry();
        ConnectionSettings settings = endpoint.settings();
        String path = uri.path();
        String subprotocol = endpoint.selectSubprotocol(request);
        HttpRequest seen = copy != null
                ? copy
                : endpoint.protocol().keepsRequest()
                        ? copyOf(ctx, request, uri, false)
                        : new HttpRequest(
                                request.method().name(), path, Map.of(), Map.of(), NO_BODY, (InetSocketAddress)
                                        ctx.channel().remoteAddress());
        WsConnection connection = engine.newConnection(
                ctx.channel(),
                settings,
                seen,
                identity,
                subprotocol,
                endpoint.protocol().textByDefault(subprotocol),
                deflate,
                // Netty's extension handler, in front of this one, has agreed the extension already.
                deflate && DeflateHandshaker.sharesCompressedFrames(ctx.channel()));
        ConnectionHandler handler = endpoint.protocol().open(connection, subprotocol);
        if (handler == null) {
            registry.release();
            respond(ctx, request, HttpResponse.text(503, CloseCodes.SERVER_FULL), true);
            return;
        }
        connection.handler(handler);
        connection.meters(engine.protocolMeters(endpoint.protocol().meterTag(subprotocol)));
        // Registered before the 101 goes out, so that a shutdown or an accept() from now on sees it; anything they
        // queue for it is written after the 101.
        registry.add(connection);
        if (deflate) {
            EndpointDeflateHandler.allow(ctx.channel()); // absent means no: most connections carry no attribute
        }
        try {
            handshaker.handshake(ctx.channel(), request).addListener(done -> {
                if (done.isSuccess()) {
                    connection.opened();
                } else {
                    log.debug(
                            "{}: handshake failed: {}",
                            ctx.channel(),
                            done.cause().toString());
                    ctx.close();
                }
            });
        } catch (WebSocketHandshakeException e) {
            registry.abandon(connection);
            respond(ctx, request, HttpResponse.text(400, "Bad WebSocket handshake: " + e.getMessage()), true);
            return;
        }
        // The handshaker put the frame codec in front of us; frames now go to the connection's handler.
        ChannelPipeline pipeline = ctx.pipeline();
        if (deflate) {
            // Compressed fragments are joined before inflating: Netty's inflater refuses a fragment that inflates
            // to nothing, which valid compressed data can do.
            pipeline.addAfter("wsdecoder", "tether-rsv", new ReservedBitsValidator());
            pipeline.addAfter(
                    "tether-rsv", "tether-fragments", new WebSocketFrameAggregator(settings.maxMessageBytes()));
        }
        pipeline.addAfter(ctx.name(), "tether-utf8", new Utf8FrameValidator(false))
                .addAfter("tether-utf8", "tether-frames", new FrameHandler(connection))
                .remove(this);
    }

    private static boolean offersPerMessageDeflate(FullHttpRequest request) {
        for (String header : request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) {
            if (header.toLowerCase(Locale.ROOT).contains("permessage-deflate")) {
                return true;
            }
        }
        return false;
    }

    // ---- plain HTTP ----------------------------------------------------------------------------------------

    private void http(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (path.equals("/health") && HttpMethod.GET.equals(request.method())) {
            respond(ctx, request, HttpResponse.json(200, engine.healthJson()), false);
            return;
        }
        if (path.startsWith("/health/") && engine.config().healthEndpoints() && health(ctx, request, path)) {
            return;
        }
        HttpEndpoint endpoint = path.equals(METRICS_PATH) ? metricsEndpoint() : httpEndpoint(path);
        if (endpoint == null && !engine.staticFiles().enabled()) {
            respond(ctx, request, HttpResponse.text(404, "Not found: " + path), false);
            return;
        }
        // Application code and file reads may block: run them on a worker, one request at a time per connection.
        ctx.channel().config().setAutoRead(false);
        HttpRequest copy = endpoint == null ? null : copyOf(ctx, request, uri, true);
        HttpMethod method = request.method();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(method);
        CompletableFuture<HttpResponse> answer = onWorker(
                () -> copy != null && endpoint != null
                        ? endpoint.handle(copy)
                        : CompletableFuture.completedFuture(staticFile(method, path)),
                busy -> HttpResponse.text(503, busy));
        answer.whenComplete((response, failure) -> ctx.executor().execute(() -> {
            HttpResponse out = response;
            if (failure != null || out == null) {
                log.error("HTTP {} {} failed", method, path, failure);
                out = HttpResponse.text(500, "Internal server error");
            }
            write(ctx, out, keepAlive, head);
            ctx.channel().config().setAutoRead(true);
        }));
    }

    /**
     * Runs application code that may block on a worker, completing with what its stage completes with; when the
     * workers are full or stopped, at once with {@code busy} of the reason.
     */
    private <T> CompletableFuture<T> onWorker(Supplier<CompletionStage<T>> work, Function<String, T> busy) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            engine.workers().executeIfRoom(() -> {
                try {
                    work.get().whenComplete((result, failure) -> {
                        if (failure != null) {
                            answer.completeExceptionally(failure);
                        } else {
                            answer.complete(result);
                        }
                    });
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            answer.complete(busy.apply(
                    e instanceof WorkerTasks.Full ? engine.workers().fullMessage() : "Server is shutting down"));
        }
        return answer;
    }

    /** Answers {@code /health/live} and {@code /health/ready} from state at hand; returns whether it answered. */
    private boolean health(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            return false;
        }
        if (path.equals("/health/live")) {
            respond(ctx, request, HttpResponse.json(200, ServerEngine.liveJson()), false);
            return true;
        }
        if (path.equals("/health/ready")) {
            String notReady = engine.notReady();
            respond(
                    ctx,
                    request,
                    notReady == null
                            ? HttpResponse.json(200, ServerEngine.liveJson())
                            : HttpResponse.json(503, "{\"status\":\"DOWN\",\"reason\":\"" + notReady + "\"}"),
                    false);
            return true;
        }
        return false;
    }

    /** {@code GET /metrics} when it is on: the Prometheus text, written on a worker (it may take milliseconds). */
    private @Nullable HttpEndpoint metricsEndpoint() {
        ServerMeters meters = engine.metricsEndpoint();
        if (meters == null) {
            return httpEndpoint(METRICS_PATH);
        }
        return request -> CompletableFuture.completedFuture(
                request.method().equals("GET") || request.method().equals("HEAD")
                        ? new HttpResponse(
                                200,
                                PROMETHEUS_TEXT,
                                meters.scrape().getBytes(StandardCharsets.UTF_8),
                                Map.of("cache-control", "no-cache"))
                        : HttpResponse.text(405, "Method not allowed: " + request.method()));
    }

    /** The endpoint on exactly {@code path}, else the one on the longest {@code /a/*} above it. */
    private @Nullable HttpEndpoint httpEndpoint(String path) {
        Map<String, HttpEndpoint> endpoints = engine.config().httpEndpoints();
        HttpEndpoint exact = endpoints.get(path);
        if (exact != null) {
            return exact;
        }
        for (int slash = path.lastIndexOf('/'); slash >= 0; slash = path.lastIndexOf('/', slash - 1)) {
            HttpEndpoint above = endpoints.get(path.substring(0, slash + 1) + "*");
            if (above != null) {
                return above;
            }
            if (slash == 0) {
                break;
            }
        }
        return null;
    }

    private HttpResponse staticFile(HttpMethod method, String path) {
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return HttpResponse.text(405, "Method not allowed: " + method);
        }
        try {
            StaticFiles.StaticFile file = engine.staticFiles().find(path);
            return file == null
                    ? HttpResponse.text(404, "Not found: " + path)
                    : new HttpResponse(200, file.contentType(), file.body(), Map.of("cache-control", "no-cache"));
        } catch (java.io.IOException e) {
            log.warn("Could not read static file {}", path, e);
            return HttpResponse.text(500, "Could not read " + path);
        }
    }

    /** The application's view of {@code request}; with its body or, for an upgrade, without. */
    private static HttpRequest copyOf(
            ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, boolean withBody) {
        Map<String, String> headers = new TreeMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
        }
        return new HttpRequest(
                request.method().name(),
                uri.path(),
                uri.parameters(),
                headers,
                withBody ? ByteBufUtil.getBytes(request.content()) : NO_BODY,
                (InetSocketAddress) ctx.channel().remoteAddress());
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponse response, boolean close) {
        write(ctx, response, !close && HttpUtil.isKeepAlive(request), HttpMethod.HEAD.equals(request.method()));
    }

    private void write(ChannelHandlerContext ctx, HttpResponse response, boolean keepAlive, boolean head) {
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        response.headers().forEach(out.headers()::set);
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(out);
            armDeadline(ctx);
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug("{}: I/O error before upgrade: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{}: error before upgrade; closing", ctx.channel(), cause);
        }
        ctx.close();
    }
}
