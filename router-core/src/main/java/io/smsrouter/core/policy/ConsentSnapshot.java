package io.smsrouter.core.policy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] n = new long[1];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            IOException[] failed = new IOException[1];
            registry.forEach(c -> {
                if (failed[0] != null) {
                    return;
                }
                try {
                    out.writeBoolean(true);
                    out.writeLong(c.id());
                    out.writeBoolean(c.granted());
                    out.writeUTF(c.accountId());
                    out.writeBoolean(c.sender() != null);
                    if (c.sender() != null) {
                        out.writeUTF(c.sender());
                    }
                    out.writeUTF(c.msisdn());
                    out.writeUTF(c.source());
                    out.writeUTF(c.evidence()); // at most 2,000 chars: within writeUTF's 65,535 bytes
                    out.writeLong(c.givenAtMs());
                    out.writeLong(c.recordedAtMs());
                    out.writeUTF(c.recordedBy());
                    n[0]++;
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            out.writeBoolean(false);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return n[0];
    }

    /** Records every entry of {@code file} in {@code registry}; 0 when there is no file. */
    public static long load(Path file, ConsentRegistry registry) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + " is not a consent snapshot of this version");
            }
            while (in.readBoolean()) {
                long id = in.readLong();
                boolean granted = in.readBoolean();
                String account = in.readUTF();
                String sender = in.readBoolean() ? in.readUTF() : null;
                registry.record(new Consent(id, granted, account, sender, in.readUTF(), in.readUTF(), in.readUTF(),
                        in.readLong(), in.readLong(), in.readUTF()));
                n++;
            }
        } catch (EOFException e) {
            throw new IOException(file + " is cut short after " + n + " entries", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": entry " + (n + 1) + " is not valid: " + e.getMessage(), e);
        }
        return n;
    }
}
