package dev.tether.cli.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String TEXT = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 4.0E7
            jvm_threads_live_threads 27.0
            tether_slow_consumer_total{action="disconnect"} 3.0
            tether_slow_consumer_total{action="drop_newest"} 0.0
            """;

    @Test
    void sumsTheSeriesWhoseLabelsMatch() {
        PrometheusText m = PrometheusText.parse(TEXT);

        assertThat(m.sum("jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(3 << 20);
        assertThat(m.sum("jvm_threads_live_threads")).isEqualTo(27);
        assertThat(m.sum("tether_slow_consumer_total", "action=\"disconnect\"")).isEqualTo(3);
    }

    @Test
    void aMissingSeriesIsMinusOne() {
        PrometheusText m = PrometheusText.parse(TEXT);

        assertThat(m.sum("process_files_open_files")).isEqualTo(-1);
        assertThat(m.sum("jvm_memory_used_bytes", "area=\"offheap\"")).isEqualTo(-1);
        assertThat(m.sum("jvm_memory_used")).isEqualTo(-1); // a name's prefix is not the name
    }
}
