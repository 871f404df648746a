/**
 * The webshocket.v1 wire model: {@link dev.tether.core.Packet}, RPC requests and responses, error and close
 * codes, and the {@link dev.tether.core.PacketCodec} that turns packets into MessagePack or JSON bytes.
 *
 * <p>Nothing here opens a socket; the server and the client both build on it.
 */
@NullMarked
package dev.tether.core;

import org.jspecify.annotations.NullMarked;
