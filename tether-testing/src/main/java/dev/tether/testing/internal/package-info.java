/** The wire code behind {@link dev.tether.testing.TestWebSocketClient}. Not a public API. */
@NullMarked
package dev.tether.testing.internal;

import org.jspecify.annotations.NullMarked;
