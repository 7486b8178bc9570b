package io.smsrouter.core.policy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] n = new long[1];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            IOException[] failed = new IOException[1];
            registry.forEach(o -> {
                if (failed[0] != null) {
                    return;
                }
                try {
                    out.writeBoolean(true);
                    writeNullable(out, o.accountId());
                    writeNullable(out, o.sender());
                    out.writeUTF(o.msisdn());
                    out.writeLong(o.atMs());
                    out.writeUTF(o.source());
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
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return n[0];
    }

    /** Adds every entry of {@code file} to {@code registry}; 0 when there is no file. */
    public static long load(Path file, OptOutRegistry registry) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + " is not an opt-out snapshot of this version");
            }
            while (in.readBoolean()) {
                registry.add(new OptOut(readNullable(in), readNullable(in), in.readUTF(), in.readLong(), in.readUTF()));
                n++;
            }
        } catch (EOFException e) {
            throw new IOException(file + " is cut short after " + n + " entries", e);
        }
        return n;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
