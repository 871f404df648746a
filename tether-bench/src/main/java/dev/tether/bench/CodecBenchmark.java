package dev.tether.bench;

import dev.tether.core.Packet;
import dev.tether.core.PacketCodec;
import dev.tether.core.PacketCodecs;
import dev.tether.core.RpcRequest;
import dev.tether.core.RpcResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The MessagePack codec alone, on the three packets a server writes most: a CUSTOM packet with a 64-byte
 * {@code byte[]} payload (an echo), the response to a unary call with an {@code Integer} result, and the request
 * {@code add(1, 2)}. Encoding writes into a Netty heap buffer through a {@code ByteBufOutputStream}, as a session
 * does; decoding reads the bytes encoding produced. {@code encodeRecord} writes a CUSTOM packet whose payload is a
 * record, a value the codec leaves to Jackson.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** A payload Jackson writes. */
    public record Reading(String sensor, double value, long at) {}

    private final PacketCodec codec = PacketCodecs.msgpack();
    private final ByteBuf buf = Unpooled.buffer(256);
    private Packet bytesPacket;
    private Packet response;
    private Packet request;
    private Packet record;
    private byte[] encodedBytesPacket;
    private byte[] encodedResponse;
    private byte[] encodedRequest;

    @Setup
    public void setUp() {
        byte[] payload = new byte[64];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        bytesPacket = Packet.custom(payload);
        response = Packet.rpc(RpcResponse.result("b7f3c2e0-1", 3));
        request = Packet.rpc(RpcRequest.of("add", "b7f3c2e0-1", 1, 2));
        record = Packet.custom(new Reading("t-17", 21.5, 1_700_000_000_000L));
        encodedBytesPacket = codec.encode(bytesPacket);
        encodedResponse = codec.encode(response);
        encodedRequest = codec.encode(request);
        if (!Arrays.equals((byte[]) codec.decode(encodedBytesPacket).data(), payload)
                || !response.equals(codec.decode(encodedResponse))
                || !request.equals(codec.decode(encodedRequest))
                || !Map.of("sensor", "t-17", "value", 21.5, "at", 1_700_000_000_000L)
                        .equals(codec.decode(codec.encode(record)).data())) {
            throw new IllegalStateException("a packet does not survive encode and decode");
        }
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public int encodeBytes() {
        return encode(bytesPacket);
    }

    @Benchmark
    public int encodeResponse() {
        return encode(response);
    }

    @Benchmark
    public int encodeRequest() {
        return encode(request);
    }

    @Benchmark
    public int encodeRecord() {
        return encode(record);
    }

    @Benchmark
    public Packet decodeBytes() {
        return codec.decode(encodedBytesPacket);
    }

    @Benchmark
    public Packet decodeResponse() {
        return codec.decode(encodedResponse);
    }

    @Benchmark
    public Packet decodeRequest() {
        return codec.decode(encodedRequest);
    }

    private int encode(Packet packet) {
        buf.clear();
        codec.encode(packet, new ByteBufOutputStream(buf));
        return buf.writerIndex();
    }
}
