/**
 * The Tether WebSocket server: {@link dev.tether.server.TetherServer}, its {@link dev.tether.server.Session}s
 * and the {@link dev.tether.server.TetherHandler} that an application implements.
 */
@NullMarked
package dev.tether.server;

import org.jspecify.annotations.NullMarked;
