package dev.tether.core;

/** TEMPORARY compile stub; replaced by the codec branch. */
public final class PacketCodecs {
    private PacketCodecs() {}

    public static PacketCodec msgpack() {
        throw new UnsupportedOperationException();
    }

    public static PacketCodec json() {
        throw new UnsupportedOperationException();
    }
}
