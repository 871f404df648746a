/**
 * The {@code tether} command. {@link dev.tether.cli.TetherCli} is the top command; each subcommand is one class
 * ({@link dev.tether.cli.ServeCommand}, and later {@code call}, {@code stream}, {@code listen}, {@code bench}).
 */
@NullMarked
package dev.tether.cli;

import org.jspecify.annotations.NullMarked;
