/**
 * Test support for applications built on Tether: an in-memory cluster broker, and (in {@code fault}) a
 * fault-injecting WebSocket server for client tests.
 */
@NullMarked
package dev.tether.testing;

import org.jspecify.annotations.NullMarked;
