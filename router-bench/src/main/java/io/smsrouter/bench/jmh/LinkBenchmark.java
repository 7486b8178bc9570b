package io.smsrouter.bench.jmh;

import io.smsrouter.core.campaign.LinkCodes;
import io.smsrouter.core.campaign.LinkText;
import io.smsrouter.core.campaign.Utm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tracked short links (issue 13): what a campaign pays per recipient to put short links in its
 * text, and what the redirect pays per click to find the link again.
 *
 * <ul>
 *   <li>{@code code}: {@link LinkCodes#code} of consecutive numbers (a campaign's recipients): the
 *       6-round keyed Feistel permutation and base 62, one 7-character String;
 *   <li>{@code number}: {@link LinkCodes#number} of 256 different codes in turn: base 62 back and the
 *       inverse permutation, the redirect's lookup; allocates nothing;
 *   <li>{@code numberOfBadCode}: a 7-character string of the right alphabet above 2^40, refused
 *       before the permutation (the cheap half of a guessing attack);
 *   <li>{@code shorten}: {@link LinkText#shorten} of a 134-character Russian promo text with two
 *       links (an https one with a query and a bare www. one), each replaced by a code computed
 *       for this recipient;
 *   <li>{@code withUtm}: {@link Utm#withUtm} of a URL with a query and a fragment (the redirect's
 *       target when the resolver builds it per click);
 *   <li>{@code storedMapBaseline}: a {@code HashMap<String, Long>} lookup of a code, what a stored
 *       code table would cost per click instead of {@code number} (here for 256 entries; a table of
 *       millions also misses the caches).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.OPENS_REFLECT, JvmFlags.EXPORTS_NIO, JvmFlags.OPENS_LANG,
        JvmFlags.EXPORTS_JAVAC, JvmFlags.EXPORTS_REF, JvmFlags.NO_ANALYTICS, JvmFlags.NO_ANNOUNCER})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class LinkBenchmark {
    static final String TEXT = "Весна в Shop: скидки до 50% на обувь https://shop.example.com/sale/shoes?id=42 "
            + "и подарок к заказу www.shop.example.com/gift. До 31.03!";
    static final String SHORT_BASE = "https://s.shop.example/l";
    private static final int CODES = 256;
    private static final long BASE = 3_000_000_000L;

    private final LinkCodes codes = new LinkCodes("benchmark key, thirty-two bytes!".getBytes());
    private final String[] known = new String[CODES];
    private final Map<String, Long> stored = new HashMap<>();
    private long next = BASE;
    private int i;

    @Setup
    public void setUp() {
        for (int k = 0; k < CODES; k++) {
            known[k] = codes.code(BASE + k * 7919L);
            stored.put(known[k], BASE + k * 7919L);
        }
        if (LinkText.urls(TEXT).size() != 2) {
            throw new IllegalStateException("the text should hold two links: " + LinkText.urls(TEXT));
        }
    }

    @Benchmark
    public String code() {
        return codes.code(next++ & (LinkCodes.LIMIT - 1));
    }

    @Benchmark
    public long number() {
        return codes.number(known[i++ & (CODES - 1)]);
    }

    @Benchmark
    public long numberOfBadCode() {
        return codes.number("zzzzzzz");
    }

    @Benchmark
    public LinkText.Shortened shorten() {
        long recipientBase = (next++ & 0xFFFF_FFFFL) * 2;
        return LinkText.shorten(TEXT, SHORT_BASE, l -> codes.code(recipientBase + l));
    }

    @Benchmark
    public String withUtm() {
        return Utm.withUtm("https://shop.example.com/sale/shoes?id=42#sizes", "Весна 2026", "A");
    }

    @Benchmark
    public Long storedMapBaseline() {
        return stored.get(known[i++ & (CODES - 1)]);
    }
}
