package io.smsrouter.core.policy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Every consent entry in one file, so that journal retention can delete the files that recorded
 * them: a consent history is kept for as long as the company may have to show it, unlike
 * messages. Written to a temporary file, forced to disk and moved over the old one, so a crash
 * leaves either snapshot whole. Loaded at start before the journal is replayed; an entry found in
 * both is recorded once (same id, {@link ConsentRegistry#record}).
 */
public final class ConsentSnapshot {
    private static final int MAGIC = 0x434F4E53; // "CONS"
    private static final int VERSION = 1;

    private ConsentSnapshot() {
    }

    /** Writes every entry of {@code registry} to {@code file}; returns how many. */
    public static long write(ConsentRegistry registry, Path file) throws IOException {
        return SnapshotFile.<Consent>write(file, MAGIC, VERSION, registry::forEach, (out, c) -> {
            out.writeLong(c.id());
            out.writeBoolean(c.granted());
            out.writeUTF(c.accountId());
            SnapshotFile.writeNullable(out, c.sender());
            out.writeUTF(c.msisdn());
            out.writeUTF(c.source());
            out.writeUTF(c.evidence()); // at most 2,000 chars: within writeUTF's 65,535 bytes
            out.writeLong(c.givenAtMs());
            out.writeLong(c.recordedAtMs());
            out.writeUTF(c.recordedBy());
        });
    }

    /** Records every entry of {@code file} in {@code registry}; 0 when there is no file. */
    public static long load(Path file, ConsentRegistry registry) throws IOException {
        return SnapshotFile.load(file, MAGIC, VERSION, "a consent snapshot", (in, index) -> {
            long id = in.readLong();
            boolean granted = in.readBoolean();
            String account = in.readUTF();
            String sender = SnapshotFile.readNullable(in);
            try {
                registry.record(new Consent(id, granted, account, sender, in.readUTF(), in.readUTF(), in.readUTF(),
                        in.readLong(), in.readLong(), in.readUTF()));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": entry " + (index + 1) + " is not valid: " + e.getMessage(), e);
            }
        });
    }
}
