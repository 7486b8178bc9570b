package io.smsrouter.core.account;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FailureLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final FailureLimiter limiter = new FailureLimiter(LoggerFactory.getLogger(FailureLimiterTest.class),
            "failed test binds", "test.limit", 3, now::get);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void shouldBlockAnAddressForTheRestOfItsWindowOnceItReachesTheLimit() throws Exception {
        InetAddress a = ip("127.0.0.2");
        assertThat(limiter.blockedForMs(a)).isZero();
        assertThat(limiter.recordFailure(a, "x")).isEqualTo(1);
        assertThat(limiter.recordFailure(a, "x")).isEqualTo(2);
        assertThat(limiter.blockedForMs(a)).isZero();
        now.addAndGet(10_000);
        assertThat(limiter.recordFailure(a, "x")).isEqualTo(3);
        assertThat(limiter.blockedForMs(a)).isEqualTo(50_000);
        now.addAndGet(49_999);
        assertThat(limiter.blockedForMs(a)).isEqualTo(1);
        now.addAndGet(1);
        assertThat(limiter.blockedForMs(a)).isZero();
        // a new window starts with the next failure
        assertThat(limiter.recordFailure(a, "x")).isEqualTo(1);
        assertThat(limiter.blockedForMs(a)).isZero();
    }

    @Test
    void shouldNotBlockOtherAddresses() throws Exception {
        for (int i = 0; i < 5; i++) {
            limiter.recordFailure(ip("127.0.0.2"), "x");
        }
        assertThat(limiter.blockedForMs(ip("127.0.0.2"))).isPositive();
        assertThat(limiter.blockedForMs(ip("127.0.0.1"))).isZero();
        assertThat(limiter.blockedForMs(ip("::1"))).isZero();
    }

    @Test
    void shouldCountAnIpv6Slash64AsOneAddress() throws Exception {
        limiter.recordFailure(ip("2001:db8::1"), "x");
        limiter.recordFailure(ip("2001:db8::2"), "x");
        limiter.recordFailure(ip("2001:db8::3"), "x");
        assertThat(limiter.blockedForMs(ip("2001:db8::99"))).isPositive();
        assertThat(limiter.blockedForMs(ip("2001:db8:0:1::1"))).isZero();
    }

    @Test
    void shouldNeverBlockWhenTheLimitIsZero() throws Exception {
        FailureLimiter off = new FailureLimiter(LoggerFactory.getLogger(FailureLimiterTest.class), "x", "k", 0, now::get);
        for (int i = 0; i < 100; i++) {
            off.recordFailure(ip("127.0.0.2"), "x");
        }
        assertThat(off.blockedForMs(ip("127.0.0.2"))).isZero();
    }

    @Test
    void shouldForgetEndedWindowsOnSweep() throws Exception {
        limiter.recordFailure(ip("127.0.0.2"), "x");
        limiter.recordFailure(ip("127.0.0.3"), "x");
        now.addAndGet(30_000);
        limiter.recordFailure(ip("127.0.0.4"), "x");
        now.addAndGet(30_000);
        limiter.sweep();
        assertThat(limiter.tracked()).isEqualTo(1);
    }
}
