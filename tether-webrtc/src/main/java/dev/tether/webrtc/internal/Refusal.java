package dev.tether.webrtc.internal;

/** A request the handler answers with an HTTP error: the status and the JSON body, e.g. {@code {"detail":"..."}}. */
public final class Refusal extends RuntimeException {
    private final int status;
    private final String body;

    Refusal(int status, String detail) {
        super(status + " " + detail, null, false, false);
        this.status = status;
        this.body = SignalingBodies.detail(detail);
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
