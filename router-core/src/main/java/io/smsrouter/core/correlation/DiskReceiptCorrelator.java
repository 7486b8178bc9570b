package io.smsrouter.core.correlation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Receipt correlation that outlives the heap: two generations of recent entries on the heap in
 * front of memory-mapped segment files on disk, one segment per hour (or sooner when one fills
 * up), deleted once older than the receipt validity. Receipts that come days late are still
 * matched, and the heap holds only the hot entries.
 *
 * <p>Most receipts come within seconds, so an entry goes to disk only when it leaves the heap
 * without its receipt. Puts go to the young map; every {@code spillAfter / 2}, or when the young
 * map holds half the hot entries, the old map retires, the young one becomes old and a new young
 * one starts. A retired map is written to disk a few entries per put (so no put pays for a whole
 * generation), each entry inside the map's own atomic removal of it: a lookup finds it on the
 * heap or, once it is gone from there, on disk, and a receipt's removal either takes it from the
 * heap or tombstones it on disk. An entry therefore stays on the heap between half of and a little
 * over {@code spillAfter}. (Until 2026-11-27 this was a bounded Caffeine cache; its per-write
 * maintenance was 7% of the CPU at max rate, for plain insert-then-remove traffic.) Entries still
 * on the heap at {@link #close} are written then. After kill -9 those not yet on disk are restored
 * from the journal by recovery, which remains the source of truth.
 *
 * <p>A segment is one sparse file: a header, an open-addressing hash table of {@value #SLOTS}
 * slots (key hash, record offset) and an append-only record area. A lookup that misses the heap
 * probes the segments newest first. One lock guards the segments; a probe is a few memory reads.
 */
public final class DiskReceiptCorrelator implements ReceiptCorrelator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskReceiptCorrelator.class);
    static final int SLOTS = 1 << 20;
    private static final int MAX_LOAD = SLOTS / 10 * 7;
    private static final int HEADER = 64;
    private static final int TABLE = SLOTS * 16;
    private static final int DATA_START = HEADER + TABLE;
    private static final int SEGMENT_BYTES = DATA_START + (256 << 20);
    private static final int MAGIC = 0x52435231; // "RCR1"
    private static final long SEGMENT_MS = Duration.ofHours(1).toMillis();
    private final long segmentMs;
    private static final String PREFIX = "corr-";
    private static final String SUFFIX = ".seg";

    /** Retired entries written to disk per put, at most: more than one, so retiring keeps up. */
    private static final int SPILL_PER_PUT = 8;

    private final Path dir;
    private final long validityMs;
    private final long halfSpillMs;
    private final int generationSize;
    private volatile ConcurrentHashMap<Key, Correlation> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<Key, Correlation> old = new ConcurrentHashMap<>();
    /** Generations on their way to disk, oldest first; read by lookups until written out. */
    private final List<ConcurrentHashMap<Key, Correlation>> retired = new CopyOnWriteArrayList<>();
    private final ReentrantLock rotation = new ReentrantLock();
    private volatile long youngSinceMs = System.currentTimeMillis();
    /** Walks the oldest retired map; only used under {@link #rotation}. */
    private Iterator<Key> spilling;
    private int putsSinceSizeCheck;
    private final List<Segment> segments = new ArrayList<>(); // oldest first
    private boolean closed;

    private record Key(String operatorId, String upstreamId) {
    }

    /** One mapped segment file. Header: magic, count, data end, start time. */
    private static final class Segment {
        final Path file;
        final long startMs;
        final FileChannel channel;
        final MappedByteBuffer map;
        int count;
        int dataEnd;

        Segment(Path file, long startMs, boolean create) throws IOException {
            this.file = file;
            this.startMs = startMs;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SEGMENT_BYTES);
            if (create || map.getInt(0) != MAGIC) {
                map.putInt(0, MAGIC);
                map.putInt(4, 0);
                map.putInt(8, DATA_START);
                map.putLong(12, startMs);
            }
            this.count = map.getInt(4);
            this.dataEnd = map.getInt(8);
        }

        boolean full(int recordBytes) {
            return count >= MAX_LOAD || dataEnd + recordBytes > SEGMENT_BYTES;
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", file, e.getMessage());
            }
        }
    }

    /**
     * @param hotEntries entries kept on the heap (the most recent); the rest are only on disk
     */
    public DiskReceiptCorrelator(Path dir, Duration validity, long hotEntries) {
        this(dir, validity, hotEntries, Duration.ofMinutes(1), SEGMENT_MS);
    }

    DiskReceiptCorrelator(Path dir, Duration validity, long hotEntries, Duration spillAfter, long segmentMs) {
        this.dir = dir;
        this.segmentMs = segmentMs;
        this.validityMs = validity.toMillis();
        this.halfSpillMs = Math.max(1, spillAfter.toMillis() / 2);
        this.generationSize = (int) Math.max(1, Math.min(Integer.MAX_VALUE, hotEntries / 2));
        try {
            Files.createDirectories(dir);
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                        && p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
            }
            for (Path f : files) {
                long start = Long.parseLong(f.getFileName().toString()
                        .substring(PREFIX.length(), f.getFileName().toString().length() - SUFFIX.length()));
                segments.add(new Segment(f, start, false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the receipt correlation store in " + dir, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("a file in " + dir + " looks like a correlation segment but is not", e);
        }
        dropExpired(System.currentTimeMillis());
    }

    @Override
    public void put(String operatorId, String upstreamId, Correlation c) {
        long now = System.currentTimeMillis();
        boolean full = (++putsSinceSizeCheck & 63) == 0 || generationSize < 64
                ? young.size() >= generationSize : false; // a racy counter: only paces the size check
        if (full || now - youngSinceMs >= halfSpillMs || !retired.isEmpty()) {
            maintain(now, full);
        }
        Key key = new Key(operatorId, upstreamId);
        while (true) {
            ConcurrentHashMap<Key, Correlation> m = young;
            m.put(key, c);
            if (m == young || m == old) {
                return; // where lookups look, and it retires only through the spilling of a retired map
            }
            // rotated past while this thread was between its read of young and its put: the map may
            // have been written out and dropped already. Either the spilling took the entry (it is
            // on disk) or it is taken back here and put again.
            if (!m.remove(key, c)) {
                return;
            }
        }
    }

    /** Rotates the generations when due and writes a few retired entries to disk. */
    private void maintain(long now, boolean full) {
        if (!rotation.tryLock()) {
            return; // another thread is at it
        }
        try {
            if (full || now - youngSinceMs >= halfSpillMs) {
                // the young map becomes old, never retired at once: a put that read it just
                // before still lands where lookups look
                retired.add(old);
                old = young;
                young = new ConcurrentHashMap<>();
                youngSinceMs = now;
            }
            spillSome(SPILL_PER_PUT);
        } finally {
            rotation.unlock();
        }
    }

    /** Writes up to {@code n} entries of the oldest retired maps to disk; under {@link #rotation}. */
    private void spillSome(int n) {
        while (n > 0 && !retired.isEmpty()) {
            ConcurrentHashMap<Key, Correlation> m = retired.get(0);
            if (spilling == null) {
                spilling = m.keySet().iterator();
            }
            while (n > 0 && spilling.hasNext()) {
                Key k = spilling.next();
                // inside the map's atomic step: a lookup finds it here until it is on disk
                m.computeIfPresent(k, (key, c) -> {
                    spill(key, c);
                    return null;
                });
                n--;
            }
            if (!spilling.hasNext()) {
                spilling = null;
                if (m.isEmpty()) {
                    retired.remove(0);
                }
            }
        }
    }

    /** The entry on the heap (young, old, then the retired maps), taken out of its map when {@code take}. */
    private Correlation fromHeap(Key k, boolean take) {
        Correlation c = in(young, k, take);
        if (c == null) {
            c = in(old, k, take);
        }
        if (c == null && !retired.isEmpty()) {
            for (ConcurrentHashMap<Key, Correlation> m : retired) {
                c = in(m, k, take);
                if (c != null) {
                    break;
                }
            }
        }
        return c;
    }

    private static Correlation in(ConcurrentHashMap<Key, Correlation> m, Key k, boolean take) {
        return take ? m.remove(k) : m.get(k);
    }

    /** Writes an entry that leaves the heap map to the newest segment, unless it is past the validity. */
    private void spill(Key k, Correlation c) {
        if (c.submitTimeMs() < System.currentTimeMillis() - validityMs) {
            return;
        }
        String operatorId = k.operatorId();
        String upstreamId = k.upstreamId();
        byte[] record = encode(operatorId, upstreamId, c);
        long h = hash(operatorId, upstreamId);
        synchronized (this) {
            if (closed) {
                return;
            }
            Segment s = writable(record.length, System.currentTimeMillis());
            int offset = s.dataEnd;
            s.map.put(offset, record);
            s.dataEnd += record.length;
            int slot = (int) (h & (SLOTS - 1));
            while (s.map.getLong(HEADER + slot * 16) != 0) {
                slot = (slot + 1) & (SLOTS - 1);
            }
            s.map.putLong(HEADER + slot * 16 + 8, offset);
            s.map.putLong(HEADER + slot * 16, h);
            s.count++;
            s.map.putInt(4, s.count);
            s.map.putInt(8, s.dataEnd);
        }
    }

    @Override
    public Correlation get(String operatorId, String upstreamId) {
        long oldest = System.currentTimeMillis() - validityMs;
        Correlation c = fromHeap(new Key(operatorId, upstreamId), false);
        if (c != null) {
            return c.submitTimeMs() < oldest ? null : c;
        }
        long h = hash(operatorId, upstreamId);
        synchronized (this) {
            for (int i = segments.size() - 1; i >= 0; i--) {
                Segment s = segments.get(i);
                int slot = find(s, h, operatorId, upstreamId);
                if (slot >= 0) {
                    long offset = s.map.getLong(HEADER + slot * 16 + 8);
                    c = offset < 0 ? null : decodeCorrelation(s.map, (int) offset);
                    // a tombstone (removed) ends the search: an older copy is older still
                    return c == null || c.submitTimeMs() < oldest ? null : c;
                }
            }
        }
        return null;
    }

    @Override
    public void remove(String operatorId, String upstreamId) {
        if (fromHeap(new Key(operatorId, upstreamId), true) != null) {
            return; // it never went to disk: it leaves the heap only by being written there
        }
        long h = hash(operatorId, upstreamId);
        synchronized (this) {
            for (int i = segments.size() - 1; i >= 0; i--) {
                Segment s = segments.get(i);
                int slot = find(s, h, operatorId, upstreamId);
                if (slot >= 0) {
                    s.map.putLong(HEADER + slot * 16 + 8, -1L);
                    return;
                }
            }
        }
    }

    /** Entries on disk (tombstones included), across segments. */
    @Override
    public synchronized long size() {
        long n = 0;
        for (Segment s : segments) {
            n += s.count;
        }
        return n;
    }

    /** Entries kept on the heap. */
    public long hotSize() {
        long n = young.size() + old.size();
        for (ConcurrentHashMap<Key, Correlation> m : retired) {
            n += m.size();
        }
        return n;
    }

    synchronized int segmentCount() {
        return segments.size();
    }

    /**
     * Writes what is still on the heap to disk and closes the segments. The heap maps are touched
     * outside the segments' lock: a spill takes it from inside a map's atomic step.
     */
    @Override
    public void close() {
        rotation.lock();
        try {
            retired.add(old);
            retired.add(young);
            old = new ConcurrentHashMap<>();
            young = new ConcurrentHashMap<>();
            spilling = null;
            spillSome(Integer.MAX_VALUE);
        } finally {
            rotation.unlock();
        }
        synchronized (this) {
            closed = true;
            for (Segment s : segments) {
                s.map.force();
                s.close();
            }
            segments.clear();
        }
    }

    /** The slot of this key in the segment, or -1. */
    private static int find(Segment s, long h, String operatorId, String upstreamId) {
        int slot = (int) (h & (SLOTS - 1));
        for (int probes = 0; probes < SLOTS; probes++) {
            long tag = s.map.getLong(HEADER + slot * 16);
            if (tag == 0) {
                return -1;
            }
            if (tag == h) {
                long offset = s.map.getLong(HEADER + slot * 16 + 8);
                int at = offset >= 0 ? (int) offset : -1;
                if (at < 0 || keyEquals(s.map, at, operatorId, upstreamId)) {
                    // a tombstone has lost its record offset: the hash alone decides (64 bits)
                    return slot;
                }
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
        return -1;
    }

    private Segment writable(int recordBytes, long now) {
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last != null && now - last.startMs < segmentMs && !last.full(recordBytes)) {
            return last;
        }
        dropExpired(now);
        long start = last != null && now <= last.startMs ? last.startMs + 1 : now;
        Path f = dir.resolve(String.format("%s%015d%s", PREFIX, start, SUFFIX));
        try {
            Segment s = new Segment(f, start, true);
            segments.add(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + f, e);
        }
    }

    /** Deletes segments whose newest possible entry is past the validity. */
    private synchronized void dropExpired(long now) {
        while (segments.size() > 1) {
            Segment oldest = segments.get(0);
            Segment next = segments.get(1);
            // every entry of a segment was written before the next one started
            if (next.startMs >= now - validityMs) {
                return;
            }
            segments.remove(0);
            oldest.close();
            try {
                Files.deleteIfExists(oldest.file);
            } catch (IOException e) {
                log.warn("cannot delete the expired correlation segment {}: {}", oldest.file, e.getMessage());
            }
        }
    }

    static long hash(String operatorId, String upstreamId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < operatorId.length(); i++) {
            h = (h ^ operatorId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ 0xFFFF) * 0x100000001b3L;
        for (int i = 0; i < upstreamId.length(); i++) {
            h = (h ^ upstreamId.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 29;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    // record: int length, key (operator, upstream id), then the correlation's fields

    private static byte[] encode(String operatorId, String upstreamId, Correlation c) {
        byte[] op = operatorId.getBytes(StandardCharsets.UTF_8);
        byte[] up = upstreamId.getBytes(StandardCharsets.UTF_8);
        byte[] acc = c.accountId().getBytes(StandardCharsets.UTF_8);
        byte[] src = c.source().getBytes(StandardCharsets.UTF_8);
        byte[] dst = c.destination().getBytes(StandardCharsets.UTF_8);
        byte[] text = c.textStart();
        int len = 4 + 2 + op.length + 2 + up.length + 8 + 2 + acc.length + 2 + 2 + src.length + 2 + 2 + dst.length
                + 1 + 8 + 2 + text.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(len);
        b.putInt(len);
        putBytes(b, op);
        putBytes(b, up);
        b.putLong(c.messageId());
        putBytes(b, acc);
        b.put((byte) c.sourceTon()).put((byte) c.sourceNpi());
        putBytes(b, src);
        b.put((byte) c.destTon()).put((byte) c.destNpi());
        putBytes(b, dst);
        b.put((byte) c.registeredDelivery());
        b.putLong(c.submitTimeMs());
        putBytes(b, text);
        return b.array();
    }

    private static void putBytes(java.nio.ByteBuffer b, byte[] v) {
        b.putShort((short) v.length);
        b.put(v);
    }

    private static boolean keyEquals(MappedByteBuffer m, int at, String operatorId, String upstreamId) {
        java.nio.ByteBuffer b = m.duplicate();
        b.position(at + 4);
        return getString(b).equals(operatorId) && getString(b).equals(upstreamId);
    }

    private static Correlation decodeCorrelation(MappedByteBuffer m, int at) {
        java.nio.ByteBuffer b = m.duplicate();
        b.position(at + 4);
        getString(b);
        getString(b);
        long messageId = b.getLong();
        String account = getString(b);
        int sTon = b.get() & 0xFF;
        int sNpi = b.get() & 0xFF;
        String source = getString(b);
        int dTon = b.get() & 0xFF;
        int dNpi = b.get() & 0xFF;
        String destination = getString(b);
        int registeredDelivery = b.get() & 0xFF;
        long submitTimeMs = b.getLong();
        byte[] text = new byte[b.getShort() & 0xFFFF];
        b.get(text);
        return new Correlation(messageId, account, sTon, sNpi, source, dTon, dNpi, destination, registeredDelivery,
                submitTimeMs, text);
    }

    private static String getString(java.nio.ByteBuffer b) {
        byte[] v = new byte[b.getShort() & 0xFFFF];
        b.get(v);
        return new String(v, StandardCharsets.UTF_8);
    }
}
