package dev.tether.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.media.ExotelOptions;
import dev.tether.media.FrameSerializer;
import dev.tether.media.FrameSerializers;
import dev.tether.media.MediaFrame;
import dev.tether.media.TelephonyOptions;
import dev.tether.media.WireMessage;
import dev.tether.server.CloseStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The bounded tag values of the media meters: the serializer tag and how a session ended. */
class MediaMetersTagsTest {
    private static final TelephonyOptions NO_HANG_UP =
            TelephonyOptions.builder().autoHangUp(false).build();

    @Test
    void aShippedSerializerIsTaggedWithItsFormatAndAnyOtherAsCustom() {
        FrameSerializer own = new FrameSerializer() {
            @Override
            public @Nullable WireMessage serialize(MediaFrame frame) {
                return null;
            }

            @Override
            public @Nullable MediaFrame deserialize(WireMessage message) {
                return null;
            }
        };

        assertThat(MediaMeters.serializerTag(FrameSerializers.protobuf())).isEqualTo("protobuf");
        assertThat(MediaMeters.serializerTag(FrameSerializers.vonage())).isEqualTo("vonage");
        assertThat(MediaMeters.serializerTag(
                        FrameSerializers.exotel(ExotelOptions.builder("MZ1").build())))
                .isEqualTo("exotel");
        assertThat(MediaMeters.serializerTag(own)).isEqualTo("custom");
    }

    @Test
    void aTelephonySerializerIsTaggedTelephonyUntilItKnowsTheProvider() {
        FrameSerializer detecting = FrameSerializers.telephony(NO_HANG_UP);
        assertThat(MediaMeters.serializerTag(detecting)).isEqualTo("telephony");

        detecting.deserialize(WireMessage.text(
                "{\"event\":\"start\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"CA1\",\"accountSid\":\"AC1\"}}"));

        assertThat(MediaMeters.serializerTag(detecting)).isEqualTo("twilio");
    }

    @Test
    void aCloseTheServerDidNotStartIsByTheClientAbnormalOrTheServer() {
        assertThat(MediaMeters.end(new CloseStatus(1000, "", true))).isEqualTo(MediaMeters.End.CLIENT);
        assertThat(MediaMeters.end(new CloseStatus(1006, "", true))).isEqualTo(MediaMeters.End.ABNORMAL);
        assertThat(MediaMeters.end(new CloseStatus(1001, "Server is shutting down", false)))
                .isEqualTo(MediaMeters.End.SERVER);
    }
}
