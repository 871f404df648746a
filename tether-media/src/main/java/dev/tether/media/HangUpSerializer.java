package dev.tether.media;

import java.util.concurrent.CompletionStage;

/**
 * A telephony serializer that ends the phone call through the provider's REST API (Twilio, Telnyx, Plivo): serializing
 * the first {@link EndFrame} or {@link CancelFrame} of the call sends the request, once, and returns {@code null}
 * without waiting for it. A transport that wants the call gone before it closes the socket waits on
 * {@link #hangUpCompletion()}, with its own bound:
 *
 * <pre>{@code
 * serializer.serialize(new EndFrame());
 * if (serializer instanceof HangUpSerializer hangUp) {
 *     hangUp.hangUpCompletion().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).whenComplete((ok, error) -> close());
 * }
 * }</pre>
 *
 * <p>Tether's media transport does this itself: after an end or cancel it closes the socket once the hang-up completed
 * or the endpoint's {@code closeTimeout} passed, whichever comes first.
 *
 * <p>The request runs on the JDK HTTP client's threads, never on the caller's, and is bounded by the options'
 * {@code hangUpTimeout}.
 */
public interface HangUpSerializer extends FrameSerializer {

    /** Whether an end or cancel frame hangs up; {@code false} when the options turned auto hang-up off. */
    boolean autoHangUp();

    /**
     * The hang-up's outcome: completes normally once the provider confirmed it or answered that the call had already
     * ended, and exceptionally with a {@link dev.tether.core.TetherException} when the request failed, was refused or
     * timed out (also logged at error). Incomplete until the first end or cancel frame is serialized; already complete
     * when {@link #autoHangUp()} is {@code false}. Callbacks may run on the HTTP client's threads.
     */
    CompletionStage<Void> hangUpCompletion();
}
