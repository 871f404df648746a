package dev.tether.bench.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakChartTest {
    /** Three samples as tether soak --csv writes them; the first interval answered no call (p99 -1). */
    private static final String SAMPLES = """
            seconds,heap_used_bytes,heap_after_gc_bytes,netty_direct_bytes,netty_pool_direct_bytes,jvm_direct_bytes,\
            threads,open_fds,connections,p99_ms,calls,errors,slow_consumer_disconnects,churned,stalls
            10.0,13958643,13958643,2411724,2306867,2516582,27,219,200,-1.000,0,0,0,177,20
            20.0,13107200,13107200,3670016,3565158,3670016,27,199,180,18.430,10000,0,20,359,20
            30.0,13107200,13107200,3670016,3565158,3670016,27,199,180,29.490,10000,0,20,544,21
            """;

    @Test
    void drawsSixPanelsFromTheSamples(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("samples.csv");
        Files.writeString(csv, SAMPLES);
        Path png = dir.resolve("soak.png");

        SoakChart.draw(SoakChart.read(csv), png, 10, "tether soak, test");

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(2 * 560);
        assertThat(image.getHeight()).isEqualTo(36 + 3 * 300);
    }

    @Test
    void aFileWithoutTheSoaksColumnsIsRefused(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("other.csv");
        Files.writeString(csv, "seconds,value\n10,1\n");

        assertThatThrownBy(() -> SoakChart.draw(SoakChart.read(csv), dir.resolve("x.png"), 0, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples: no column heap_after_gc_bytes (expected: the CSV of tether soak)");
    }
}
