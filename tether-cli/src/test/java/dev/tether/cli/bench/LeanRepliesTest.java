package dev.tether.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcErrorCode;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lean reader agrees with the full decoder on the replies a server writes, and leaves it the rest. */
class LeanRepliesTest {

    private static int slot(Packet packet) {
        return LeanReplies.successfulSlot(
                Unpooled.wrappedBuffer(PacketCodecs.msgpack().encode(packet)));
    }

    @Test
    void aSuccessfulReplyGivesItsCallIdAsTheSlot() {
        assertThat(slot(Packet.rpc(RpcResponse.result("0", 3L)))).isZero();
        assertThat(slot(Packet.rpc(RpcResponse.result("4711", List.of(1, 2, 3)))))
                .isEqualTo(4711);
        assertThat(slot(Packet.rpc(RpcResponse.result("12", null)))).isEqualTo(12);
    }

    @Test
    void aReplyInADirectBufferSliceIsReadFromItsOwnBytes() {
        byte[] reply = PacketCodecs.msgpack().encode(Packet.rpc(RpcResponse.result("42", 3L)));
        io.netty.buffer.ByteBuf direct = Unpooled.directBuffer(reply.length + 10);
        direct.writeZero(10).writeBytes(reply);

        assertThat(LeanReplies.successfulSlot(direct.slice(10, reply.length))).isEqualTo(42);
        direct.release();
    }

    @Test
    void anErrorReplyIsLeftToTheFullDecoder() {
        assertThat(slot(Packet.rpc(RpcResponse.error("7", RpcErrorCode.METHOD_NOT_FOUND, "no such method", false))))
                .isEqualTo(LeanReplies.UNKNOWN);
    }

    @Test
    void whatIsNotADecimalReplyIsLeftToTheFullDecoder() {
        assertThat(slot(Packet.rpc(RpcResponse.result("subscribe", true)))).isEqualTo(LeanReplies.UNKNOWN);
        assertThat(slot(Packet.rpc(RpcRequest.of("add", "5", 1, 2)))).isEqualTo(LeanReplies.UNKNOWN);
        assertThat(slot(Packet.custom(new byte[] {1, 2}))).isEqualTo(LeanReplies.UNKNOWN);
        assertThat(LeanReplies.successfulSlot(
                        Unpooled.wrappedBuffer(PacketCodecs.json().encode(Packet.rpc(RpcResponse.result("3", 1L))))))
                .isEqualTo(LeanReplies.UNKNOWN);
        assertThat(LeanReplies.successfulSlot(Unpooled.wrappedBuffer(new byte[] {(byte) 0xc1})))
                .isEqualTo(LeanReplies.UNKNOWN);
    }
}
