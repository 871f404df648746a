package dev.tether.webrtc.internal;

/** A request the handler answers with an HTTP error: the status and the JSON body, e.g. {@code {"detail":"..."}}. */
public final class Refusal extends RuntimeException {
    private final int status;
    private final String body;

    Refusal(int status, String detail) {
        this(status, SignalingBodies.detail(detail), true);
    }

    private Refusal(int status, String body, boolean json) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
    }

    /** A refusal whose body is already JSON. */
    static Refusal withBody(int status, String json) {
        return new Refusal(status, json, true);
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
