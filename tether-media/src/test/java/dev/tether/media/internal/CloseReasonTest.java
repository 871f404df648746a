package dev.tether.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseReasonTest {

    @Test
    void shortReasonIsKept() {
        assertThat(MediaConnection.closeReason("Unsupported telephony provider"))
                .isEqualTo("Unsupported telephony provider");
    }

    @Test
    void longReasonIsCutTo123BytesOnACharacterBoundary() {
        String reason = "a".repeat(122) + "é"; // 124 bytes: the é would straddle byte 123

        String cut = MediaConnection.closeReason(reason);

        assertThat(cut).isEqualTo("a".repeat(122));
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(122);
    }
}
