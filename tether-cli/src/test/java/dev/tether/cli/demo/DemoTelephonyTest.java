package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.TetherServer;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo's {@code /ws}: a Twilio call is detected and its audio comes back as Twilio media events. */
class DemoTelephonyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";

    private TetherServer server;

    @BeforeEach
    void start() {
        server = DemoServer.create("127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void twilioCallHearsItsAudioBackInTwilioMediaEvents() throws Exception {
        try (TextSocket provider = TextSocket.connect(server.port(), DemoServer.TELEPHONY_PATH)) {
            provider.send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
            provider.send("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"" + STREAM + "\",\"start\":{"
                    + "\"streamSid\":\"" + STREAM + "\",\"callSid\":\"CA1\",\"accountSid\":\"AC1\","
                    + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}}}");
            byte[] ulaw = new byte[800]; // 100 ms at 8 kHz
            Arrays.fill(ulaw, (byte) 0x10);
            String payload = Base64.getEncoder().encodeToString(ulaw);
            for (int i = 0; i < 12; i++) {
                provider.send("{\"event\":\"media\",\"streamSid\":\"" + STREAM + "\",\"media\":{\"payload\":\""
                        + payload + "\"}}");
            }

            JsonNode event = JSON.readTree(provider.next());
            assertThat(event.path("event").asText()).isEqualTo("media");
            assertThat(event.path("streamSid").asText()).isEqualTo(STREAM);
            assertThat(Base64.getDecoder()
                            .decode(event.path("media").path("payload").asText()))
                    .isNotEmpty();
        }
    }
}
