/**
 * The implementation of tether-media: serializers, codecs, resampling and the paced transport. Not an API: it
 * changes without notice.
 */
@NullMarked
package dev.tether.media.internal;

import org.jspecify.annotations.NullMarked;
