/**
 * WebRTC for voice bots: the HTTP signaling of pipecat's SmallWebRTC (offer/answer, trickle ICE, renegotiation) and a
 * server-side peer connection whose audio and data channel reach a {@link dev.tether.media.MediaHandler}.
 */
@NullMarked
package dev.tether.webrtc;

import org.jspecify.annotations.NullMarked;
