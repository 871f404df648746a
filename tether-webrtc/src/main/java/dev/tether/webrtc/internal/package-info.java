/** The implementation of tether-webrtc: peer connections, signaling rules, JSON bodies. Not an API. */
@NullMarked
package dev.tether.webrtc.internal;

import org.jspecify.annotations.NullMarked;
