/**
 * Real-time audio and data frames over WebSocket: the {@link dev.tether.media.MediaFrame} model, the
 * {@link dev.tether.media.FrameSerializer} SPI that puts frames on the wire in a client's or telephony provider's
 * format, and the paced media transport a voice bot is written against.
 */
@NullMarked
package dev.tether.media;

import org.jspecify.annotations.NullMarked;
