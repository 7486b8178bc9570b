package io.smsrouter.core.campaign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkCodesTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private final LinkCodes codes = new LinkCodes(KEY);

    @Test
    void shouldComputeSipHash24AsTheReferenceVectors() {
        // SipHash-2-4 paper, appendix A: key 00..0f, message 00..07
        assertThat(LinkCodes.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0x0706050403020100L))
                .isEqualTo(0x93f5f5799a932462L);
    }

    @Test
    void shouldBeABijectionOnAReducedWidthCheckedExhaustively() {
        for (int bits : new int[] {2, 8, 16, 20}) {
            LinkCodes small = new LinkCodes(KEY, bits);
            int size = 1 << bits;
            BitSet seen = new BitSet(size);
            for (long n = 0; n < size; n++) {
                long v = small.permute(n);
                assertThat(v).isBetween(0L, size - 1L);
                assertThat(seen.get((int) v)).as("%d bits: %d maps onto a value already taken", bits, n).isFalse();
                seen.set((int) v);
                assertThat(small.unpermute(v)).isEqualTo(n);
            }
            assertThat(seen.cardinality()).isEqualTo(size);
        }
    }

    @Test
    void shouldRoundTripEveryNumberThroughItsSevenCharacterCode() {
        Random rnd = new Random(7);
        List<Long> samples = new ArrayList<>(List.of(0L, 1L, 2L, LinkCodes.LIMIT - 1, LinkCodes.LIMIT - 2,
                1L << 20, (1L << 20) - 1, 1L << 39));
        for (int i = 0; i < 200_000; i++) {
            samples.add(rnd.nextLong() & (LinkCodes.LIMIT - 1));
        }
        for (long n : samples) {
            String c = codes.code(n);
            assertThat(c).hasSize(7).matches("[0-9A-Za-z]{7}");
            assertThat(codes.number(c)).as("code %s of %d", c, n).isEqualTo(n);
            assertThat(codes.number(new StringBuilder(c))).isEqualTo(n);
        }
    }

    @Test
    void shouldGiveConsecutiveNumbersUnrelatedCodes() {
        int count = 10_000;
        String[] c = new String[count];
        for (int i = 0; i < count; i++) {
            c[i] = codes.code(5_000_000L + i);
        }
        int ascending = 0;
        int samePrefix2 = 0;
        long bitsChanged = 0;
        for (int i = 1; i < count; i++) {
            if (c[i].compareTo(c[i - 1]) > 0) {
                ascending++;
            }
            if (c[i].regionMatches(0, c[i - 1], 0, 2)) {
                samePrefix2++;
            }
            bitsChanged += Long.bitCount(codes.permute(5_000_000L + i) ^ codes.permute(5_000_000L + i - 1));
        }
        // sorted like the numbers would be ~100% ascending; random order is ~50%
        assertThat(ascending).isBetween(count * 45 / 100, count * 55 / 100);
        // two leading characters repeat for 1 in 20 * 62 random pairs
        assertThat(samePrefix2).isLessThan(count / 100);
        // a good permutation flips about half of the 40 bits between neighbours
        assertThat(bitsChanged / (double) (count - 1)).isBetween(18.0, 22.0);
        // every position varies: no fixed padding or counter visible
        for (int pos = 0; pos < 7; pos++) {
            int p = pos;
            assertThat(java.util.Arrays.stream(c).map(s -> s.charAt(p)).distinct().count())
                    .as("distinct characters at position %d", pos).isGreaterThanOrEqualTo(pos == 0 ? 15 : 60);
        }
    }

    @Test
    void shouldDependOnTheKey() {
        LinkCodes other = new LinkCodes("another key of 16+ bytes".getBytes());
        int same = 0;
        for (long n = 0; n < 1000; n++) {
            if (codes.code(n).equals(other.code(n))) {
                same++;
            }
        }
        assertThat(same).isZero();
        assertThat(new LinkCodes(KEY.clone()).code(12345)).isEqualTo(codes.code(12345));
    }

    @Test
    void shouldRejectWhatIsNotACode() {
        assertThat(codes.number(null)).isEqualTo(-1);
        assertThat(codes.number("")).isEqualTo(-1);
        assertThat(codes.number("abc123")).isEqualTo(-1);
        assertThat(codes.number("abc12345")).isEqualTo(-1);
        assertThat(codes.number("abc-123")).isEqualTo(-1);
        assertThat(codes.number("abc 123")).isEqualTo(-1);
        assertThat(codes.number("abcé123")).isEqualTo(-1);
        assertThat(codes.number("abc\u0000123")).isEqualTo(-1);
        assertThat(codes.number("abc%41123")).isEqualTo(-1);
        // base 62 of 2^40 and above: right shape, no number
        assertThat(codes.number("zzzzzzz")).isEqualTo(-1);
        assertThat(codes.number("K000000")).isEqualTo(-1); // 20 * 62^6 > 2^40
        assertThat(codes.number("J000000")).isNotEqualTo(-1); // 19 * 62^6 < 2^40
        assertThat(LinkCodes.looksLikeCode("aZ09xY1")).isTrue();
        assertThat(LinkCodes.looksLikeCode("aZ09xY")).isFalse();
        assertThat(LinkCodes.looksLikeCode("aZ09x.1")).isFalse();
    }

    @Test
    void shouldRefuseNumbersOutOfRangeAndShortKeys() {
        assertThatThrownBy(() -> codes.code(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codes.code(LinkCodes.LIMIT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinkCodes(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> new LinkCodes(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCreateAPrivateKeyFileOnceAndReadItAfter(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/link-codes.key");
        LinkCodes first = LinkCodes.loadOrCreate(file);
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temporary file left
        byte[] key = Files.readAllBytes(file);
        LinkCodes again = LinkCodes.loadOrCreate(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(key);
        assertThat(again.code(42)).isEqualTo(first.code(42));
        assertThat(new LinkCodes(key).code(42)).isEqualTo(first.code(42));
        assertThat(first.toString()).doesNotContain(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));

        Path other = dir.resolve("other.key");
        assertThat(LinkCodes.loadOrCreate(other).code(42)).isNotEqualTo(first.code(42));
    }

    @Test
    void shouldRefuseAKeyFileOfTheWrongSize(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short.key");
        Files.write(file, new byte[10]);
        assertThatThrownBy(() -> LinkCodes.loadOrCreate(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("expected 32");
        assertThat(Files.size(file)).isEqualTo(10); // left alone: it may be a key of links already sent
    }
}
