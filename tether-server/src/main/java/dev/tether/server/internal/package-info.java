/** The server's Netty pipeline and session internals. Not a public API: it may change in any release. */
@NullMarked
package dev.tether.server.internal;

import org.jspecify.annotations.NullMarked;
