package io.smsrouter.server;

import io.smsrouter.core.engine.Engine;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Keeps the router from writing its journal into a full disk. Chronicle Queue's files are
 * memory-mapped: a write into a page the file system cannot back fails mid-record (the JVM turns
 * the SIGBUS into an {@code InternalError}), after an earlier record may already be half written.
 * So the router stops accepting while the journal's disk has less than {@code journal.minFreeMb}
 * free, checked often enough ({@link #check}, every 100 ms) that the traffic in between cannot fill
 * the margin; after a failed write it accepts again only once a probe append succeeds.
 */
final class JournalSpaceGuard {
    private final Engine engine;
    private final Path dir;
    private final long minFreeBytes;
    private final LongSupplier freeBytes;

    JournalSpaceGuard(Engine engine, Path dir, int minFreeMb) throws IOException {
        this(engine, dir, minFreeMb, usableSpace(Files.getFileStore(dir)));
    }

    JournalSpaceGuard(Engine engine, Path dir, int minFreeMb, LongSupplier freeBytes) {
        this.engine = engine;
        this.dir = dir;
        this.minFreeBytes = minFreeMb * 1024L * 1024L;
        this.freeBytes = freeBytes;
    }

    private static LongSupplier usableSpace(FileStore store) {
        return () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                return -1;
            }
        };
    }

    /** One check: refuse while the disk is short of space; accept again when the journal takes a write. */
    void check() {
        long free = freeBytes.getAsLong();
        if (free < 0) {
            engine.journalUnavailable("cannot read the free space of the journal's disk (" + dir + ")");
            return;
        }
        if (free < minFreeBytes) {
            engine.journalUnavailable("the journal's disk (" + dir + ") has " + (free >> 20) + " MB free, under "
                    + "journal.minFreeMb " + (minFreeBytes >> 20));
            return;
        }
        if (engine.journalProblem() != null && engine.probeJournal()) {
            engine.journalAvailable();
        }
    }
}
