package dev.tether.webrtc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The answer an ESP32 can use: SHA-256 fingerprints only, and only the host address's own candidates. */
class Esp32SdpTest {
    private static final String ANSWER = "v=0\r\n"
            + "o=- 1 2 IN IP4 0.0.0.0\r\n"
            + "a=fingerprint:sha-256 AA:BB\r\n"
            + "a=fingerprint:sha-384 CC:DD\r\n"
            + "a=fingerprint:sha-512 EE:FF\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host\r\n"
            + "a=candidate:2 1 udp 2122194687 172.17.0.2 50001 typ host\r\n"
            + "a=candidate:3 1 udp 1686052607 203.0.113.7 50002 typ srflx raddr 192.168.1.10 rport 50000\r\n"
            + "a=end-of-candidates\r\n";

    @Test
    void sha384AndSha512LinesAreDroppedAndEveryCandidateKeptWithoutAHost() {
        assertThat(Esp32Sdp.munge(ANSWER, null))
                .isEqualTo("v=0\r\n"
                        + "o=- 1 2 IN IP4 0.0.0.0\r\n"
                        + "a=fingerprint:sha-256 AA:BB\r\n"
                        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                        + "a=candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host\r\n"
                        + "a=candidate:2 1 udp 2122194687 172.17.0.2 50001 typ host\r\n"
                        + "a=candidate:3 1 udp 1686052607 203.0.113.7 50002 typ srflx raddr 192.168.1.10 rport 50000\r\n"
                        + "a=end-of-candidates\r\n");
    }

    @Test
    void withAHostOnlyItsCandidatesWithoutRaddrAreKept() {
        assertThat(Esp32Sdp.munge(ANSWER, "192.168.1.10"))
                .isEqualTo("v=0\r\n"
                        + "o=- 1 2 IN IP4 0.0.0.0\r\n"
                        + "a=fingerprint:sha-256 AA:BB\r\n"
                        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                        + "a=candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host\r\n"
                        + "a=end-of-candidates\r\n");
    }

    @Test
    void theHostDoesNotFilterLinesOtherThanCandidates() {
        assertThat(Esp32Sdp.munge("v=0\r\nc=IN IP4 10.0.0.1\r\n", "192.168.1.10"))
                .isEqualTo("v=0\r\nc=IN IP4 10.0.0.1\r\n");
    }

    @Test
    void theHostIsMatchedAsASubstringAsPipecatDoes() {
        assertThat(Esp32Sdp.munge("a=candidate:1 1 udp 1 192.168.1.10 9 typ host\r\n", "192.168.1.1"))
                .isEqualTo("a=candidate:1 1 udp 1 192.168.1.10 9 typ host\r\n");
    }

    @Test
    void linesSplitAtLfOrCrlfAreJoinedWithCrlf() {
        assertThat(Esp32Sdp.munge("v=0\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\n", null))
                .isEqualTo("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n");
    }

    @Test
    void aMissingFinalLineBreakIsAdded() {
        assertThat(Esp32Sdp.munge("v=0\r\ns=-", null)).isEqualTo("v=0\r\ns=-\r\n");
    }

    @Test
    void emptyLinesAtTheEndAreDroppedAndThoseInsideKept() {
        assertThat(Esp32Sdp.munge("v=0\r\n\r\ns=-\r\n\r\n\n", null)).isEqualTo("v=0\r\n\r\ns=-\r\n");
    }

    @Test
    void emptyLinesLeftAtTheEndByDroppedLinesAreDroppedToo() {
        assertThat(Esp32Sdp.munge("v=0\r\n\r\na=fingerprint:sha-512 EE:FF\r\n", null))
                .isEqualTo("v=0\r\n");
    }

    @Test
    void anEmptySdpIsOneLineBreak() {
        assertThat(Esp32Sdp.munge("", null)).isEqualTo("\r\n");
    }

    @Test
    void localhostIsRefusedAsTheHost() {
        assertThatThrownBy(() -> Esp32Sdp.checkHost("localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("esp32Host: localhost (expected: the address the device reaches, e.g. 192.168.1.10;"
                        + " ESP32 mode cannot use localhost)");
    }

    @Test
    void localhostIsRefusedInAnyCase() {
        assertThatThrownBy(() -> Esp32Sdp.checkHost("LocalHost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("esp32Host: LocalHost (expected: the address the device reaches, e.g. 192.168.1.10;"
                        + " ESP32 mode cannot use localhost)");
    }

    @Test
    void aBlankHostIsRefused() {
        assertThatThrownBy(() -> Esp32Sdp.checkHost(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("esp32Host: \" \" (expected: the address the device reaches, e.g. 192.168.1.10)");
    }

    @Test
    void anAddressOrNoHostPasses() {
        assertThatCode(() -> Esp32Sdp.checkHost("192.168.1.10")).doesNotThrowAnyException();
        assertThatCode(() -> Esp32Sdp.checkHost("esp-gateway.lan")).doesNotThrowAnyException();
        assertThatCode(() -> Esp32Sdp.checkHost(null)).doesNotThrowAnyException();
    }
}
