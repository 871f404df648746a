/**
 * The demo that {@code tether serve} runs: {@link dev.tether.cli.demo.DemoHandler} with its RPC methods and chat,
 * and the page under {@code tether/demo} on the class path.
 */
@NullMarked
package dev.tether.cli.demo;

import org.jspecify.annotations.NullMarked;
