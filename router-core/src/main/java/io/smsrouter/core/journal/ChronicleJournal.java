package io.smsrouter.core.journal;

import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Path;

/**
 * {@link Journal} on Chronicle Queue: memory-mapped files, so an appended event survives kill -9 of
 * the process as soon as the append returns; with {@code syncEachBatch} the pages are msync'ed too,
 * which also survives power loss.
 *
 * <p>Events are fixed binary layouts (type byte, then fields), not method-writer proxies: ten
 * times faster here (shared/DEPS.md). They are encoded into the writing thread's {@link
 * EventBuffer} and copied into the excerpt in one piece. Appenders are single-threaded, so each
 * writing thread gets its own.
 */
public final class ChronicleJournal implements Journal {
    private static final byte ACCEPTED = 1;
    private static final byte SUBMITTED = 2;
    private static final byte FAILED = 3;
    private static final byte RECEIPT = 4;
    private static final byte RECEIPT_FORWARDED = 5;
    private static final byte HELD = 6;
    private static final byte MODERATED = 7;
    private static final byte PROBE = 8;
    private static final byte REQUEUED = 9;
    private static final byte NOTED = 10;
    private static final byte OPT_OUT = 11;
    private static final byte LEDGER = 12;
    private static final byte MO = 13;
    private static final byte ORPHAN_RECEIPT = 14;
    private static final byte CONSENT = 15;
    /** Sums of the ledger events of deleted files (see {@link #deleteCyclesEndingBefore}). */
    static final String LEDGER_BASE = "ledger.base";
    private static final int LEDGER_BASE_MAGIC = 0x4C454447; // "LEDG"

    private final SingleChronicleQueue queue;
    private final boolean syncEachBatch;
    private final ThreadLocal<WriterState> writers;

    /**
     * A writing thread's appender, and its batch: events are encoded into the thread's buffer;
     * outside a batch each is appended as its own excerpt at once, inside one they wait for
     * {@link #endBatch}, which appends them all as one excerpt, so a read batch of N messages takes
     * the queue's write lock once instead of N times. An event whose encoding failed half way is
     * dropped whole at the next one (or at the batch's end), never appended in part.
     */
    private final class WriterState {
        final ExcerptAppender appender = queue.createAppender();
        final EventBuffer buffer = new EventBuffer(8192);
        int batchDepth;
        /** Where the event being encoded began, while one is (between begin and end). */
        int eventStart = -1;

        EventBuffer begin() {
            dropUnfinished();
            if (batchDepth == 0) {
                buffer.clear();
            }
            eventStart = buffer.size();
            return buffer;
        }

        void end() {
            eventStart = -1;
            if (batchDepth == 0) {
                append();
            }
        }

        void dropUnfinished() {
            if (eventStart >= 0) {
                buffer.truncate(eventStart);
                eventStart = -1;
            }
        }

