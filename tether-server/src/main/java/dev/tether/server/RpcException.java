package dev.tether.server;

import dev.tether.core.TetherException;
import org.jspecify.annotations.Nullable;

/**
 * An error an RPC method reports to its caller on purpose: the caller gets APPLICATION_ERROR (-32001) with this
 * exception's message as the {@code response}, or, when {@link #data()} is set, the map
 * {@code {"message": …, "data": …}}. Nothing is logged. Any other exception a method throws is an
 * INTERNAL_SERVER_ERROR and is logged.
 *
 * <pre>{@code
 * throw new RpcException("Room 'lobby' is full.");
 * }</pre>
 */
public class RpcException extends TetherException {
    private static final long serialVersionUID = 1L;

    private final transient @Nullable Object data;

    /** An application error with this message for the caller. */
    public RpcException(String message) {
        this(message, null);
    }

    /** An application error with this message and structured {@code data} for the caller. */
    public RpcException(String message, @Nullable Object data) {
        super(message);
        this.data = data;
    }

    /** The structured detail sent with the message, or {@code null}. */
    public @Nullable Object data() {
        return data;
    }

    @Override
    public String getMessage() {
        String message = super.getMessage();
        return message == null ? "" : message;
    }
}
