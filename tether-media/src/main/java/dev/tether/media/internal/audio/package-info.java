/**
 * Audio signal processing for media transports: G.711 µ-law and A-law codecs and the streaming sample-rate
 * converter. Pure Java, no I/O; instances that keep state are meant for one stream on one thread. Not an API: it
 * changes without notice.
 */
@NullMarked
package dev.tether.media.internal.audio;

import org.jspecify.annotations.NullMarked;
