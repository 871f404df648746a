package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} lists the settings as {@link ServerSettings} declares them. Run with
 * {@code -Dtether.updateDocs=true} to rewrite the generated section instead of failing.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final String BEGIN = "<!-- BEGIN generated from ServerSettings by ConfigurationDocTest -->\n";
    private static final String END = "<!-- END generated -->\n";

    @Test
    void referenceShowsEverySettingAsDeclared() throws IOException {
        String doc = Files.readString(DOC);
        String current = withTable(doc);
        if (Boolean.getBoolean("tether.updateDocs") && !current.equals(doc)) {
            Files.writeString(DOC, current);
            doc = current;
        }

        assertThat(doc)
                .as("docs/configuration.md differs from ServerSettings; regenerate it with"
                        + " ./mvnw -B -ntp -q verify -pl tether-server -am -Dtest=ConfigurationDocTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dtether.updateDocs=true")
                .isEqualTo(current);
    }

    /** {@code doc} with the generated section between the markers replaced by the table of today's settings. */
    private static String withTable(String doc) {
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("the marker %s in %s", BEGIN.strip(), DOC).isNotNegative();
        assertThat(end).as("the marker %s after the begin marker", END.strip()).isGreaterThan(begin);
        return doc.substring(0, begin + BEGIN.length()) + ServerSettings.ALL.markdown() + doc.substring(end);
    }
}
