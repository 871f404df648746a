package dev.tether.media;

import dev.tether.core.TetherException;

/**
 * The first messages of a telephony media stream did not say which provider sent them; the message is pipecat's
 * runner's, for the transport to log before it closes the connection.
 */
public final class TelephonyDetectionException extends TetherException {
    private static final long serialVersionUID = 1L;

    TelephonyDetectionException(String message) {
        super(message);
    }
}
