package dev.tether.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/media.md} lists the media endpoint's settings as {@link MediaSettings} declares them. Run with
 * {@code -Dtether.updateDocs=true} to rewrite the generated section instead of failing.
 */
class MediaSettingsDocTest {
    private static final String BEGIN = "<!-- BEGIN generated from MediaSettings by MediaSettingsDocTest -->\n";
    private static final String END = "<!-- END generated -->\n";

    @Test
    void mediaReferenceShowsEverySettingAsDeclared() throws IOException {
        Path file = Path.of("..", "docs", "media.md");
        String doc = Files.readString(file);
        int start = doc.indexOf(BEGIN);
        int end = doc.indexOf(END, Math.max(start, 0));
        assertThat(start).as("the marker %s in %s", BEGIN.strip(), file).isNotNegative();
        assertThat(end).as("the marker %s after the begin marker", END.strip()).isGreaterThan(start);
        String current = doc.substring(0, start + BEGIN.length()) + MediaSettings.ALL.markdown() + doc.substring(end);
        if (Boolean.getBoolean("tether.updateDocs") && !current.equals(doc)) {
            Files.writeString(file, current);
            doc = current;
        }

        assertThat(doc)
                .as(file + " differs from MediaSettings; regenerate it with ./mvnw -B -ntp -q verify -pl tether-media"
                        + " -am -Dtest=MediaSettingsDocTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dtether.updateDocs=true")
                .isEqualTo(current);
    }
}
