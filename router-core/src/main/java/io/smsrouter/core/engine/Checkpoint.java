package io.smsrouter.core.engine;

import io.smsrouter.core.correlation.Correlation;
import io.smsrouter.core.journal.ChronicleJournal;
import io.smsrouter.core.journal.EventBuffer;
import io.smsrouter.core.journal.Journal;
import io.smsrouter.core.message.DeliveryState;
import io.smsrouter.core.message.Message;
import io.smsrouter.core.message.Receipt;
import io.smsrouter.core.moderation.ModerationDecision;
import io.smsrouter.core.moderation.Verdict;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * A checkpoint of recovery: what replaying the journal up to one excerpt (its index {@code I})
 * leaves in flight, written to one file, so that a start reads that file and then only the
 * excerpts after {@code I} instead of every file retention keeps.
 *
 * <p>The state is not read from the running engine (whose queues, binds and batches move while it
 * would be read) but folded from the journal itself, in the background, by the same rules as
 * {@link Engine#recover}: a message accepted and not yet taken by an operator, held, waiting for
 * its receipt, or with a receipt the client has not acknowledged is kept until its journal events
 * end that; the ledger of every message that ended is summed per account. The fold starts from
 * what recovery read at start (the previous checkpoint and the journal after it) and follows the
 * journal from there ({@link #catchUp}), so its cost is one more read of each excerpt.
 *
 * <p>Written to {@code <file>.tmp}, forced to disk, then moved over {@code <file>} in one atomic
 * rename (and the directory forced): a crash while writing leaves the previous checkpoint whole
 * and in force, and a torn or damaged file (checked with its CRC-32 and end record) is ignored
 * for a replay of the whole journal, which is always complete on its own (retention carries
 * forward what it deletes). Kept from the running engine instead, as they are not journal state
 * of messages in flight: the final statuses of recent messages (query_sm), the duplicate filter,
 * the opt-outs and consents (their snapshot files, written by the caller before the rename).
 *
 * <p>File: int magic, int version, long index {@code I}, long highest message id, long written at
 * (ms); records, each a type byte and its fields (journal events in their journal layout, or one of
 * the checkpoint's own: {@link #OPEN}, {@link #STATUS}, {@link #DECISION}, {@link #DEDUP}); an
 * {@link #END} record with the count of records before it; the CRC-32 of everything before it, as
 * a long.
 */
final class Checkpoint {
    private static final Logger log = LoggerFactory.getLogger(Checkpoint.class);
    static final int MAGIC = 0x434B5054; // "CKPT"
    static final int VERSION = 1;
    private static final int HEADER = 4 + 4 + 8 + 8 + 8;
    /** A message waiting for its receipt (or for one to be written): its correlation and operator. */
    static final byte OPEN = 64;
    /** The final status of a recent message, for query_sm and the status API. */
    static final byte STATUS = 65;
    /** A moderator's decision, for the moderator page's recent list. */
    static final byte DECISION = 66;
    /** An entry of the duplicate filter. */
    static final byte DEDUP = 67;
    static final byte END = 127;
    /** As many decisions as the moderation queue keeps. */
    private static final int DECISIONS_KEPT = 500;
    /**
     * Opt-out and consent events kept from the end of the journal read (see {@link Fold#recent}):
     * far more than can be journaled between an event and its effect in memory.
     */
    private static final int RECENT_POLICY_EVENTS = 1000;
    /**
     * Notes of messages that ended are kept this long after the end, and at most
     * {@link #ENDED_NOTES_KEPT} of them: an adapter's own file written beside the journal (a
     * campaign's progress log) may have lost its last lines in a crash, and finds them in these.
     */
    private static final long ENDED_NOTES_MS = 10 * 60_000L;
    private static final int ENDED_NOTES_KEPT = 200_000;

    /** What recovery does with the records only a checkpoint has (the others are journal events). */
    interface Listener extends Journal.JournalListener {
        /** The message's correlation, as its accepted or held event gave it, and its operator ("" unknown). */
        default void open(Correlation c, String operatorId) {
        }

        default void status(MessageStatus s) {
        }

        default void decision(ModerationDecision d) {
        }

        default void dedup(long keyA, long keyB, long messageId, long atMs, long untilMs) {
        }
    }

    /** A checkpoint file read back: the journal excerpt it holds the state up to, and its size. */
    record Loaded(long index, long highestId, long writtenAtMs, long records) {
    }

    /** What {@link #write} wrote. */
    record Written(long index, int messages, long records, long bytes, long millis) {
    }

    /** The running engine's own state that goes into a checkpoint beside the fold's. */
    interface Live {
        /** Final statuses of messages accepted at or after {@code sinceMs}. */
        void statuses(long sinceMs, Consumer<MessageStatus> out);

        void dedup(DedupSink out);
    }

    interface DedupSink {
        void entry(long keyA, long keyB, long messageId, long atMs, long untilMs);
    }

    private final Path file;
    private final Journal journal;
    private final long receiptValidityMs;
    private final Fold fold = new Fold();
    /** False until recovery has given the fold its starting state. */
    private boolean started;

    Checkpoint(Path file, Journal journal, long receiptValidityMs) {
        this(file, journal, receiptValidityMs, 0);
    }

    /** {@code idBase}: this node's cluster id base (0 on the embedded router). */
    Checkpoint(Path file, Journal journal, long receiptValidityMs, long idBase) {
        this.file = file;
        this.journal = journal;
        this.receiptValidityMs = receiptValidityMs;
        this.fold.slotBits = idBase >>> 52;
    }

    Path file() {
        return file;
    }

    /** The listener that builds the fold; recovery feeds it everything it reads, then {@link #started}. */
    Listener fold() {
        return fold;
    }

    /** The fold holds a checkpoint's state (read into it): it goes on from that excerpt. */
    synchronized void startAt(Loaded l) {
        fold.index = l.index();
        fold.highestId = Math.max(fold.highestId, l.highestId());
        fold.keepEndedNotes(); // the checkpoint's notes of messages that ended: kept for the next one
    }

    synchronized void started() {
        fold.endExcerpt();
        started = true;
    }

    /** The journal index the fold has read through (-1: none). */
    synchronized long index() {
        return fold.index;
    }

    /** Messages whose events the fold passed over unread, as they began and ended within one catch-up (see {@link Finished}). */
    synchronized long unreadMessages() {
        return fold.finished.unread;
    }

    /** Messages the fold holds in flight now. */
    synchronized int inFlight() {
        return fold.tracks.size();
    }

    /**
     * Reads the excerpts appended since the last call into the fold (up to the journal's end as it
     * is when called); returns how many.
     */
    synchronized long catchUp() {
        if (!started) {
            return 0;
        }
        long end = journal.lastIndex();
        if (end < 0 || end <= fold.index) {
            return 0;
        }
        long before = fold.excerpts;
        long from = fold.index;
        fold.finished.scan(from, end);
        try {
            if (!journal.replayAfter(from, end, fold)) {
                // cannot happen while the fold keeps up (retention deletes only files hours old);
                // the previous checkpoint stays in force
                throw new IllegalStateException("journal excerpt " + from + " is gone: the checkpoint "
                        + "cannot follow the journal any more");
            }
        } finally {
            fold.finished.end();
        }
        fold.endExcerpt();
        return fold.excerpts - before;
    }

    /**
     * Catches up, then writes the state through the last excerpt read, with {@code live}'s part,
     * to {@code <file>.tmp}, forces it, runs {@code beforePublish} (snapshots that must be at least
     * as new as the checkpoint) and moves it over {@code <file>}. Null when recovery has not run.
     */
    synchronized Written write(Live live, Runnable beforePublish) throws IOException {
        if (!started) {
            return null;
        }
        long t0 = System.nanoTime();
        catchUp();
        long now = System.currentTimeMillis();
        long cutoff = now - receiptValidityMs;
        fold.prune(cutoff);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long records;
        long bytes;
        boolean published = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                Out out = new Out(ch);
                EventBuffer b = out.bytes;
                b.writeInt(MAGIC);
                b.writeInt(VERSION);
                b.writeLong(fold.index);
                b.writeLong(fold.highestId);
                b.writeLong(now);
                fold.writeTo(out);
                live.statuses(cutoff, s -> {
                    EventBuffer r = out.bytes;
                    r.writeByte(STATUS);
                    r.writeLong(s.messageId());
                    r.writeUtf8(s.accountId());
                    r.writeUnsignedByte(s.state().code());
                    r.writeInt(s.errorCode());
                    r.writeUtf8(s.operatorId());
                    r.writeLong(s.acceptedAtMs());
                    r.writeLong(s.finalAtMs());
                    out.record();
                });
                live.dedup((a, bb, id, at, until) -> {
                    EventBuffer r = out.bytes;
                    r.writeByte(DEDUP);
                    r.writeLong(a);
                    r.writeLong(bb);
                    r.writeLong(id);
                    r.writeLong(at);
                    r.writeLong(until);
                    out.record();
                });
                records = out.records;
                b.writeByte(END);
                b.writeLong(records);
                out.flush();
                long crc = out.crc.getValue();
                ByteBuffer tail = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(crc).flip();
                while (tail.hasRemaining()) {
                    ch.write(tail);
                }
                ch.force(true);
                bytes = ch.size();
            }
            beforePublish.run();
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(file.toAbsolutePath().getParent());
            published = true;
        } finally {
            if (!published) {
                Files.deleteIfExists(tmp); // a disk full or a refused snapshot: no half file left behind
            }
        }
        return new Written(fold.index, fold.tracks.size(), records, bytes, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Whether {@code file} holds a whole checkpoint (size, checksum, magic and version): its
     * header, or null when there is none or it is damaged (logged: the caller replays the whole
     * journal then).
     */
    static Loaded validate(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER + 9 + 8 || size > Integer.MAX_VALUE) {
                log.warn("checkpoint {} ignored: {} bytes is not a whole checkpoint", file, size);
                return null;
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(java.nio.ByteOrder.LITTLE_ENDIAN); // as Chronicle's Bytes write
            CRC32 crc = new CRC32();
            crc.update(map.duplicate().limit((int) size - 8));
            if (crc.getValue() != map.getLong((int) size - 8)) {
                log.warn("checkpoint {} ignored: its checksum does not match (damaged)", file);
                return null;
            }
            if (map.getInt(0) != MAGIC || map.getInt(4) != VERSION) {
                log.warn("checkpoint {} ignored: not a version {} checkpoint", file, VERSION);
                return null;
            }
            if (map.get((int) size - 8 - 9) != END || map.getLong((int) size - 8 - 8) < 0) {
                log.warn("checkpoint {} ignored: no end record", file);
                return null;
            }
            return new Loaded(map.getLong(8), map.getLong(16), map.getLong(24), map.getLong((int) size - 8 - 8));
        } catch (IOException | RuntimeException e) {
            log.warn("checkpoint {} ignored: cannot be read: {}", file, e.toString());
            return null;
        }
    }

    /**
     * Hands the records of a checkpoint {@link #validate} accepted to {@code l}, in the order
     * written. Throws when one cannot be read (the file changed since, or a bug: the start stops
     * then rather than run on half a state).
     */
    static void read(Path file, Listener l) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.limit((int) size - 8);
            Bytes<ByteBuffer> b = Bytes.wrapForRead(map);
            try {
                b.readSkip(HEADER);
                long records = 0;
                while (b.readUnsignedByte(b.readPosition()) != END) {
                    readRecord(b, l);
                    records++;
                }
                b.readSkip(1);
                long count = b.readLong();
                if (count != records) {
                    throw new IllegalStateException("its end record says " + count + " records, " + records + " read");
                }
            } finally {
                b.releaseLast();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("checkpoint " + file + " cannot be read (" + e
                    + "); move it away to replay the whole journal instead", e);
        }
    }

    private static void readRecord(Bytes<?> b, Listener l) {
        int type = b.readUnsignedByte(b.readPosition());
        if (ChronicleJournal.isEventType(type)) {
            ChronicleJournal.decode(b, l);
            return;
        }
        b.readSkip(1);
        switch (type) {
            case OPEN -> {
                String operatorId = b.readUtf8();
                Correlation c = new Correlation(b.readLong(), b.readUtf8(), b.readUnsignedByte(),
                        b.readUnsignedByte(), b.readUtf8(), b.readUnsignedByte(), b.readUnsignedByte(), b.readUtf8(),
                        b.readUnsignedByte(), b.readLong(), ChronicleJournal.readBytes(b));
                l.open(c, operatorId);
            }
            case STATUS -> l.status(new MessageStatus(b.readLong(), b.readUtf8(),
                    DeliveryState.fromCode(b.readUnsignedByte()), b.readInt(), b.readUtf8(), b.readLong(),
                    b.readLong()));
            case DECISION -> l.decision(new ModerationDecision(b.readLong(), b.readUtf8(),
                    Verdict.fromCode(b.readUnsignedByte()), b.readUtf8(), b.readUtf8(), b.readLong()));
            case DEDUP -> l.dedup(b.readLong(), b.readLong(), b.readLong(), b.readLong(), b.readLong());
            default -> throw new IllegalStateException("unknown checkpoint record type " + type);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform opens a directory; the rename is atomic either way
        }
    }

    /** Records into a buffer that goes to the file (and the checksum) a megabyte at a time. */
    private static final class Out {
        final FileChannel ch;
        final EventBuffer bytes = new EventBuffer(1 << 20);
        final CRC32 crc = new CRC32();
        long records;

        Out(FileChannel ch) {
            this.ch = ch;
        }

        void record() throws UncheckedIOException {
            records++;
            if (bytes.size() >= 1 << 20) {
                flush();
            }
        }

        void flush() {
            crc.update(bytes.array(), 0, bytes.size());
            ByteBuffer bb = ByteBuffer.wrap(bytes.array(), 0, bytes.size());
            try {
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes.clear();
        }
    }

    private record LedgerEvent(int kind, String accountId, long amount, long messageId, long atMs) {
    }

    private record Note(long messageId, String key, String value) {
    }

    private record OptOutEvent(boolean added, String accountId, String sender, String msisdn, long atMs,
                               String source) {
    }

    private record OrphanEvent(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                               long doneTimeMs) {
    }

    /**
     * One message the fold still holds, with the same parts {@link Engine#recover} keeps in its
     * maps: queued ({@code unsent}), held, open (its correlation, and the operator's id once it
     * answered), or a receipt (or subscriber's message) the client has not acknowledged.
     */
    private static final class Track {
        Message unsent;
        Message held;
        String heldOperator;
        Correlation open;
        String operatorOf;
        String awaitingOperator;
        String awaitingUpstream;
        /** a receipt to forward: its correlation and what it says */
        Correlation forward;
        String forwardOperator;
        DeliveryState forwardState;
        int forwardError;
        long forwardDone;
        Receipt mo;
        String moOperator;
        ArrayList<Note> notes;
        ArrayList<LedgerEvent> ledger;

        boolean alive() {
            return unsent != null || held != null || open != null || forward != null || mo != null;
        }
    }

    /**
     * The messages of one catch-up's range of the journal that the fold would take up and drop
     * again within it: accepted, sent, given a final receipt and that receipt forwarded, in that
     * order, with no other event of theirs in the range (a note, moderation, a retry, a failure)
     * and no track before it. Most traffic is such messages, and decoding their accepted events
     * (addresses, texts) was most of the fold's cost: a first look at the range ({@link
     * Journal#scanAfter}, the kind and message of each event) finds them, and the fold then passes
     * over their events unread ({@link Fold#skipMessage}). Their ledger events are still read:
     * held for the message's track, which never comes, they join the sums at the end of their
     * excerpt, as they would at the message's end. The highest id stays what reading them gives.
     *
     * <p>One byte of state per message id, from a little below the first id accepted in the range
     * (ids are given out in order); a message outside that window is read as before.
     */
    private final class Finished implements Journal.EventScan {
        /** How far below the range's first accepted id a message of the range may be. */
        private static final int BELOW = 1 << 16;
        /** The most ids one range covers (4 MB of state); more are read. */
        private static final int MAX_SPAN = 1 << 22;
        /** The most events before the range's first accepted one that are kept (2 MB); with more, the range is read. */
        private static final int MAX_EARLY = 1 << 18;
        private static final byte WAS_ACCEPTED = 1;
        private static final byte WAS_SUBMITTED = 2;
        private static final byte WAS_RECEIPTED = 3;
        private static final byte DONE = 4;
        /** anything else: read it */
        private static final byte READ = 5;

        private byte[] state = new byte[1 << 16];
        /** The id at index 0; set by the range's first accepted event. */
        private long base;
        private boolean based;
        /** Messages of the events before the first accepted one: read, whatever comes after. */
        private long[] early = new long[1024];
        private int earlyCount;
        /** Indexes below this may be set. */
        private int span;
        private long highestAccepted;
        private boolean active;
        /** Messages passed over so far. */
        long unread;

        /** Scans the range after excerpt {@code from} through {@code through}; a journal that cannot leaves nothing skipped. */
        void scan(long from, long through) {
            java.util.Arrays.fill(state, 0, span, (byte) 0);
            span = 0;
            based = false;
            earlyCount = 0;
            highestAccepted = Long.MIN_VALUE;
            active = journal.scanAfter(from, through, this);
        }

        /** The range was read: nothing is skipped from now on, and the skipped messages' ids count. */
        void end() {
            if (active) {
                fold.highestId = Math.max(fold.highestId, highestAccepted);
                for (int i = 0; i < span; i++) {
                    if (state[i] == DONE) {
                        unread++;
                    }
                }
            }
            active = false;
        }

        boolean skip(long id) {
            long i = id - base;
            return active && based && i >= 0 && i < span && state[(int) i] == DONE;
        }

        @Override
        public void event(Journal.EventKind kind, long id) {
            if (!based && earlyCount == MAX_EARLY) {
                return; // that many events before any message accepted: nothing is passed over in this range
            }
            switch (kind) {
                case LEDGER, OTHER, RECEIPT -> {
                    return; // ledger events are read anyway; the others change nothing of a message here
                }
                case ACCEPTED -> {
                    highestAccepted = Math.max(highestAccepted, id);
                    if (!based) {
                        based = true;
                        base = id - BELOW;
                        for (int k = 0; k < earlyCount; k++) {
                            set(early[k], Journal.EventKind.OTHER);
                        }
                    }
                }
                default -> {
                    if (!based) {
                        if (earlyCount == early.length) {
                            early = java.util.Arrays.copyOf(early, earlyCount * 2);
                        }
                        early[earlyCount++] = id;
                        return;
                    }
                }
            }
            set(id, kind);
        }

        private void set(long id, Journal.EventKind kind) {
            long i = id - base;
            if (i < 0 || i >= MAX_SPAN) {
                return;
            }
            int at = (int) i;
            if (at >= state.length) {
                state = java.util.Arrays.copyOf(state, Math.min(MAX_SPAN, Math.max(at + 1, state.length * 2)));
            }
            span = Math.max(span, at + 1);
            byte s = state[at];
            state[at] = switch (kind) {
                case ACCEPTED -> s == 0 && !fold.tracks.containsKey(id) ? WAS_ACCEPTED : READ;
                case SUBMITTED -> s == WAS_ACCEPTED ? WAS_SUBMITTED : READ;
                case FINAL_RECEIPT -> s == WAS_SUBMITTED ? WAS_RECEIPTED : READ;
                case RECEIPT_FORWARDED -> s == WAS_RECEIPTED ? DONE : READ;
                default -> READ;
            };
        }
    }

    /** The journal folded into what recovery needs, by recovery's own rules. */
    private final class Fold implements Listener {
        final HashMap<Long, Track> tracks = new HashMap<>();
        final Finished finished = new Finished();
        /** per account: top-ups, then charges less refunds of messages that ended */
        final Map<String, long[]> ledgerSums = new TreeMap<>();
        final Map<String, OrphanEvent> orphans = new LinkedHashMap<>();
        final ArrayDeque<ModerationDecision> decisions = new ArrayDeque<>();
        /**
         * The last opt-out and consent events read, in order. The snapshots of both come from the
         * running router, which journals such an event before it changes its registry: one journaled
         * just before the checkpoint's excerpt may not be in them yet. Written again in the checkpoint
         * (replaying one twice changes nothing), so that none is lost in that window.
         */
        final ArrayDeque<Object> recent = new ArrayDeque<>();
        /** notes of messages that ended, with when they ended (see {@link #ENDED_NOTES_MS}) */
        final ArrayDeque<Note> endedNotes = new ArrayDeque<>();
        final ArrayDeque<Long> endedAt = new ArrayDeque<>();
        /** notes and ledger events of the current excerpt for messages not (yet) known */
        final ArrayList<Note> pendingNotes = new ArrayList<>();
        final ArrayList<LedgerEvent> pendingLedger = new ArrayList<>();
        long index = -1;
        long excerpts;
        long highestId;
        /** The id slot bits of this node ({@code idBase >>> 52}): a held message of another slot is not ours. */
        long slotBits;

        private Track create(long id) {
            Track t = tracks.get(id);
            if (t != null) {
                return t;
            }
            Track fresh = new Track();
            tracks.put(id, fresh);
            for (Note n : pendingNotes) {
                if (n.messageId() == id) {
                    add(fresh, n);
                }
            }
            if (!pendingLedger.isEmpty()) {
                pendingLedger.removeIf(e -> {
                    if (e.messageId() == id) {
                        addLedger(fresh, e);
                        return true;
                    }
                    return false;
                });
            }
            return fresh;
        }

        private void add(Track t, Note n) {
            if (t.notes == null) {
                t.notes = new ArrayList<>(2);
            }
            t.notes.add(n);
        }

        private void addLedger(Track t, LedgerEvent e) {
            if (t.ledger == null) {
                t.ledger = new ArrayList<>(2);
            }
            t.ledger.add(e);
        }

        /** Ends a message the journal no longer needs for recovery: its money joins the sums. */
        private void maybeEnd(long id, Track t) {
            if (t.alive()) {
                return;
            }
            tracks.remove(id);
            if (t.ledger != null) {
                t.ledger.forEach(this::sum);
            }
            if (t.notes != null) {
                long now = System.currentTimeMillis();
                for (Note n : t.notes) {
                    endedNotes.addLast(n);
                    endedAt.addLast(now);
                    if (endedNotes.size() > ENDED_NOTES_KEPT) {
                        endedNotes.removeFirst();
                        endedAt.removeFirst();
                    }
                }
            }
        }

        private void sum(LedgerEvent e) {
            long[] s = ledgerSums.computeIfAbsent(e.accountId(), a -> new long[2]);
            switch (e.kind()) {
                case Journal.LEDGER_TOP_UP -> s[0] += e.amount();
                case Journal.LEDGER_CHARGE, Journal.LEDGER_EARLIER -> s[1] += e.amount();
                case Journal.LEDGER_REFUND -> s[1] -= e.amount();
                default -> {
                }
            }
        }

        void keepEndedNotes() {
            long now = System.currentTimeMillis();
            for (Note n : pendingNotes) {
                endedNotes.addLast(n);
                endedAt.addLast(now);
                if (endedNotes.size() > ENDED_NOTES_KEPT) {
                    endedNotes.removeFirst();
                    endedAt.removeFirst();
                }
            }
            pendingNotes.clear();
        }

        void endExcerpt() {
            if (!pendingNotes.isEmpty()) {
                keepEndedNotes(); // notes of messages no longer in flight (a click on a link of one)
            }
            pendingLedger.forEach(this::sum);
            pendingLedger.clear();
        }

        @Override
        public boolean skipMessage(long messageId) {
            return finished.skip(messageId);
        }

        @Override
        public void excerpt(long i) {
            endExcerpt();
            index = i;
            excerpts++;
        }

        @Override
        public void accepted(Message m, String operatorId) {
            highestId = Math.max(highestId, m.id());
            Track t = create(m.id());
            t.unsent = m;
            t.operatorOf = operatorId;
            t.open = Correlation.of(m);
        }

        @Override
        public void held(Message m, String operatorId) {
            if ((m.id() >>> 52) == slotBits) {
                highestId = Math.max(highestId, m.id()); // (another node's, decided here: see Engine)
            }
            Track t = create(m.id());
            t.held = m;
            t.heldOperator = operatorId;
            t.open = Correlation.of(m);
        }

        @Override
        public void open(Correlation c, String operatorId) {
            Track t = create(c.messageId());
            t.open = c;
            if (!operatorId.isEmpty()) {
                t.operatorOf = operatorId;
            }
        }

        @Override
        public void decision(ModerationDecision d) {
            decisions.addLast(d);
            if (decisions.size() > DECISIONS_KEPT) {
                decisions.removeFirst();
            }
        }

        @Override
        public void moderated(long id, int verdict, long atMs, String who, String reason) {
            Track t = tracks.get(id);
            if (t == null || t.held == null) {
                return;
            }
            Message m = t.held;
            String op = t.heldOperator;
            t.held = null;
            t.heldOperator = null;
            Verdict v = Verdict.fromCode(verdict);
            decision(new ModerationDecision(id, m.accountId(), v, who, reason, atMs));
            if (v == Verdict.APPROVED) {
                t.unsent = m;
                t.operatorOf = op;
            }
            maybeEnd(id, t);
        }

        @Override
        public void submitted(long id, String operatorId, String upstreamId) {
            Track t = tracks.get(id);
            if (t == null) {
                return;
            }
            t.unsent = null;
            if (t.open != null) {
                t.awaitingOperator = operatorId;
                t.awaitingUpstream = upstreamId;
                t.operatorOf = operatorId;
            }
            maybeEnd(id, t);
        }

        @Override
        public void failed(long id, int errorCode) {
            Track t = tracks.get(id);
            if (t == null) {
                return;
            }
            t.unsent = null;
            t.held = null;
            t.heldOperator = null;
            maybeEnd(id, t);
        }

        @Override
        public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
            if (!state.isFinal()) {
                return;
            }
            Track t = tracks.get(id);
            if (t == null) {
                return;
            }
            Correlation c = t.open;
            String op = t.operatorOf;
            t.open = null;
            t.awaitingOperator = null;
            t.awaitingUpstream = null;
            t.operatorOf = null;
            if (c != null && Message.wantsReceipt(c.registeredDelivery(), state)) {
                t.forward = c;
                t.forwardOperator = op;
                t.forwardState = state;
                t.forwardError = errorCode;
                t.forwardDone = doneTimeMs;
            }
            maybeEnd(id, t);
        }

        @Override
        public void receiptForwarded(long id) {
            Track t = tracks.get(id);
            if (t == null) {
                return;
            }
            t.forward = null;
            t.mo = null;
            maybeEnd(id, t);
        }

        @Override
        public void mobileOriginated(Receipt mo, String operatorId) {
            highestId = Math.max(highestId, mo.messageId());
            if (mo.doneTimeMs() >= System.currentTimeMillis() - receiptValidityMs) {
                Track t = create(mo.messageId());
                t.mo = mo;
                t.moOperator = operatorId;
            }
        }

        @Override
        public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                  long doneTimeMs) {
            orphans.put(operatorId + '\u0000' + upstreamId,
                    new OrphanEvent(operatorId, upstreamId, state, errorCode, doneTimeMs));
        }

        private void remember(Object policyEvent) {
            recent.addLast(policyEvent);
            if (recent.size() > RECENT_POLICY_EVENTS) {
                recent.removeFirst();
            }
        }

        @Override
        public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                           String source) {
            remember(new OptOutEvent(added, accountId, sender, msisdn, atMs, source));
        }

        @Override
        public void consent(io.smsrouter.core.policy.Consent c) {
            remember(c);
        }

        @Override
        public void noted(long id, String key, String value) {
            if (id == 0) {
                return; // an origin: for the SMS log, which reads the journal files
            }
            Note n = new Note(id, key, value);
            Track t = tracks.get(id);
            if (t != null) {
                add(t, n);
            } else {
                pendingNotes.add(n);
            }
        }

        @Override
        public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
            LedgerEvent e = new LedgerEvent(kind, accountId, amount, messageId, atMs);
            Track t = messageId == 0 ? null : tracks.get(messageId);
            if (t != null) {
                addLedger(t, e);
            } else if (messageId != 0 && (kind == Journal.LEDGER_CHARGE || kind == Journal.LEDGER_REFUND)) {
                pendingLedger.add(e); // its message may come later in this excerpt
            } else {
                sum(e);
            }
        }

        /** Drops what recovery would not use any more: receipts waited for past their validity, old orphans. */
        void prune(long cutoff) {
            List<Long> ended = new ArrayList<>();
            for (Map.Entry<Long, Track> e : tracks.entrySet()) {
                Track t = e.getValue();
                if (t.unsent == null && t.held == null && t.forward == null && t.open != null
                        && t.open.submitTimeMs() < cutoff) {
                    t.open = null;
                    t.awaitingOperator = null;
                    t.awaitingUpstream = null;
                }
                if (t.mo != null && t.mo.doneTimeMs() < cutoff) {
                    t.mo = null;
                }
                if (!t.alive()) {
                    ended.add(e.getKey());
                }
            }
            for (Long id : ended) {
                maybeEnd(id, tracks.get(id));
            }
            orphans.values().removeIf(o -> o.doneTimeMs() < cutoff);
            long notesBefore = System.currentTimeMillis() - ENDED_NOTES_MS;
            while (!endedAt.isEmpty() && endedAt.peekFirst() < notesBefore) {
                endedAt.removeFirst();
                endedNotes.removeFirst();
            }
        }

        /**
         * Records that rebuild this state through recovery's listener: the ledger sums first, then
         * each message in id order (its money, what it waits for, its notes), the early receipts and
         * the recent decisions.
         */
        void writeTo(Out out) {
            EventBuffer b = out.bytes;
            for (Map.Entry<String, long[]> e : ledgerSums.entrySet()) {
                if (e.getValue()[0] != 0) {
                    ChronicleJournal.encodeLedger(b, Journal.LEDGER_TOP_UP, e.getKey(), e.getValue()[0], 0, 0);
                    out.record();
                }
                if (e.getValue()[1] != 0) {
                    ChronicleJournal.encodeLedger(b, Journal.LEDGER_EARLIER, e.getKey(), e.getValue()[1], 0, 0);
                    out.record();
                }
            }
            long[] ids = new long[tracks.size()];
            int count = 0;
            for (Long id : tracks.keySet()) {
                ids[count++] = id;
            }
            java.util.Arrays.sort(ids); // in id order, as the journal had them
            for (long id : ids) {
                Track t = tracks.get(id);
                if (t.ledger != null) {
                    for (LedgerEvent l : t.ledger) {
                        ChronicleJournal.encodeLedger(b, l.kind(), l.accountId(), l.amount(), l.messageId(), l.atMs());
                        out.record();
                    }
                }
                if (t.forward != null) {
                    writeOpen(out, t.forward, t.forwardOperator);
                    ChronicleJournal.encodeReceipt(b, id, t.forwardState, t.forwardError, t.forwardDone);
                    out.record();
                }
                if (t.mo != null) {
                    ChronicleJournal.encodeMobileOriginated(b, t.mo, t.moOperator);
                    out.record();
                }
                // an accepted or held record gives the correlation itself; one waiting for its
                // receipt (or a copy accepted again after its operator's answer) needs its own
                if (t.open != null && (t.awaitingUpstream != null || t.unsent == null && t.held == null)) {
                    writeOpen(out, t.open, t.operatorOf);
                    if (t.awaitingUpstream != null) {
                        ChronicleJournal.encodeSubmitted(b, id, t.awaitingOperator, t.awaitingUpstream);
                        out.record();
                    }
                }
                if (t.held != null) {
                    ChronicleJournal.encodeMessage(b, true, t.held, t.heldOperator);
                    out.record();
                }
                if (t.unsent != null) {
                    ChronicleJournal.encodeMessage(b, false, t.unsent, t.operatorOf == null ? "" : t.operatorOf);
                    out.record();
                }
                if (t.notes != null) {
                    for (Note n : t.notes) {
                        ChronicleJournal.encodeNoted(b, n.messageId(), n.key(), n.value());
                        out.record();
                    }
                }
            }
            for (OrphanEvent o : orphans.values()) {
                ChronicleJournal.encodeOrphanReceipt(b, o.operatorId(), o.upstreamId(), o.state(), o.errorCode(),
                        o.doneTimeMs());
                out.record();
            }
            for (Note n : endedNotes) {
                ChronicleJournal.encodeNoted(b, n.messageId(), n.key(), n.value());
                out.record();
            }
            for (Object e : recent) {
                if (e instanceof OptOutEvent o) {
                    ChronicleJournal.encodeOptOut(b, o.added(), o.accountId(), o.sender(), o.msisdn(), o.atMs(),
                            o.source());
                } else {
                    ChronicleJournal.encodeConsent(b, (io.smsrouter.core.policy.Consent) e);
                }
                out.record();
            }
            for (ModerationDecision d : decisions) {
                b.writeByte(DECISION);
                b.writeLong(d.messageId());
                b.writeUtf8(d.accountId());
                b.writeUnsignedByte(d.verdict().ordinal());
                b.writeUtf8(d.moderator());
                b.writeUtf8(d.reason());
                b.writeLong(d.atMs());
                out.record();
            }
        }

        private void writeOpen(Out out, Correlation c, String operatorId) {
            EventBuffer b = out.bytes;
            b.writeByte(OPEN);
            b.writeUtf8(operatorId == null ? "" : operatorId);
            b.writeLong(c.messageId());
            b.writeUtf8(c.accountId());
            b.writeUnsignedByte(c.sourceTon());
            b.writeUnsignedByte(c.sourceNpi());
            b.writeUtf8(c.source());
            b.writeUnsignedByte(c.destTon());
            b.writeUnsignedByte(c.destNpi());
            b.writeUtf8(c.destination());
            b.writeUnsignedByte(c.registeredDelivery());
            b.writeLong(c.submitTimeMs());
            ChronicleJournal.writeBytes(b, c.textStart());
            out.record();
        }
    }

    /** Hands every event and record to two listeners: recovery's and the fold's. */
    static Listener both(Listener a, Listener b) {
        return new Listener() {
            @Override
            public void accepted(Message m, String operatorId) {
                a.accepted(m, operatorId);
                b.accepted(m, operatorId);
            }

            @Override
            public void held(Message m, String operatorId) {
                a.held(m, operatorId);
                b.held(m, operatorId);
            }

            @Override
            public void moderated(long id, int verdict, long atMs, String who, String reason) {
                a.moderated(id, verdict, atMs, who, reason);
                b.moderated(id, verdict, atMs, who, reason);
            }

            @Override
            public void submitted(long id, String operatorId, String upstreamId) {
                a.submitted(id, operatorId, upstreamId);
                b.submitted(id, operatorId, upstreamId);
            }

            @Override
            public void failed(long id, int errorCode) {
                a.failed(id, errorCode);
                b.failed(id, errorCode);
            }

            @Override
            public void orphanReceipt(String operatorId, String upstreamId, DeliveryState state, int errorCode,
                                      long doneTimeMs) {
                a.orphanReceipt(operatorId, upstreamId, state, errorCode, doneTimeMs);
                b.orphanReceipt(operatorId, upstreamId, state, errorCode, doneTimeMs);
            }

            @Override
            public void receipt(long id, DeliveryState state, int errorCode, long doneTimeMs) {
                a.receipt(id, state, errorCode, doneTimeMs);
                b.receipt(id, state, errorCode, doneTimeMs);
            }

            @Override
            public void receiptForwarded(long id) {
                a.receiptForwarded(id);
                b.receiptForwarded(id);
            }

            @Override
            public void requeued(long id, String operatorId) {
                a.requeued(id, operatorId);
                b.requeued(id, operatorId);
            }

            @Override
            public void noted(long id, String key, String value) {
                a.noted(id, key, value);
                b.noted(id, key, value);
            }

            @Override
            public void optOut(boolean added, String accountId, String sender, String msisdn, long atMs,
                               String source) {
                a.optOut(added, accountId, sender, msisdn, atMs, source);
                b.optOut(added, accountId, sender, msisdn, atMs, source);
            }

            @Override
            public void consent(io.smsrouter.core.policy.Consent c) {
                a.consent(c);
                b.consent(c);
            }

            @Override
            public void ledger(int kind, String accountId, long amount, long messageId, long atMs) {
                a.ledger(kind, accountId, amount, messageId, atMs);
                b.ledger(kind, accountId, amount, messageId, atMs);
            }

            @Override
            public void mobileOriginated(Receipt mo, String operatorId) {
                a.mobileOriginated(mo, operatorId);
                b.mobileOriginated(mo, operatorId);
            }

            @Override
            public void excerpt(long index) {
                a.excerpt(index);
                b.excerpt(index);
            }

            @Override
            public void open(Correlation c, String operatorId) {
                a.open(c, operatorId);
                b.open(c, operatorId);
            }

            @Override
            public void status(MessageStatus s) {
                a.status(s);
                b.status(s);
            }

            @Override
            public void decision(ModerationDecision d) {
                a.decision(d);
                b.decision(d);
            }

            @Override
            public void dedup(long keyA, long keyB, long messageId, long atMs, long untilMs) {
                a.dedup(keyA, keyB, messageId, atMs, untilMs);
                b.dedup(keyA, keyB, messageId, atMs, untilMs);
            }
        };
    }
}
