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
import java.util.function.Consumer;

/**
 * The file format and the durable write shared by the policy snapshots ({@link OptOutSnapshot},
 * {@link ConsentSnapshot}): a magic number and a version, then each entry behind a {@code true},
 * and a {@code false} at the end. Written to a temporary file, forced to disk and moved over the
 * old one, so a crash leaves either snapshot whole.
 */
final class SnapshotFile {
    private SnapshotFile() {
    }

    /** Writes one entry's fields. */
    interface EntryWriter<T> {
        void write(DataOutputStream out, T entry) throws IOException;
    }

    /** Reads one entry's fields and applies it; {@code index} counts from 0. */
    interface EntryReader {
        void read(DataInputStream in, long index) throws IOException;
    }

    /** Writes every entry {@code forEach} hands over to {@code file}; returns how many. */
    static <T> long write(Path file, int magic, int version, Consumer<Consumer<T>> forEach, EntryWriter<T> writer)
            throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] n = new long[1];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(magic);
            out.writeInt(version);
            IOException[] failed = new IOException[1];
            forEach.accept(entry -> {
                if (failed[0] != null) {
                    return;
                }
                try {
                    out.writeBoolean(true);
                    writer.write(out, entry);
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

    /**
     * Reads every entry of {@code file}; 0 when there is no file. {@code what} names the kind of
     * snapshot in the error of a file of another kind or version.
     */
    static long load(Path file, int magic, int version, String what, EntryReader reader) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != magic || in.readInt() != version) {
                throw new IOException(file + " is not " + what + " of this version");
            }
            while (in.readBoolean()) {
                reader.read(in, n);
                n++;
            }
        } catch (EOFException e) {
            throw new IOException(file + " is cut short after " + n + " entries", e);
        }
        return n;
    }

    static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
