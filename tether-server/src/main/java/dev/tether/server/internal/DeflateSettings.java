package dev.tether.server.internal;

import dev.tether.server.ServerConfig;

/** The server's permessage-deflate settings, for the handshake and for frames compressed once for many sessions. */
record DeflateSettings(boolean noContextTakeover, int thresholdBytes, int windowBits, int memLevel) {
    static DeflateSettings of(ServerConfig config) {
        return new DeflateSettings(
                config.deflateNoContextTakeover(),
                config.deflateThresholdBytes(),
                config.deflateWindowBits(),
                config.deflateMemLevel());
    }
}
