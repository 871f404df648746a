package dev.tether.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/webrtc.md} lists the WebRTC signaling handler's settings as {@link WebRtcSettings} declares them. Run with
 * {@code -Dtether.updateDocs=true} to rewrite the generated section instead of failing.
 */
class WebRtcSettingsDocTest {
    private static final String BEGIN = "<!-- BEGIN generated from WebRtcSettings by WebRtcSettingsDocTest -->\n";
    private static final String END = "<!-- END generated -->\n";

    @Test
    void webrtcReferenceShowsEverySettingAsDeclared() throws IOException {
        Path file = Path.of("..", "docs", "webrtc.md");
        String doc = Files.readString(file);
        int start = doc.indexOf(BEGIN);
        int end = doc.indexOf(END, Math.max(start, 0));
        assertThat(start).as("the marker %s in %s", BEGIN.strip(), file).isNotNegative();
        assertThat(end).as("the marker %s after the begin marker", END.strip()).isGreaterThan(start);
        String current = doc.substring(0, start + BEGIN.length()) + WebRtcSettings.ALL.markdown() + doc.substring(end);
        if (Boolean.getBoolean("tether.updateDocs") && !current.equals(doc)) {
            Files.writeString(file, current);
            doc = current;
        }

        assertThat(doc)
                .as(file + " differs from WebRtcSettings; regenerate it with ./mvnw -B -ntp -q verify -pl tether-webrtc"
                        + " -am -Dtest=WebRtcSettingsDocTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dtether.updateDocs=true")
                .isEqualTo(current);
    }
}
