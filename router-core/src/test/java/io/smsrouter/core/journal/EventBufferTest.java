package io.smsrouter.core.journal;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The journal's own encoder writes exactly the bytes Chronicle Bytes writes for the same calls
 * (the journal's files were written by Chronicle before, and are read by it), and Chronicle reads
 * them back to the same values: random numbers of every size and sign, and strings of ASCII,
 * Latin-1, Cyrillic, CJK, emoji (surrogate pairs), lone surrogates, NUL and null.
 */
class EventBufferTest {

    private static String randomString(Random r) {
        int kind = r.nextInt(8);
        if (kind == 0) {
            return null;
        }
        int n = r.nextInt(kind == 1 ? 300 : 40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case 2 -> sb.append((char) (0x20 + r.nextInt(0x5F)));
                case 3 -> sb.append((char) r.nextInt(0x100));
                case 4 -> sb.append((char) (0x400 + r.nextInt(0x100)));
                case 5 -> sb.appendCodePoint(0x1F600 + r.nextInt(0x50)); // emoji: two chars each
                case 6 -> sb.append((char) r.nextInt(0x10000)); // anything, lone surrogates too
                default -> sb.append(r.nextBoolean() ? 'a' : (char) (0x4E00 + r.nextInt(0x5000)));
            }
        }
        return sb.toString();
    }

    private static long randomLong(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextInt(128);
            case 1 -> r.nextInt(1 << 14);
            case 2 -> -1 - r.nextInt(200);
            case 3 -> r.nextLong() >>> r.nextInt(64);
            case 4 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            default -> r.nextLong();
        };
    }

    @Test
    void shouldWriteWhatChronicleWritesAndReadsBack() {
        Random r = new Random(27);
        for (int round = 0; round < 2000; round++) {
            EventBuffer ours = new EventBuffer(16);
            Bytes<?> theirs = Bytes.allocateElasticOnHeap(64);
            List<Object> written = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int what = r.nextInt(7);
                written.add(what);
                switch (what) {
                    case 0 -> {
                        String s = randomString(r);
                        ours.writeUtf8(s);
                        theirs.writeUtf8(s);
                        written.add(s);
                    }
                    case 1 -> {
                        long v = randomLong(r);
                        ours.writeStopBit(v);
                        theirs.writeStopBit(v);
                        written.add(v);
                    }
                    case 2 -> {
                        long v = r.nextLong();
                        ours.writeLong(v);
                        theirs.writeLong(v);
                        written.add(v);
                    }
                    case 3 -> {
                        int v = r.nextInt();
                        ours.writeInt(v);
                        theirs.writeInt(v);
                        written.add(v);
                    }
                    case 4 -> {
                        int v = r.nextInt(256);
                        ours.writeUnsignedByte(v);
                        theirs.writeUnsignedByte(v);
                        written.add(v);
                    }
                    case 5 -> {
                        boolean v = r.nextBoolean();
                        ours.writeBoolean(v);
                        theirs.writeBoolean(v);
                        written.add(v);
                    }
                    default -> {
                        byte[] v = new byte[r.nextInt(20)];
                        r.nextBytes(v);
                        ours.write(v);
                        theirs.write(v);
                        written.add(v);
                    }
                }
            }
            byte[] expected = theirs.toByteArray();
            assertThat(Arrays.copyOf(ours.array(), ours.size())).as("round %d: %s", round, written)
                    .isEqualTo(expected);
            Bytes<?> read = Bytes.wrapForRead(Arrays.copyOf(ours.array(), ours.size()));
            for (int i = 0; i < written.size(); i += 2) {
                Object v = written.get(i + 1);
                switch ((int) written.get(i)) {
                    case 0 -> assertThat(read.readUtf8()).isEqualTo(v);
                    case 1 -> assertThat(read.readStopBit()).isEqualTo(v);
                    case 2 -> assertThat(read.readLong()).isEqualTo(v);
                    case 3 -> assertThat(read.readInt()).isEqualTo(v);
                    case 4 -> assertThat(read.readUnsignedByte()).isEqualTo(v);
                    case 5 -> assertThat(read.readBoolean()).isEqualTo(v);
                    default -> {
                        byte[] got = new byte[((byte[]) v).length];
                        read.read(got);
                        assertThat(got).isEqualTo(v);
                    }
                }
            }
            assertThat(read.readRemaining()).isZero();
        }
    }

    @Test
    void shouldGrowAndTruncate() {
        EventBuffer b = new EventBuffer(16);
        b.writeUtf8("x".repeat(1000)).writeLong(7);
        assertThat(b.size()).isEqualTo(2 + 1000 + 8);
        b.truncate(2);
        assertThat(b.size()).isEqualTo(2);
        assertThatThrownBy(() -> b.truncate(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.writeUnsignedByte(256)).isInstanceOf(IllegalArgumentException.class);
        b.clear();
        assertThat(b.size()).isZero();
    }
}
