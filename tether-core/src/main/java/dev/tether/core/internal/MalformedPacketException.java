package dev.tether.core.internal;

/**
 * Input is not a packet. Thrown only inside the decoders, which turn it into an UNKNOWN packet; one shared instance
 * without a stack trace, because junk from the network must stay cheap to reject.
 */
final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    static final MalformedPacketException INSTANCE = new MalformedPacketException();

    private MalformedPacketException() {
        super("not a packet", null, false, false);
    }
}