        /** The buffer as one excerpt: one copy from its array into the mapped file. */
        void append() {
            if (buffer.size() == 0) {
                return;
            }
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().write(buffer.array(), 0, buffer.size());
            } finally {
                buffer.clear();
            }
            if (syncEachBatch) {
                appender.sync();
            }
        }
    }

    /**
     * @param syncEachBatch msync the queue file after each excerpt (a batch, or an event written
     *                      outside one), before the caller makes it visible. The builder's
     *                      {@code syncMode(SYNC)} alone was seen not to: 4 msync calls for 2,000
     *                      appends under strace, so the sync is explicit ({@code appender.sync()}).
     */
    public ChronicleJournal(Path dir, String rollCycle, boolean syncEachBatch) {
        this(dir, rollCycle, syncEachBatch, null);
    }

    /** With the queue's clock given (tests of roll cycles and retention); null: the system clock. */
    public ChronicleJournal(Path dir, String rollCycle, boolean syncEachBatch,
                            net.openhft.chronicle.core.time.TimeProvider clock) {
        SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(rollCycle(rollCycle));
        if (clock != null) {
            builder.timeProvider(clock);
        }
        if (syncEachBatch) {
            builder.syncMode(SyncMode.SYNC);
        }
        this.queue = builder.build();
        this.syncEachBatch = syncEachBatch;
        this.writers = ThreadLocal.withInitial(WriterState::new);
    }

    private ChronicleJournal(SingleChronicleQueue queue) {
        this.queue = queue;
        this.syncEachBatch = false;
        this.writers = ThreadLocal.withInitial(WriterState::new);
    }

    /**
     * Opens an existing journal for reading only ({@link #replay}, {@link #follow}), for tools that
     * look at the journal of a router that may be running: nothing is created or changed in
     * {@code dir}, and the roll cycle is the one the queue was written with. Appending to it
     * fails.
     *
     * @throws IllegalArgumentException when {@code dir} does not exist, is not a directory, or
     *                                  holds no Chronicle Queue files; the message names it
     */
    public static ChronicleJournal openReadOnly(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " does not exist");
        }
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        boolean queueFiles;
        boolean empty;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            java.util.List<String> names = files.map(f -> f.getFileName().toString()).toList();
            empty = names.isEmpty();
            queueFiles = names.stream().anyMatch(n -> n.endsWith(".cq4") || n.endsWith(".cq4t"));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(dir + " cannot be listed: " + e.getMessage(), e);
        }
        if (empty) {
            throw new IllegalArgumentException(dir + " is empty: no journal there");
        }
        if (!queueFiles) {
            throw new IllegalArgumentException(dir + " is not a journal: no Chronicle Queue files (*.cq4, *.cq4t)");
        }
        return new ChronicleJournal(SingleChronicleQueueBuilder.binary(dir).readOnly(true).build());
    }

    /**
     * Deletes the queue files of whole roll cycles that ended at or before {@code epochMs}, never
     * the current cycle's, and returns how many. The caller must first make sure nothing it still
     * needs lives only in them (see {@code Engine.carryForward}); the sums of their ledger events
     * are kept here, in {@value #LEDGER_BASE} (written and forced to disk before any file goes).
     */
    public int deleteCyclesEndingBefore(long epochMs) {
        RollCycle rc = queue.rollCycle();
        long length = rc.lengthInMillis();
        int current = queue.cycle();
        int first = queue.firstCycle();
        if (first == Integer.MAX_VALUE || first >= current) {
            return 0;
        }
        java.time.format.DateTimeFormatter names = java.time.format.DateTimeFormatter.ofPattern(rc.format())
                .withZone(java.time.ZoneOffset.UTC);
        java.nio.file.Path dir = java.nio.file.Path.of(queue.fileAbsolutePath());
        int last = first - 1;
        for (int c = first; c < current && (c + 1L) * length + queue.epoch() <= epochMs; c++) {
            last = c;
        }
        if (last < first) {
            return 0;
        }
        foldLedger(last); // the money moved in these files outlives them
        int deleted = 0;
        for (int c = first; c < current; c++) {
            long end = (c + 1L) * length + queue.epoch();
            if (end > epochMs) {
                break;
            }
            java.nio.file.Path f = dir.resolve(names.format(java.time.Instant.ofEpochMilli(c * length + queue.epoch()))
                    + SingleChronicleQueue.SUFFIX);
            try {
                if (java.nio.file.Files.deleteIfExists(f)) {
                    deleted++;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot delete old journal file " + f, e);
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** True when some file holds a whole roll cycle that ended at or before {@code epochMs} (not the current one). */
    public boolean hasCyclesEndingBefore(long epochMs) {
        int first = queue.firstCycle();
        return first != Integer.MAX_VALUE && first < queue.cycle()
                && (first + 1L) * queue.rollCycle().lengthInMillis() + queue.epoch() <= epochMs;
    }

    /** Length of one roll cycle (one queue file), in milliseconds. */
    public long cycleMillis() {
        return queue.rollCycle().lengthInMillis();
    }

    static RollCycle rollCycle(String name) {
        return switch (name == null ? "HOURLY" : name) {
            case "MINUTELY" -> LegacyRollCycles.MINUTELY;
            case "DAILY" -> LegacyRollCycles.DAILY;
            default -> LegacyRollCycles.HOURLY;
        };
    }

    @Override
    public void accepted(Message m, String operatorId) {
        writeMessage(ACCEPTED, m, operatorId);
    }

    @Override
    public void held(Message m, String operatorId) {
        writeMessage(HELD, m, operatorId);
    }

    @Override
    public void moderated(long messageId, int verdict, long atMs, String moderator, String reason) {
        WriterState w = writers.get();
        encodeModerated(w.begin(), messageId, verdict, atMs, moderator, reason);
        w.end();
    }

    /** The layout of a {@link #moderated} event (also in checkpoint files). */
    public static void encodeModerated(EventBuffer b, long messageId, int verdict, long atMs, String moderator,
                                       String reason) {
        b.writeByte(MODERATED);
        b.writeLong(messageId);
        b.writeUnsignedByte(verdict);
        b.writeLong(atMs);
        b.writeUtf8(moderator);
        b.writeUtf8(reason);
    }

    private void writeMessage(byte type, Message m, String operatorId) {
        WriterState w = writers.get();
        encodeMessage(w.begin(), type == HELD, m, operatorId);
        w.end();
    }

    /** The layout of an {@link #accepted} event, or of a {@link #held} one (also in checkpoint files). */
    public static void encodeMessage(EventBuffer b, boolean held, Message m, String operatorId) {
        b.writeByte(held ? HELD : ACCEPTED);
        b.writeLong(m.id());
        b.writeUtf8(operatorId);
        b.writeUtf8(m.accountId());
        b.writeUtf8(m.serviceType());
        b.writeUnsignedByte(m.sourceTon());
        b.writeUnsignedByte(m.sourceNpi());
        b.writeUtf8(m.source());
        b.writeUnsignedByte(m.destTon());
        b.writeUnsignedByte(m.destNpi());
        b.writeUtf8(m.destination());
        b.writeUnsignedByte(m.esmClass());
        b.writeUnsignedByte(m.protocolId());
        b.writeUnsignedByte(m.priority());
        b.writeUtf8(m.scheduleDeliveryTime());
        b.writeUtf8(m.validityPeriod());
        b.writeUnsignedByte(m.registeredDelivery());
        b.writeUnsignedByte(m.dataCoding());
        writeBytes(b, m.shortMessage());
        writeBytes(b, m.optionalParameters());
        b.writeLong(m.acceptedAtMs());
    }

    @Override
    public void submitted(long messageId, String operatorId, String upstreamId) {
        WriterState w = writers.get();
        encodeSubmitted(w.begin(), messageId, operatorId, upstreamId);
        w.end();
    }

    /** The layout of a {@link #submitted} event (also in checkpoint files). */
    public static void encodeSubmitted(EventBuffer b, long messageId, String operatorId, String upstreamId) {
        b.writeByte(SUBMITTED);
        b.writeLong(messageId);
        b.writeUtf8(operatorId);
        b.writeUtf8(upstreamId);
    }

    @Override
    public void failed(long messageId, int errorCode) {
        WriterState w = writers.get();
        EventBuffer b = w.begin();
        b.writeByte(FAILED);
        b.writeLong(messageId);
        b.writeInt(errorCode);
        w.end();
    }

    @Override
    public void receipt(long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
        WriterState w = writers.get();
        encodeReceipt(w.begin(), messageId, state, errorCode, doneTimeMs);
        w.end();
    }

    /** The layout of a {@link #receipt} event (also in checkpoint files). */
    public static void encodeReceipt(EventBuffer b, long messageId, DeliveryState state, int errorCode, long doneTimeMs) {
        b.writeByte(RECEIPT);
        b.writeLong(messageId);
        b.writeUnsignedByte(state.code());
        b.writeInt(errorCode);
        b.writeLong(doneTimeMs);
    }

    @Override
    public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                              long doneTimeMs) {
        WriterState w = writers.get();
        encodeOrphanReceipt(w.begin(), operatorId, upstreamId, state, errorCode, doneTimeMs);
        w.end();
    }

    /** The layout of a {@link #orphanReceipt} event (also in checkpoint files). */
    public static void encodeOrphanReceipt(EventBuffer b, String operatorId, String upstreamId, DeliveryState state, int errorCode,
                              long doneTimeMs) {
        b.writeByte(ORPHAN_RECEIPT);
        b.writeUtf8(operatorId);
        b.writeUtf8(upstreamId);
        b.writeUnsignedByte(state.code());
        b.writeInt(errorCode);
        b.writeLong(doneTimeMs);
    }

    @Override
    public void receiptForwarded(long messageId) {
        WriterState w = writers.get();
        encodeReceiptForwarded(w.begin(), messageId);
        w.end();
    }

    /** The layout of a {@link #receiptForwarded} event (also in checkpoint files). */
    public static void encodeReceiptForwarded(EventBuffer b, long messageId) {
        b.writeByte(RECEIPT_FORWARDED);
        b.writeLong(messageId);
    }

    @Override
    public void requeued(long messageId, String operatorId) {
        WriterState w = writers.get();
        EventBuffer b = w.begin();
        b.writeByte(REQUEUED);
        b.writeLong(messageId);
        b.writeUtf8(operatorId);
        w.end();
    }

    @Override
    public void noted(long messageId, String key, String value) {
        WriterState w = writers.get();
        encodeNoted(w.begin(), messageId, key, value);
        w.end();
    }

    /** The layout of a {@link #noted} event (also in checkpoint files). */
    public static void encodeNoted(EventBuffer b, long messageId, String key, String value) {
        b.writeByte(NOTED);
        b.writeLong(messageId);
        b.writeUtf8(key);
        b.writeUtf8(value);
    }

    @Override
    public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs, String source) {
        WriterState w = writers.get();
        encodeOptOut(w.begin(), added, accountId, sender, msisdn, atMs, source);
        w.end();
    }

    /** The layout of a {@link #optOut} event (also in checkpoint files). */
    public static void encodeOptOut(EventBuffer b, boolean added, String accountId, String sender, String msisdn,
                                    long atMs, String source) {
        b.writeByte(OPT_OUT);
        b.writeBoolean(added);
        b.writeUtf8(accountId);
        b.writeUtf8(sender);
        b.writeUtf8(msisdn);
        b.writeLong(atMs);
        b.writeUtf8(source);
    }

    @Override
    public void consent(io.smsrouter.core.policy.Consent c) {
        WriterState w = writers.get();
        encodeConsent(w.begin(), c);
        w.end();
    }

    /** The layout of a {@link #consent} event (also in checkpoint files). */
    public static void encodeConsent(EventBuffer b, io.smsrouter.core.policy.Consent c) {
        b.writeByte(CONSENT);
        b.writeLong(c.id());
        b.writeBoolean(c.granted());
        b.writeUtf8(c.accountId());
        b.writeUtf8(c.sender());
        b.writeUtf8(c.msisdn());
        b.writeUtf8(c.source());
        b.writeUtf8(c.evidence());
        b.writeLong(c.givenAtMs());
        b.writeLong(c.recordedAtMs());
        b.writeUtf8(c.recordedBy());
    }

    @Override
    public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
        WriterState w = writers.get();
        encodeLedger(w.begin(), kind, accountId, amount, messageId, atMs);
        w.end();
    }

    /** The layout of a {@link #ledger} event (also in checkpoint files). */
    public static void encodeLedger(EventBuffer b, int kind, String accountId, long amount, long messageId, long atMs) {
        b.writeByte(LEDGER);
        b.writeUnsignedByte(kind);
        b.writeUtf8(accountId);
        b.writeLong(amount);
        b.writeLong(messageId);
        b.writeLong(atMs);
    }

    @Override
    public void mobileOriginated(io.smsrouter.core.message.Receipt mo, String operatorId) {
        WriterState w = writers.get();
        encodeMobileOriginated(w.begin(), mo, operatorId);
        w.end();
    }

    /** The layout of a {@link #mobileOriginated} event (also in checkpoint files). */
    public static void encodeMobileOriginated(EventBuffer b, io.smsrouter.core.message.Receipt mo, String operatorId) {
        b.writeByte(MO);
        b.writeLong(mo.messageId());
        b.writeUtf8(mo.accountId());
        b.writeUtf8(operatorId);
        b.writeUtf8(mo.source());
        b.writeUtf8(mo.destination());
        b.writeUnsignedByte(mo.esmClass());
        b.writeUnsignedByte(mo.dataCoding());
        writeBytes(b, mo.moBody());
        writeBytes(b, mo.moTlvs());
        b.writeLong(mo.doneTimeMs());
    }

    @Override
    public void probe() {
        WriterState w = writers.get();
        if (w.batchDepth > 0) {
            throw new IllegalStateException("probe inside a batch");
        }
        w.begin().writeByte(PROBE);
        w.end();
    }

    @Override
    public void beginBatch() {
        writers.get().batchDepth++;
    }

    @Override
    public void endBatch() {
        WriterState w = writers.get();
        if (w.batchDepth == 0 || --w.batchDepth > 0) {
            return;
        }
        w.dropUnfinished();
        w.append();
    }

    public static void writeBytes(EventBuffer b, byte[] data) {
        b.writeStopBit(data.length);
        b.write(data);
    }

    public static byte[] readBytes(Bytes<?> b) {
        int len = (int) b.readStopBit();
        byte[] data = new byte[len];
        b.read(data);
        return data;
    }

    /**
     * Reads every event from the start, in order. The sums of the ledger events of files that
     * retention deleted come first, as one {@link Journal#LEDGER_TOP_UP} and one
     * {@link Journal#LEDGER_EARLIER} event per account.
     */
    @Override
    public void replay(JournalListener l) {
        LedgerBase base = readLedgerBase();
        base.sums.forEach((account, sums) -> {
            if (sums[0] != 0) {
                l.ledger(LEDGER_TOP_UP, account, sums[0], 0, 0);
            }
            if (sums[1] != 0) {
                l.ledger(LEDGER_EARLIER, account, sums[1], 0, 0);
            }
        });
        ExcerptTailer tailer = queue.createTailer();
        RollCycle rc = queue.rollCycle();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                // a file already summed into the base but not yet deleted (a crash in between)
                boolean folded = rc.toCycle(dc.index()) <= base.foldedThroughCycle;
                l.excerpt(dc.index());
                Bytes<?> b = dc.wire().bytes();
                while (b.readRemaining() > 0) {
                    readEvent(b, l, folded);
                }
            }
        }
    }

    /**
     * Events from the file that holds {@code fromMs} on. Ledger events are not adjusted for
     * deleted files here: this is for reports, not for rebuilding balances.
     */
    @Override
    public void replayFrom(long fromMs, JournalListener l, java.util.function.BooleanSupplier keepGoing) {
        RollCycle rc = queue.rollCycle();
        int cycle = (int) Math.min(Integer.MAX_VALUE, Math.max(0, (fromMs - queue.epoch()) / rc.lengthInMillis()));
        ExcerptTailer tailer = queue.createTailer();
        int first = queue.firstCycle();
        if (first != Integer.MAX_VALUE && cycle > first) {
            // the first file at or after that time (hours without traffic have none)
            int last = queue.lastCycle();
            int c = cycle;
            while (c <= last && !tailer.moveToIndex(rc.toIndex(c, 0))) {
                c++;
            }
            if (c > last) {
                return;
            }
        }
        while (keepGoing.getAsBoolean()) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                l.excerpt(dc.index());
                Bytes<?> b = dc.wire().bytes();
                while (b.readRemaining() > 0) {
                    readEvent(b, l, false);
                }
            }
        }
    }

    @Override
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? -1 : last;
    }

    @Override
    public boolean replayAfter(long afterIndex, long throughIndex, JournalListener l) {
        return eachExcerptAfter(afterIndex, throughIndex, (index, b) -> {
            l.excerpt(index);
            while (b.readRemaining() > 0) {
                readEvent(b, l, false);
            }
        });
    }

    @Override
    public boolean scanAfter(long afterIndex, long throughIndex, EventScan scan) {
        return eachExcerptAfter(afterIndex, throughIndex, (index, b) -> {
            while (b.readRemaining() > 0) {
                scanEvent(b, scan);
            }
        });
    }

    private interface ExcerptReader {
        void read(long index, Bytes<?> b);
    }

    /** Hands {@code r} each excerpt after {@code afterIndex} through {@code throughIndex}; false when that excerpt is gone. */
    private boolean eachExcerptAfter(long afterIndex, long throughIndex, ExcerptReader r) {
        ExcerptTailer tailer = queue.createTailer();
        if (afterIndex >= 0) {
            if (!tailer.moveToIndex(afterIndex)) {
                return false;
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent() || dc.index() != afterIndex) {
                    return false;
                }
            }
        }
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return true;
                }
                if (dc.index() > throughIndex) {
                    dc.rollbackOnClose();
                    return true;
                }
                r.read(dc.index(), dc.wire().bytes());
            }
        }
    }

    /** Per account {top-ups, charges less refunds} of the deleted files, through which cycle. */
    private record LedgerBase(int foldedThroughCycle, java.util.Map<String, long[]> sums) {
    }

    private LedgerBase readLedgerBase() {
        java.nio.file.Path f = java.nio.file.Path.of(queue.fileAbsolutePath()).resolve(LEDGER_BASE);
        java.util.Map<String, long[]> sums = new java.util.TreeMap<>();
        if (!java.nio.file.Files.exists(f)) {
            return new LedgerBase(Integer.MIN_VALUE, sums);
        }
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(f)))) {
            if (in.readInt() != LEDGER_BASE_MAGIC) {
                throw new IllegalStateException(f + " is not a ledger base file");
            }
            int through = in.readInt();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                sums.put(in.readUTF(), new long[]{in.readLong(), in.readLong()});
            }
            return new LedgerBase(through, sums);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + f, e);
        }
    }

    private void writeLedgerBase(LedgerBase base) throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Path.of(queue.fileAbsolutePath());
        java.nio.file.Path tmp = dir.resolve(LEDGER_BASE + ".tmp");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE);
             java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                     java.nio.channels.Channels.newOutputStream(ch)))) {
            out.writeInt(LEDGER_BASE_MAGIC);
            out.writeInt(base.foldedThroughCycle());
            out.writeInt(base.sums().size());
            for (java.util.Map.Entry<String, long[]> e : base.sums().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue()[0]);
                out.writeLong(e.getValue()[1]);
            }
            out.flush();
            ch.force(true);
        }
        java.nio.file.Files.move(tmp, dir.resolve(LEDGER_BASE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Adds the ledger events of cycles up to {@code lastCycle} (inclusive) to the base file. */
    private void foldLedger(int lastCycle) {
        LedgerBase base = readLedgerBase();
        if (lastCycle <= base.foldedThroughCycle()) {
            return;
        }
        java.util.Map<String, long[]> sums = base.sums();
        JournalListener sum = new JournalListener() {
            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                long[] s = sums.computeIfAbsent(accountId, a -> new long[2]);
                switch (kind) {
                    case LEDGER_TOP_UP -> s[0] += amount;
                    case LEDGER_CHARGE, LEDGER_EARLIER -> s[1] += amount;
                    case LEDGER_REFUND -> s[1] -= amount;
                    default -> {
                    }
                }
            }
        };
        RollCycle rc = queue.rollCycle();
        ExcerptTailer tailer = queue.createTailer();
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                int cycle = rc.toCycle(dc.index());
                if (cycle > lastCycle) {
                    break;
                }
                Bytes<?> b = dc.wire().bytes();
                while (b.readRemaining() > 0) {
                    readEvent(b, sum, cycle <= base.foldedThroughCycle());
                }
            }
        }
        try {
            writeLedgerBase(new LedgerBase(lastCycle, sums));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the ledger base file", e);
        }
    }

    /**
     * Reads events in order like {@link #replay}, but at the end of the journal waits for new
     * ones (polling every 10 ms) instead of returning, as long as {@code keepGoing} says so; it
     * is asked before each excerpt and while waiting. With {@code fromEnd} it starts at the
     * current end, so only events appended from then on are seen. For watching the journal of a
     * running router (the router appends from other threads or another process).
     */
    public void follow(JournalListener l, boolean fromEnd, java.util.function.BooleanSupplier keepGoing) {
        ExcerptTailer tailer = queue.createTailer();
        if (fromEnd) {
            tailer.toEnd();
        }
        while (keepGoing.getAsBoolean()) {
            boolean read;
            try (DocumentContext dc = tailer.readingDocument()) {
                read = dc.isPresent();
                if (read) {
                    l.excerpt(dc.index());
                    Bytes<?> b = dc.wire().bytes();
                    while (b.readRemaining() > 0) {
                        readEvent(b, l, false);
                    }
                }
            }
            if (!read) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
    }

    /** One event; an excerpt holds one, or a whole batch of them. */
    /** Reads one event at {@code b}'s read position and hands it to {@code l} (also for checkpoint files). */
    public static void decode(Bytes<?> b, JournalListener l) {
        readEvent(b, l, false);
    }

    /** Whether {@code type}, the first byte of an event, is one this version writes to the journal. */
    public static boolean isEventType(int type) {
        return type >= ACCEPTED && type <= CONSENT;
    }

    private static void readEvent(Bytes<?> b, JournalListener l, boolean skipLedger) {
        byte type = b.readByte();
        if (namesMessageFirst(type) && b.readRemaining() >= Long.BYTES
                && l.skipMessage(b.readLong(b.readPosition()))) {
            skimEvent(b, type);
            return;
        }
        switch (type) {
            case ACCEPTED, HELD -> {
                long id = b.readLong();
                String operatorId = b.readUtf8();
                Message m = new Message(id, b.readUtf8(), b.readUtf8(),
                        b.readUnsignedByte(), b.readUnsignedByte(), b.readUtf8(),
                        b.readUnsignedByte(), b.readUnsignedByte(), b.readUtf8(),
                        b.readUnsignedByte(), b.readUnsignedByte(), b.readUnsignedByte(),
                        b.readUtf8(), b.readUtf8(), b.readUnsignedByte(), b.readUnsignedByte(),
                        readBytes(b), readBytes(b), b.readLong());
                if (type == HELD) {
                    l.held(m, operatorId);
                } else {
                    l.accepted(m, operatorId);
                }
            }
            case MODERATED -> l.moderated(b.readLong(), b.readUnsignedByte(), b.readLong(), b.readUtf8(),
                    b.readUtf8());
            case SUBMITTED -> l.submitted(b.readLong(), b.readUtf8(), b.readUtf8());
            case FAILED -> l.failed(b.readLong(), b.readInt());
            case RECEIPT -> l.receipt(b.readLong(), DeliveryState.fromCode(b.readUnsignedByte()),
                    b.readInt(), b.readLong());
            case RECEIPT_FORWARDED -> l.receiptForwarded(b.readLong());
            case ORPHAN_RECEIPT -> l.orphanReceipt(b.readUtf8(), b.readUtf8(),
                    DeliveryState.fromCode(b.readUnsignedByte()), b.readInt(), b.readLong());
            case REQUEUED -> l.requeued(b.readLong(), b.readUtf8());
            case NOTED -> l.noted(b.readLong(), b.readUtf8(), b.readUtf8());
            case OPT_OUT -> l.optOut(b.readBoolean(), b.readUtf8(), b.readUtf8(), b.readUtf8(), b.readLong(),
                    b.readUtf8());
            case CONSENT -> {
                long id = b.readLong();
                boolean granted = b.readBoolean();
                String account = b.readUtf8();
                String sender = b.readUtf8();
                String msisdn = b.readUtf8();
                String source = b.readUtf8();
                String evidence = b.readUtf8();
                long givenAt = b.readLong();
                long recordedAt = b.readLong();
                String by = b.readUtf8();
                io.smsrouter.core.policy.Consent c;
                try {
                    c = new io.smsrouter.core.policy.Consent(id, granted, account, sender, msisdn, source, evidence,
                            givenAt, recordedAt, by);
                } catch (IllegalArgumentException malformed) {
                    // as an opt-out event that is not understood: the rest of the journal still counts
                    org.slf4j.LoggerFactory.getLogger(ChronicleJournal.class).warn(
                            "journal: consent entry {} for {} not understood: {}", id, msisdn, malformed.getMessage());
                    return;
                }
                l.consent(c);
            }
            case LEDGER -> {
                int kind = b.readUnsignedByte();
                String account = b.readUtf8();
                long amount = b.readLong();
                long messageId = b.readLong();
                long atMs = b.readLong();
                if (!skipLedger) {
                    l.ledger(kind, account, amount, messageId, atMs);
                }
            }
            case MO -> {
                long id = b.readLong();
                String account = b.readUtf8();
                String operatorId = b.readUtf8();
                String from = b.readUtf8();
                String to = b.readUtf8();
                int esm = b.readUnsignedByte();
                int dc = b.readUnsignedByte();
                byte[] body = readBytes(b);
                byte[] tlvs = readBytes(b);
                long atMs = b.readLong();
                l.mobileOriginated(io.smsrouter.core.message.Receipt.mo(id, account, from, to, esm, dc, body, tlvs,
                        atMs), operatorId);
            }
            case PROBE -> {
                // written to test that the journal can be written again: no state change
            }
            default -> {
                // an event type from a newer version: its length is unknown, so skip the
                // rest of this excerpt rather than stop recovery
                b.readSkip(b.readRemaining());
            }
        }
    }

    /** Whether events of {@code type} start with the id of the message they are about (all but a ledger event's). */
    private static boolean namesMessageFirst(byte type) {
        return switch (type) {
            case ACCEPTED, HELD, MODERATED, SUBMITTED, FAILED, RECEIPT, RECEIPT_FORWARDED, REQUEUED, NOTED, MO -> true;
            default -> false;
        };
    }

    /** Reads one event's type and message id, passes over the rest (see {@link #scanAfter}). */
    private static void scanEvent(Bytes<?> b, EventScan scan) {
        byte type = b.readByte();
        long start = b.readPosition();
        switch (type) {
            case ACCEPTED -> scan.event(EventKind.ACCEPTED, b.readLong(start));
            case HELD -> scan.event(EventKind.HELD, b.readLong(start));
            case MODERATED -> scan.event(EventKind.MODERATED, b.readLong(start));
            case SUBMITTED -> scan.event(EventKind.SUBMITTED, b.readLong(start));
            case FAILED -> scan.event(EventKind.FAILED, b.readLong(start));
            case RECEIPT -> scan.event(DeliveryState.fromCode(b.readUnsignedByte(start + Long.BYTES)).isFinal()
                    ? EventKind.FINAL_RECEIPT : EventKind.RECEIPT, b.readLong(start));
            case RECEIPT_FORWARDED -> scan.event(EventKind.RECEIPT_FORWARDED, b.readLong(start));
            case REQUEUED -> scan.event(EventKind.REQUEUED, b.readLong(start));
            case NOTED -> scan.event(EventKind.NOTED, b.readLong(start));
            case MO -> scan.event(EventKind.MOBILE_ORIGINATED, b.readLong(start));
            case LEDGER -> {
                b.readSkip(1);
                skimUtf8(b);
                long messageId = b.readLong(b.readPosition() + Long.BYTES);
                scan.event(EventKind.LEDGER, messageId);
            }
            default -> scan.event(EventKind.OTHER, 0);
        }
        b.readPosition(start);
        skimEvent(b, type);
    }

    /** Moves past the fields of an event whose type byte was read, without decoding them. */
    static void skimEvent(Bytes<?> b, byte type) {
        switch (type) {
            case ACCEPTED, HELD -> {
                b.readSkip(Long.BYTES);
                skimUtf8(b); // operator
                skimUtf8(b); // account
                skimUtf8(b); // service_type
                b.readSkip(2);
                skimUtf8(b); // source
                b.readSkip(2);
                skimUtf8(b); // destination
                b.readSkip(3);
                skimUtf8(b); // schedule_delivery_time
                skimUtf8(b); // validity_period
                b.readSkip(2);
                skimBytes(b); // short_message
                skimBytes(b); // optional parameters
                b.readSkip(Long.BYTES);
            }
            case MODERATED -> {
                b.readSkip(Long.BYTES + 1 + Long.BYTES);
                skimUtf8(b);
                skimUtf8(b);
            }
            case SUBMITTED, NOTED -> {
                b.readSkip(Long.BYTES);
                skimUtf8(b);
                skimUtf8(b);
            }
            case FAILED -> b.readSkip(Long.BYTES + Integer.BYTES);
            case RECEIPT -> b.readSkip(Long.BYTES + 1 + Integer.BYTES + Long.BYTES);
            case RECEIPT_FORWARDED -> b.readSkip(Long.BYTES);
            case ORPHAN_RECEIPT -> {
                skimUtf8(b);
                skimUtf8(b);
                b.readSkip(1 + Integer.BYTES + Long.BYTES);
            }
            case REQUEUED -> {
                b.readSkip(Long.BYTES);
                skimUtf8(b);
            }
            case OPT_OUT -> {
                b.readSkip(1);
                skimUtf8(b);
                skimUtf8(b);
                skimUtf8(b);
                b.readSkip(Long.BYTES);
                skimUtf8(b);
            }
            case CONSENT -> {
                b.readSkip(Long.BYTES + 1);
                for (int i = 0; i < 5; i++) {
                    skimUtf8(b);
                }
                b.readSkip(2 * Long.BYTES);
                skimUtf8(b);
            }
            case LEDGER -> {
                b.readSkip(1);
                skimUtf8(b);
                b.readSkip(3 * Long.BYTES);
            }
            case MO -> {
                b.readSkip(Long.BYTES);
                for (int i = 0; i < 4; i++) {
                    skimUtf8(b);
                }
                b.readSkip(2);
                skimBytes(b);
                skimBytes(b);
                b.readSkip(Long.BYTES);
            }
            case PROBE -> {
            }
            default -> b.readSkip(b.readRemaining()); // a newer version's: see readEvent
        }
    }

    /** A string as {@code writeUtf8} wrote it: its UTF-8 length as a stop bit number (-1: null), then the bytes. */
    private static void skimUtf8(Bytes<?> b) {
        long len = b.readStopBit();
        if (len > 0) {
            b.readSkip(len);
        }
    }

    private static void skimBytes(Bytes<?> b) {
        b.readSkip(b.readStopBit());
    }

    @Override
    public void close() {
        queue.close();
    }
}
