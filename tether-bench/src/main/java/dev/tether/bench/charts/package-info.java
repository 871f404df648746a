/** The charts of {@code docs/benchmarks.md}, drawn from the JSON results of {@code bench/compare.sh}. */
@NullMarked
package dev.tether.bench.charts;

import org.jspecify.annotations.NullMarked;
