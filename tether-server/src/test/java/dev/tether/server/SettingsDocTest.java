package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.SettingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The settings references in {@code docs/} list the settings as they are declared: {@code configuration.md} as
 * {@link ServerSettings}, {@code endpoints.md} as {@link EndpointSettings}. Run with {@code -Dtether.updateDocs=true}
 * to rewrite the generated sections instead of failing.
 */
class SettingsDocTest {
    private static final String END = "<!-- END generated -->\n";

    @Test
    void configurationReferenceShowsEveryServerSettingAsDeclared() throws IOException {
        check(Path.of("..", "docs", "configuration.md"), "ServerSettings", ServerSettings.ALL);
    }

    @Test
    void endpointReferenceShowsEveryEndpointSettingAsDeclared() throws IOException {
        check(Path.of("..", "docs", "endpoints.md"), "EndpointSettings", EndpointSettings.ALL);
    }

    private static void check(Path file, String declaredIn, SettingTable table) throws IOException {
        String doc = Files.readString(file);
        String current =
                withTable(file, doc, "<!-- BEGIN generated from " + declaredIn + " by SettingsDocTest -->\n", table);
        if (Boolean.getBoolean("tether.updateDocs") && !current.equals(doc)) {
            Files.writeString(file, current);
            doc = current;
        }

        assertThat(doc)
                .as(file + " differs from " + declaredIn + "; regenerate it with"
                        + " ./mvnw -B -ntp -q verify -pl tether-server -am -Dtest=SettingsDocTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dtether.updateDocs=true")
                .isEqualTo(current);
    }

    /** {@code doc} with the generated section between the markers replaced by the table of today's settings. */
    private static String withTable(Path file, String doc, String begin, SettingTable table) {
        int start = doc.indexOf(begin);
        int end = doc.indexOf(END);
        assertThat(start).as("the marker %s in %s", begin.strip(), file).isNotNegative();
        assertThat(end).as("the marker %s after the begin marker", END.strip()).isGreaterThan(start);
        return doc.substring(0, start + begin.length()) + table.markdown() + doc.substring(end);
    }
}
