package io.smsrouter.core.engine;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Receipt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where the receipts of an account wait on disk once more of them wait than the heap may hold: one
 * append-only file per account, read back from its start in order, emptied (truncated) whenever the
 * reader catches up with the writer.
 *
 * <p>This is a spill area, not a second journal: every receipt here was journaled before it was
 * dispatched, and one that is not journaled as forwarded is dispatched again by recovery. So the
 * files are wiped when the store opens, and nothing here is ever synced to the disk.
 *
 * <p>Callers serialize the calls for one account (the {@link ClientRegistry} holds the account's
 * lock); different accounts may be used from different threads at once.
 */
public final class ReceiptOverflow implements AutoCloseable {
    private static final String SUFFIX = ".waiting";
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final Map<String, Spill> spills = new ConcurrentHashMap<>();

    /** Opens the store in {@code dir}, creating it, and removes what a previous run left there. */
    public ReceiptOverflow(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : (Iterable<Path>) old::iterator) {
                    if (p.getFileName().toString().endsWith(SUFFIX)) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the waiting-receipts directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Appends the receipt to its account's file. */
    public void push(Receipt r) throws IOException {
        spill(r.accountId()).push(encode(r));
    }

    /**
     * Reads up to {@code max} of the account's oldest receipts, in the order they were pushed,
     * handing each to {@code sink}; returns how many.
     */
    public int poll(String accountId, int max, Consumer<Receipt> sink) throws IOException {
        Spill s = spills.get(accountId);
        return s == null ? 0 : s.poll(max, sink);
    }

    /** Receipts of the account waiting on disk. */
    public long count(String accountId) {
        Spill s = spills.get(accountId);
        return s == null ? 0 : s.count;
    }

    /** Bytes on disk for the account (what its file holds, read or not). */
    public long bytes(String accountId) {
        Spill s = spills.get(accountId);
        return s == null ? 0 : s.writePos + s.wbuf.position();
    }

    @Override
    public void close() {
        for (Spill s : spills.values()) {
            s.close();
        }
        spills.clear();
    }

    private Spill spill(String accountId) throws IOException {
        Spill s = spills.get(accountId);
        if (s == null) {
            String name = HexFormat.of().formatHex(accountId.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
            s = new Spill(FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE));
            Spill raced = spills.putIfAbsent(accountId, s);
            if (raced != null) {
                s.close();
                s = raced;
            }
        }
        return s;
    }

    private static final class Spill {
        private final FileChannel ch;
        private final ByteBuffer wbuf = ByteBuffer.allocate(BUFFER);
        private final ByteBuffer rbuf = ByteBuffer.allocate(BUFFER);
        /** File offsets: what was written out, and the first byte not yet read. */
        private long writePos;
        private long readPos;
        private volatile long count;

        Spill(FileChannel ch) {
            this.ch = ch;
        }

        void push(byte[] record) throws IOException {
            if (wbuf.remaining() < 4 + record.length) {
                flush();
            }
            if (wbuf.remaining() < 4 + record.length) {
                ByteBuffer big = ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).flip();
                writeFully(big);
            } else {
                wbuf.putInt(record.length).put(record);
            }
            count++;
        }

        int poll(int max, Consumer<Receipt> sink) throws IOException {
            if (count == 0) {
                return 0;
            }
            flush();
            int n = 0;
            while (n < max && readPos < writePos) {
                rbuf.clear();
                int read = ch.read(rbuf, readPos);
                if (read <= 0) {
                    throw new IOException("waiting-receipts file ends at " + readPos + " before " + writePos);
                }
                rbuf.flip();
                while (n < max && rbuf.remaining() >= 4) {
                    int len = rbuf.getInt(rbuf.position());
                    if (len > rbuf.remaining() - 4) {
                        if (len + 4 > rbuf.capacity()) {
                            // a record longer than the buffer: read it on its own
                            ByteBuffer one = ByteBuffer.allocate(len);
                            readFully(one, readPos + 4);
                            sink.accept(decode(one.flip()));
                            readPos += 4 + len;
                            n++;
                            count--;
                            rbuf.position(rbuf.limit());
                        }
                        break;
                    }
                    rbuf.getInt();
                    ByteBuffer rec = rbuf.slice(rbuf.position(), len);
                    rbuf.position(rbuf.position() + len);
                    sink.accept(decode(rec));
                    readPos += 4 + len;
                    n++;
                    count--;
                }
            }
            if (readPos >= writePos) {
                // all read: start the file again, so it never grows beyond one backlog
                ch.truncate(0);
                readPos = 0;
                writePos = 0;
                count = 0;
            }
            return n;
        }

        private void flush() throws IOException {
            if (wbuf.position() > 0) {
                wbuf.flip();
                writeFully(wbuf);
                wbuf.clear();
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                writePos += ch.write(b, writePos);
            }
        }

        private void readFully(ByteBuffer b, long at) throws IOException {
            while (b.hasRemaining()) {
                int r = ch.read(b, at + b.position());
                if (r < 0) {
                    throw new IOException("waiting-receipts file truncated");
                }
            }
        }

        void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // a spill file: its content is in the journal too
            }
        }
    }

    // ---- record layout ----

    static byte[] encode(Receipt r) {
        byte[] account = r.accountId().getBytes(StandardCharsets.UTF_8);
        byte[] src = r.source().getBytes(StandardCharsets.UTF_8);
        byte[] dst = r.destination().getBytes(StandardCharsets.UTF_8);
        int size = 8 + 4 + account.length + 4 + 4 + src.length + 4 + 4 + dst.length + 1 + 4 + 8 + 8
                + 4 + len(r.textStart()) + 4 + 4 + 4 + len(r.moBody()) + 4 + len(r.moTlvs());
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(r.messageId());
        bytes(b, account);
        b.putShort((short) r.sourceTon()).putShort((short) r.sourceNpi());
        bytes(b, src);
        b.putShort((short) r.destTon()).putShort((short) r.destNpi());
        bytes(b, dst);
        b.put((byte) r.state().ordinal());
        b.putInt(r.errorCode());
        b.putLong(r.submitTimeMs());
        b.putLong(r.doneTimeMs());
        bytes(b, r.textStart());
        b.putInt(r.esmClass());
        b.putInt(r.dataCoding());
        bytes(b, r.moBody());
        bytes(b, r.moTlvs());
        return b.array();
    }

    static Receipt decode(ByteBuffer b) {
        long id = b.getLong();
        String account = string(b);
        int srcTon = b.getShort();
        int srcNpi = b.getShort();
        String src = string(b);
        int dstTon = b.getShort();
        int dstNpi = b.getShort();
        String dst = string(b);
        DeliveryState state = DeliveryState.values()[b.get()];
        int err = b.getInt();
        long submit = b.getLong();
        long done = b.getLong();
        byte[] text = bytes(b);
        int esm = b.getInt();
        int dc = b.getInt();
        byte[] moBody = bytes(b);
        byte[] moTlvs = bytes(b);
        return new Receipt(id, account, srcTon, srcNpi, src, dstTon, dstNpi, dst, state, err, submit, done, text,
                esm, dc, moBody, moTlvs);
    }

    private static int len(byte[] a) {
        return a == null ? 0 : a.length;
    }

    /** A length (-1 for null) and the bytes. */
    private static void bytes(ByteBuffer b, byte[] a) {
        if (a == null) {
            b.putInt(-1);
        } else {
            b.putInt(a.length).put(a);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0) {
            return null;
        }
        byte[] a = new byte[n];
        b.get(a);
        return a;
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }
}
