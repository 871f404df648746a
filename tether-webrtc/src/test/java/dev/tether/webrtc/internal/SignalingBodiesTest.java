package dev.tether.webrtc.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.webrtc.internal.SignalingBodies.Candidate;
import dev.tether.webrtc.internal.SignalingBodies.Invalid;
import dev.tether.webrtc.internal.SignalingBodies.Offer;
import dev.tether.webrtc.internal.SignalingBodies.Patch;
import dev.tether.webrtc.internal.SignalingBodies.Start;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The signaling routes' JSON bodies: what they hold, the 422 details of those that do not fit, and hostile bytes. */
class SignalingBodiesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // ---- offer

    @Test
    void anOfferWithEveryFieldIsRead() throws Exception {
        Offer offer = SignalingBodies.offer(bytes("{\"sdp\": \"v=0\\r\\n\", \"type\": \"offer\", \"pc_id\": \"p1\","
                + " \"restart_pc\": true, \"request_data\": {\"lang\": \"en\"}, \"unknown\": 1}"));

        assertThat(offer).isEqualTo(new Offer("v=0\r\n", "offer", "p1", true, MAPPER.readTree("{\"lang\": \"en\"}")));
    }

    @Test
    void anOfferNeedsOnlySdpAndType() {
        Offer offer = SignalingBodies.offer(bytes("{\"sdp\": \"v=0\", \"type\": \"offer\"}"));

        assertThat(offer).isEqualTo(new Offer("v=0", "offer", null, false, null));
    }

    @Test
    void nullPcIdRestartAndRequestDataAreTheirDefaults() {
        Offer offer = SignalingBodies.offer(
                bytes(
                        "{\"sdp\": \"v=0\", \"type\": \"offer\", \"pc_id\": null, \"restart_pc\": null, \"request_data\": null}"));

        assertThat(offer).isEqualTo(new Offer("v=0", "offer", null, false, null));
    }

    @Test
    void camelCaseRequestDataIsUsedWhenSnakeCaseIsAbsent() throws Exception {
        Offer offer = SignalingBodies.offer(
                bytes("{\"sdp\": \"v=0\", \"type\": \"offer\", \"requestData\": {\"voice\": \"alloy\"}}"));

        assertThat(offer.requestData()).isEqualTo(MAPPER.readTree("{\"voice\": \"alloy\"}"));
    }

    @Test
    void snakeCaseRequestDataWinsOverCamelCase() {
        Offer offer = SignalingBodies.offer(
                bytes("{\"sdp\": \"v=0\", \"type\": \"offer\", \"requestData\": 1, \"request_data\": [2]}"));

        assertThat(offer.requestData()).hasToString("[2]");
    }

    @Test
    void aNullSnakeCaseRequestDataHidesCamelCase() {
        Offer offer = SignalingBodies.offer(
                bytes("{\"sdp\": \"v=0\", \"type\": \"offer\", \"request_data\": null, \"requestData\": 1}"));

        assertThat(offer.requestData()).isNull();
    }

    @Test
    void requestDataMayBeAnyJson() {
        assertThat(SignalingBodies.offer(bytes("{\"sdp\": \"\", \"type\": \"offer\", \"request_data\": \"text\"}"))
                        .requestData())
                .hasToString("\"text\"");
    }

    @Test
    void everyMissingFieldIsListed() {
        Invalid invalid = invalid(SignalingBodies::offer, "{\"pc_id\": \"p1\"}");

        assertThat(invalid.detailJson())
                .isEqualTo("{\"detail\":["
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"sdp\"],\"msg\":\"Field required\"},"
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"type\"],\"msg\":\"Field required\"}]}");
        assertThat(invalid).hasMessage("offer body: 2 errors (sdp: Field required; type: Field required)");
    }

    @Test
    void everyFieldOfTheWrongTypeIsListedInFieldOrder() {
        Invalid invalid = invalid(
                SignalingBodies::offer,
                "{\"restart_pc\": \"true\", \"pc_id\": 7, \"type\": null, \"sdp\": [\"v=0\"], \"request_data\": 1}");

        assertThat(invalid.detailJson())
                .isEqualTo("{\"detail\":["
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"sdp\"],\"msg\":\"Input should be a valid string\"},"
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"type\"],\"msg\":\"Input should be a valid string\"},"
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"pc_id\"],\"msg\":\"Input should be a valid string\"},"
                        + "{\"type\":\"bool_type\",\"loc\":[\"body\",\"restart_pc\"],\"msg\":\"Input should be a valid boolean\"}"
                        + "]}");
        assertThat(invalid)
                .hasMessage(
                        "offer body: 4 errors (sdp: Input should be a valid string; type: Input should be a valid"
                                + " string; pc_id: Input should be a valid string; restart_pc: Input should be a valid boolean)");
    }

    @Test
    void anEmptyOfferBodyIsAMissingBody() {
        assertThat(invalid(SignalingBodies::offer, "").detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\"}]}");
        assertThat(invalid(SignalingBodies::offer, " \r\n ").detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\"}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"sdp\": \"v=0\"}]", "\"offer\"", "12", "true", "null"})
    void aBodyThatIsNotAnObjectIsNotADictionary(String body) {
        Invalid invalid = invalid(SignalingBodies::offer, body);

        assertThat(invalid.detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"dict_type\",\"loc\":[\"body\"],"
                        + "\"msg\":\"Input should be a valid dictionary\"}]}");
        assertThat(invalid).hasMessage("offer body: 1 error (body: Input should be a valid dictionary)");
    }

    @Test
    void malformedJsonIsADecodeErrorAtItsPosition() {
        Invalid invalid = invalid(SignalingBodies::offer, "{\"sdp\":");

        assertThat(invalid.detailJson())
                .isEqualTo(
                        "{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",7],\"msg\":\"JSON decode error\"}]}");
        assertThat(invalid).hasMessage("offer body: 1 error (body: JSON decode error at char 7)");
    }

    @Test
    void thePositionOfADecodeErrorCountsCharactersNotBytes() {
        // "é" is two bytes in UTF-8 and one character, as Python's json module counts.
        assertThat(invalid(SignalingBodies::offer, "{\"sdp\":\"é\"").detailJson())
                .isEqualTo(
                        "{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",10],\"msg\":\"JSON decode error\"}]}");
    }

    @Test
    void contentAfterTheObjectIsADecodeError() {
        assertThat(invalid(SignalingBodies::offer, "{\"sdp\": \"v=0\", \"type\": \"offer\"} {}")
                        .detailJson())
                .startsWith("{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",");
    }

    // ---- patch

    @Test
    void aPatchIsReadWithEveryCandidate() {
        Patch patch = SignalingBodies.patch(bytes("{\"pc_id\": \"p1\", \"candidates\": ["
                + "{\"candidate\": \"candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host\", \"sdp_mid\": \"0\","
                + " \"sdp_mline_index\": 0},"
                + "{\"candidate\": \"candidate:2 1 udp 1686052607 203.0.113.7 50001 typ srflx\", \"sdp_mid\": null,"
                + " \"sdp_mline_index\": null},"
                + "{\"candidate\": \"candidate:3 1 tcp 1518280447 192.168.1.10 9 typ host\"}]}"));

        assertThat(patch)
                .isEqualTo(new Patch(
                        "p1",
                        List.of(
                                new Candidate("candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host", "0", 0),
                                new Candidate("candidate:2 1 udp 1686052607 203.0.113.7 50001 typ srflx", null, null),
                                new Candidate("candidate:3 1 tcp 1518280447 192.168.1.10 9 typ host", null, null))));
    }

    @Test
    void anEmptyCandidateIsTheEndOfCandidatesAndTheBatchGoesOn() {
        Patch patch = SignalingBodies.patch(bytes("{\"pc_id\": \"p1\", \"candidates\": ["
                + "{\"candidate\": \"\", \"sdp_mid\": \"0\", \"sdp_mline_index\": 0},"
                + "{\"candidate\": \"candidate:1 1 udp 2122260223 192.168.1.10 50000 typ host\", \"sdp_mid\": \"1\","
                + " \"sdp_mline_index\": 1}]}"));

        assertThat(patch.candidates()).extracting(Candidate::endOfCandidates).containsExactly(true, false);
        assertThat(patch.candidates().get(1).sdpMid()).isEqualTo("1");
    }

    @Test
    void anEmptyBatchIsABatch() {
        assertThat(SignalingBodies.patch(bytes("{\"pc_id\": \"p1\", \"candidates\": []}")))
                .isEqualTo(new Patch("p1", List.of()));
    }

    @Test
    void everyErrorOfTheBatchAndItsCandidatesIsListed() {
        Invalid invalid = invalid(
                SignalingBodies::patch,
                "{\"candidates\": [{\"sdp_mid\": 1, \"sdp_mline_index\": \"0\"}, 5,"
                        + " {\"candidate\": \"c\", \"sdp_mline_index\": 1.5}, {\"candidate\": null}]}");

        assertThat(invalid.detailJson())
                .isEqualTo("{\"detail\":["
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"pc_id\"],\"msg\":\"Field required\"},"
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"candidates\",0,\"candidate\"],"
                        + "\"msg\":\"Field required\"},"
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"candidates\",0,\"sdp_mid\"],"
                        + "\"msg\":\"Input should be a valid string\"},"
                        + "{\"type\":\"int_type\",\"loc\":[\"body\",\"candidates\",0,\"sdp_mline_index\"],"
                        + "\"msg\":\"Input should be a valid integer\"},"
                        + "{\"type\":\"dict_type\",\"loc\":[\"body\",\"candidates\",1],"
                        + "\"msg\":\"Input should be a valid dictionary\"},"
                        + "{\"type\":\"int_type\",\"loc\":[\"body\",\"candidates\",2,\"sdp_mline_index\"],"
                        + "\"msg\":\"Input should be a valid integer\"},"
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"candidates\",3,\"candidate\"],"
                        + "\"msg\":\"Input should be a valid string\"}]}");
        assertThat(invalid)
                .hasMessage("patch body: 7 errors (pc_id: Field required; candidates.0.candidate: Field required;"
                        + " candidates.0.sdp_mid: Input should be a valid string; candidates.0.sdp_mline_index: Input"
                        + " should be a valid integer; candidates.1: Input should be a valid dictionary;"
                        + " candidates.2.sdp_mline_index: Input should be a valid integer; candidates.3.candidate: Input"
                        + " should be a valid string)");
    }

    @Test
    void aPatchWithoutItsFieldsListsBoth() {
        assertThat(invalid(SignalingBodies::patch, "{}").detailJson())
                .isEqualTo("{\"detail\":["
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"pc_id\"],\"msg\":\"Field required\"},"
                        + "{\"type\":\"missing\",\"loc\":[\"body\",\"candidates\"],\"msg\":\"Field required\"}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "\"c\"", "null", "3"})
    void candidatesThatAreNotAListAreRefused(String candidates) {
        assertThat(invalid(SignalingBodies::patch, "{\"pc_id\": \"p1\", \"candidates\": " + candidates + "}")
                        .detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"list_type\",\"loc\":[\"body\",\"candidates\"],"
                        + "\"msg\":\"Input should be a valid list\"}]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "-2147483649", "99999999999999999999999", "1e999999", "true", "\"1\""})
    void anMLineIndexThatIsNotAnIntIsRefused(String index) {
        String body =
                "{\"pc_id\": \"p1\", \"candidates\": [{\"candidate\": \"c\", \"sdp_mline_index\": " + index + "}]}";

        assertThat(invalid(SignalingBodies::patch, body).detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"int_type\","
                        + "\"loc\":[\"body\",\"candidates\",0,\"sdp_mline_index\"],"
                        + "\"msg\":\"Input should be a valid integer\"}]}");
    }

    @Test
    void anEmptyPatchBodyIsAMissingBody() {
        assertThat(invalid(SignalingBodies::patch, "").detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\"}]}");
    }

    // ---- start

    @ParameterizedTest
    @ValueSource(strings = {"", " \n", "{}"})
    void anEmptyStartBodyIsAnEmptyObject(String body) {
        assertThat(SignalingBodies.start(bytes(body))).isEqualTo(new Start(null, false, null));
    }

    @Test
    void aStartBodyIsRead() throws Exception {
        Start start = SignalingBodies.start(
                bytes("{\"transport\": \"webrtc\", \"enableDefaultIceServers\": true, \"body\": {\"user\": \"ada\"}}"));

        assertThat(start).isEqualTo(new Start("webrtc", true, MAPPER.readTree("{\"user\": \"ada\"}")));
    }

    @Test
    void everyStartFieldOfTheWrongTypeIsListed() {
        Invalid invalid = invalid(
                SignalingBodies::start, "{\"transport\": 1, \"enableDefaultIceServers\": \"yes\", \"body\": 2}");

        assertThat(invalid.detailJson())
                .isEqualTo("{\"detail\":["
                        + "{\"type\":\"string_type\",\"loc\":[\"body\",\"transport\"],"
                        + "\"msg\":\"Input should be a valid string\"},"
                        + "{\"type\":\"bool_type\",\"loc\":[\"body\",\"enableDefaultIceServers\"],"
                        + "\"msg\":\"Input should be a valid boolean\"}]}");
    }

    @Test
    void aStartBodyMustStillBeAnObjectOfJson() {
        assertThat(invalid(SignalingBodies::start, "[]").detailJson())
                .isEqualTo("{\"detail\":[{\"type\":\"dict_type\",\"loc\":[\"body\"],"
                        + "\"msg\":\"Input should be a valid dictionary\"}]}");
        assertThat(invalid(SignalingBodies::start, "{").detailJson())
                .isEqualTo(
                        "{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",1],\"msg\":\"JSON decode error\"}]}");
    }

    // ---- answers

    @Test
    void theAnswerCarriesSdpTypeAndPcIdEscaped() {
        assertThat(SignalingBodies.answerJson(
                        "v=0\r\no=- 1 2 IN IP4 \"x\"\r\n", "answer", "SmallWebRTCConnection#0-ab"))
                .isEqualTo("{\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 \\\"x\\\"\\r\\n\",\"type\":\"answer\","
                        + "\"pc_id\":\"SmallWebRTCConnection#0-ab\"}");
    }

    @Test
    void aDetailIsAnEscapedJsonString() {
        assertThat(SignalingBodies.detail("PC ID mismatch with existing connection"))
                .isEqualTo("{\"detail\":\"PC ID mismatch with existing connection\"}");
        assertThat(SignalingBodies.detail("a \"quoted\"\\path\n"))
                .isEqualTo("{\"detail\":\"a \\\"quoted\\\"\\\\path\\n\"}");
    }

    // ---- hostile bodies

    @Test
    void randomBytesGiveOnlyInvalid() throws Exception {
        Random random = new Random(20240607);
        for (int i = 0; i < 500; i++) {
            byte[] body = new byte[random.nextInt(300)];
            random.nextBytes(body);
            acceptedOrInvalid(body);
        }
    }

    @Test
    void randomJsonishTextGivesOnlyInvalid() throws Exception {
        // Bytes from JSON's own alphabet reach deeper into the parser than uniform noise does.
        byte[] alphabet = "{}[]\":,0123456789.eE+- \\tnrufalse\u00e9".getBytes(UTF_8);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] body = new byte[random.nextInt(200)];
            for (int j = 0; j < body.length; j++) {
                body[j] = alphabet[random.nextInt(alphabet.length)];
            }
            acceptedOrInvalid(body);
        }
    }

    @Test
    void everyTruncationOfAValidBodyGivesOnlyInvalid() throws Exception {
        byte[] offer = bytes("{\"sdp\": \"v=0\\r\\na=fingerprint:sha-256 AB:CD\\r\\n\", \"type\": \"offer\","
                + " \"pc_id\": null, \"restart_pc\": false, \"requestData\": {\"a\": [1, 2.5, \"\u00e9\", null]}}");
        byte[] patch = bytes("{\"pc_id\": \"SmallWebRTCConnection#0-0123456789abcdef0123456789abcdef\","
                + " \"candidates\": [{\"candidate\": \"candidate:1 1 udp 1 10.0.0.1 9 typ host\","
                + " \"sdp_mid\": \"0\", \"sdp_mline_index\": 0}, {\"candidate\": \"\"}]}");
        for (byte[] valid : List.of(offer, patch)) {
            for (int length = 0; length < valid.length; length++) {
                acceptedOrInvalid(Arrays.copyOf(valid, length));
            }
        }
        assertThat(SignalingBodies.offer(offer).requestData()).isNotNull();
        assertThat(SignalingBodies.patch(patch).candidates()).hasSize(2);
    }

    @Test
    void deepNestingGivesOnlyInvalid() throws Exception {
        acceptedOrInvalid(bytes("[".repeat(100_000)));
        acceptedOrInvalid(bytes("{\"a\":".repeat(50_000)));
        acceptedOrInvalid(
                bytes("{\"sdp\": \"\", \"type\": \"\", \"request_data\": " + "[".repeat(400) + "]".repeat(400) + "}"));
        acceptedOrInvalid(bytes(
                "{\"sdp\": \"\", \"type\": \"\", \"request_data\": " + "[".repeat(5000) + "]".repeat(5000) + "}"));
    }

    @Test
    void hugeNumbersGiveOnlyInvalid() throws Exception {
        acceptedOrInvalid(bytes("{\"pc_id\": \"p\", \"candidates\": [{\"candidate\": \"c\", \"sdp_mline_index\": "
                + "9".repeat(5000) + "}]}"));
        acceptedOrInvalid(bytes("{\"sdp\": 1e99999999999, \"type\": -0.0e-99999999999}"));
        acceptedOrInvalid(bytes("{\"sdp\": 0." + "1".repeat(100_000) + "}"));
    }

    @Test
    void bytesThatAreNotUtf8GiveOnlyInvalid() throws Exception {
        acceptedOrInvalid(new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b, 0x00});
        acceptedOrInvalid(new byte[] {(byte) 0xfe, (byte) 0xff, 0x00, 0x7b, 0x00});
        acceptedOrInvalid(new byte[] {0x00, 0x00, 0x00, 0x7b, 0x00, 0x00});
        acceptedOrInvalid(new byte[] {0x00, 0x00, (byte) 0xfe, (byte) 0xff, 0x00, 0x00, 0x00});
        acceptedOrInvalid(new byte[] {0x7b, 0x22, (byte) 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d});
        acceptedOrInvalid(new byte[] {0x7b, 0x22, (byte) 0xed, (byte) 0xa0, (byte) 0x80, 0x22, 0x3a, 0x31, 0x7d});
        acceptedOrInvalid("{\"sdp\": \"v=0\", \"type\": \"offer\"}".getBytes(StandardCharsets.UTF_16));
        acceptedOrInvalid("{\"sdp\": \"v=0\", \"type\": \"offer\"}".getBytes(StandardCharsets.ISO_8859_1));
        acceptedOrInvalid(new byte[] {0x22, (byte) 0x80, 0x22});
        acceptedOrInvalid(new byte[] {0});
    }

    @Test
    void aBadByteInsideAStringIsADecodeError() {
        byte[] body = {0x7b, 0x22, (byte) 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d}; // {"\xc3(":1}

        assertThat(catchThrowableOfType(Invalid.class, () -> SignalingBodies.offer(body))
                        .detailJson())
                .startsWith("{\"detail\":[{\"type\":\"json_invalid\"");
    }

    @Test
    void aBrokenUtf32BodyIsADecodeErrorWithoutAPosition() {
        // Four bytes 00 00 00 7B make Jackson read UTF-32, whose decoder fails without a location.
        byte[] body = {0x00, 0x00, 0x00, 0x7b, 0x00, 0x00};

        assertThat(invalid(SignalingBodies::offer, body).detailJson())
                .isEqualTo(
                        "{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\"],\"msg\":\"JSON decode error\"}]}");
    }

    @Test
    void aNullBodyIsAProgrammingError() {
        assertThatThrownBy(() -> SignalingBodies.offer(nullBytes())).isInstanceOf(NullPointerException.class);
    }

    /**
     * Feeds {@code body} to every parser; each either reads it or throws {@link Invalid} with a well-formed 422 body.
     * Any other exception fails the test.
     */
    private static void acceptedOrInvalid(byte[] body) throws Exception {
        List<Function<byte[], Object>> parsers =
                List.of(SignalingBodies::offer, SignalingBodies::patch, SignalingBodies::start);
        List<String> types = new ArrayList<>();
        for (Function<byte[], Object> parser : parsers) {
            try {
                assertThat(parser.apply(body)).isNotNull();
            } catch (Invalid e) {
                JsonNode detail = MAPPER.readTree(e.detailJson()).get("detail");
                assertThat(detail.isArray()).isTrue();
                assertThat(detail).isNotEmpty();
                detail.forEach(error -> types.add(error.get("type").asText()));
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(types)
                .allSatisfy(type -> assertThat(type)
                        .isIn(
                                "missing",
                                "string_type",
                                "bool_type",
                                "int_type",
                                "list_type",
                                "dict_type",
                                "json_invalid"));
    }

    private static Invalid invalid(Function<byte[], Object> parser, String body) {
        return invalid(parser, bytes(body));
    }

    private static Invalid invalid(Function<byte[], Object> parser, byte[] body) {
        Invalid invalid = catchThrowableOfType(Invalid.class, () -> parser.apply(body));
        assertThat(invalid).as("Invalid for %s", Arrays.toString(body)).isNotNull();
        return invalid;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static byte[] nullBytes() {
        return null;
    }
}
