/**
 * The {@link dev.tether.media.FrameSerializer}s behind {@link dev.tether.media.FrameSerializers}: pipecat's protobuf
 * format and the telephony providers' media streams, with the providers' REST hang-up. Not an API.
 */
@NullMarked
package dev.tether.media.internal.serializer;

import org.jspecify.annotations.NullMarked;
