/**
 * Test support for applications built on Tether: a server on port 0 as a JUnit 5 extension ({@link
 * dev.tether.testing.TetherServerExtension}), a handler that records its callbacks ({@link
 * dev.tether.testing.RecordingHandler}), a WebSocket client that can also send broken frames ({@link
 * dev.tether.testing.TestWebSocketClient}), certificates generated at test time ({@link
 * dev.tether.testing.TestCertificates}), a Netty leak check that fails tests ({@link
 * dev.tether.testing.LeakDetectionExtension}), an in-memory cluster broker ({@link
 * dev.tether.testing.InMemoryBroker}), and (in {@code fault}) a fault-injecting WebSocket server for client tests.
 *
 * <p>Every wait in the recorders is bounded and fails with a message that says what did not happen.
 */
@NullMarked
package dev.tether.testing;

import org.jspecify.annotations.NullMarked;
