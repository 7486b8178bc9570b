package io.smsrouter.core.policy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Every opt-out in one file, so that the journal files that recorded them can be deleted: opt-outs
 * have no end, unlike messages. Written to a temporary file, forced to disk and moved over the
 * old one, so a crash leaves either snapshot whole. Loaded at start before the journal is
 * replayed; the journal's opt-out events then apply on top (adding one again changes nothing).
 */
public final class OptOutSnapshot {
    private static final int MAGIC = 0x4F505453; // "OPTS"
    private static final int VERSION = 1;

    private OptOutSnapshot() {
    }

    /** Writes every entry of {@code registry} to {@code file}; returns how many. */
    public static long write(OptOutRegistry registry, Path file) throws IOException {
        return SnapshotFile.<OptOut>write(file, MAGIC, VERSION, registry::forEach, (out, o) -> {
            SnapshotFile.writeNullable(out, o.accountId());
            SnapshotFile.writeNullable(out, o.sender());
            out.writeUTF(o.msisdn());
            out.writeLong(o.atMs());
            out.writeUTF(o.source());
        });
    }

    /** Adds every entry of {@code file} to {@code registry}; 0 when there is no file. */
    public static long load(Path file, OptOutRegistry registry) throws IOException {
        return SnapshotFile.load(file, MAGIC, VERSION, "an opt-out snapshot", (in, index) -> registry.add(
                new OptOut(SnapshotFile.readNullable(in), SnapshotFile.readNullable(in), in.readUTF(), in.readLong(),
                        in.readUTF())));
    }
}
