package dev.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ManualClock;
import dev.tether.server.TetherServer;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How client addresses are grouped, counted, forgotten and bounded. */
class AddressLimitsTest {
    private final ManualClock clock = new ManualClock();

    private AddressLimits limits(int connections, int rate, int burst) {
        AddressLimits limits = AddressLimits.of(TetherServer.builder()
                .clock(clock)
                .perIpLimits(connections, rate, burst)
                .config());
        assertThat(limits).isNotNull();
        return limits;
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void anIpv6SlashSixtyFourIsOneAddressAndAnIpv4AddressIsItself() throws Exception {
        AddressLimits limits = limits(2, 0, 1);

        AddressLimits.Entry a = limits.opened(ip("2001:db8:1:2::1"));
        AddressLimits.Entry b = limits.opened(ip("2001:db8:1:2:ffff::9"));
        AddressLimits.Entry other = limits.opened(ip("2001:db8:1:3::1"));
        AddressLimits.Entry v4 = limits.opened(ip("192.0.2.7"));

        assertThat(a).isSameAs(b);
        assertThat(other).isNotSameAs(a);
        assertThat(v4).isNotSameAs(a).isNotSameAs(other);
        assertThat(limits.connectionsRetryAfter(a)).isZero();
        assertThat(limits.opened(ip("2001:db8:1:2::3"))).isSameAs(a);
        assertThat(limits.connectionsRetryAfter(a))
                .as("three from one /64, limit 2")
                .isEqualTo(10);
    }

    @Test
    void loopbackIsExemptUnlessAsked() throws Exception {
        assertThat(limits(1, 1, 1).opened(InetAddress.getLoopbackAddress())).isNull();
        AddressLimits strict = AddressLimits.of(
                TetherServer.builder().perIpLimits(1, 1, 1).limitLoopback(true).config());
        assertThat(strict.opened(InetAddress.getLoopbackAddress())).isNotNull();
        assertThat(AddressLimits.of(TetherServer.builder().perIpLimits(0, 0, 1).config()))
                .isNull();
    }

    @Test
    void theHandshakeBucketRefillsAtItsRateUpToItsBurst() throws Exception {
        AddressLimits limits = limits(0, 2, 3);
        AddressLimits.Entry entry = limits.opened(ip("192.0.2.1"));

        for (int i = 0; i < 3; i++) {
            assertThat(limits.handshakeRetryAfter(entry)).isZero();
        }
        assertThat(limits.handshakeRetryAfter(entry)).isEqualTo(1);
        clock.advance(Duration.ofMillis(500)); // one token at 2 per second
        assertThat(limits.handshakeRetryAfter(entry)).isZero();
        assertThat(limits.handshakeRetryAfter(entry)).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertThat(limits.handshakeRetryAfter(entry))
                    .as("never more than the burst")
                    .isZero();
        }
        assertThat(limits.handshakeRetryAfter(entry)).isEqualTo(1);
    }

    @Test
    void aFullTableForgetsIdleAddressesThenPutsNewOnesInOneSharedEntry() throws Exception {
        AddressLimits limits = limits(5, 1, 1);
        AddressLimits.Entry busy = null;
        for (int i = 0; i < AddressLimits.MAX_ADDRESSES; i++) {
            AddressLimits.Entry entry = limits.opened(
                    InetAddress.getByAddress(new byte[] {(byte) 10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
            limits.handshakeRetryAfter(entry); // its bucket is not full: it is remembered while it refills
            limits.closed(entry);
            if (i == 0) {
                busy = limits.opened(InetAddress.getByAddress(new byte[] {10, 0, 0, 0}));
            }
        }
        assertThat(limits.size()).isEqualTo(AddressLimits.MAX_ADDRESSES);

        AddressLimits.Entry first = limits.opened(ip("198.51.100.1"));
        AddressLimits.Entry second = limits.opened(ip("198.51.100.2"));
        assertThat(first).as("full of remembered addresses: new ones share").isSameAs(second);

        clock.advance(Duration.ofSeconds(1)); // every bucket full again: idle addresses may be forgotten
        AddressLimits.Entry third = limits.opened(ip("198.51.100.3"));

        assertThat(third).isNotSameAs(first);
        assertThat(limits.size())
                .as("only the address with a connection and the new one are left")
                .isEqualTo(2);
        assertThat(limits.opened(InetAddress.getByAddress(new byte[] {10, 0, 0, 0})))
                .isSameAs(busy);
    }
}
