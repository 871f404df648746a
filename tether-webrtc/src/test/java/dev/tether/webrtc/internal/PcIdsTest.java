package dev.tether.webrtc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Peer connection ids: pipecat's form, unique across processes, and their UUIDs. */
class PcIdsTest {
    private static final Pattern FORM = Pattern.compile("SmallWebRTCConnection#(\\d+)-([0-9a-f]{32})");

    @Test
    void anIdIsTheClassNameACounterAndA32HexUuid() {
        assertThat(PcIds.next()).matches(FORM);
    }

    @Test
    void theCounterCountsUp() {
        long first = counter(PcIds.next());
        long second = counter(PcIds.next());

        assertThat(second).isGreaterThan(first);
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        Set<String> suffixes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = PcIds.next();
            ids.add(id);
            suffixes.add(id.substring(id.indexOf('-') + 1));
        }

        assertThat(ids).hasSize(10_000);
        assertThat(suffixes).hasSize(10_000);
    }

    @Test
    void theUuidOfAnIdIsItsRandomVersion4Suffix() {
        String id = PcIds.next();

        UUID uuid = PcIds.uuid(id);

        assertThat(uuid.toString().replace("-", "")).isEqualTo(id.substring(id.indexOf('-') + 1));
        assertThat(uuid.version()).isEqualTo(4);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    void leadingZerosOfTheSuffixAreKept() {
        assertThat(PcIds.uuid("SmallWebRTCConnection#7-00000000000000010000000000000002"))
                .isEqualTo(new UUID(1, 2));
        assertThat(PcIds.uuid("SmallWebRTCConnection#0-ffffffffffffffffffffffffffffffff"))
                .isEqualTo(new UUID(-1, -1));
    }

    @Test
    void anIdOfAnotherFormGetsANameBasedUuid() {
        assertThat(PcIds.uuid("my-own-id")).isEqualTo(UUID.nameUUIDFromBytes("my-own-id".getBytes(UTF_8)));
        assertThat(PcIds.uuid("ünïcode")).isEqualTo(UUID.nameUUIDFromBytes("ünïcode".getBytes(UTF_8)));
    }

    @Test
    void almostThePipecatFormIsAnotherForm() {
        String hex = "0123456789abcdef0123456789abcdef";
        for (String id : new String[] {
            "SmallWebRTCConnection#1-" + hex.toUpperCase(java.util.Locale.ROOT),
            "SmallWebRTCConnection#-" + hex,
            "SmallWebRTCConnection#x-" + hex,
            "SmallWebRTCConnection#1-" + hex + "0",
            "SmallWebRTCConnection#1-" + hex.substring(1),
            "SmallWebRTCConnection#1-" + hex.replace('f', 'g'),
            "OtherConnection#1-" + hex,
            "SmallWebRTCConnection#1",
            ""
        }) {
            assertThat(PcIds.uuid(id)).as(id).isEqualTo(UUID.nameUUIDFromBytes(id.getBytes(UTF_8)));
        }
    }

    private static long counter(String id) {
        Matcher matcher = FORM.matcher(id);
        assertThat(matcher.matches()).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
