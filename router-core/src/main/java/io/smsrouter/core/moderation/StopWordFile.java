package io.smsrouter.core.moderation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

/**
 * The stop-word file behind a {@link Moderator}: loaded at start, re-read when it changes on
 * disk ({@link #reloadIfChanged}, polled), and replaceable through the admin API
 * ({@link #replace}). A list with an error is refused and the one in force stays; the error is
 * kept for {@link #lastError} so that the API and the log can say what is wrong.
 *
 * <p>Without a file (none configured) the list lives only in memory: {@link #replace} still
 * works until the next start.
 */
public final class StopWordFile {
    private static final Logger log = LoggerFactory.getLogger(StopWordFile.class);

    private final Path path;
    private final Moderator moderator;
    private String text = "";
    private FileTime lastModified;
    private long lastSize = -1;
    private volatile String lastError;
    private volatile long loadedAtMs;

    public StopWordFile(Path path, Moderator moderator) {
        this.path = path;
        this.moderator = moderator;
    }

    public Path path() {
        return path;
    }

    /** Loads the file at start; an error here stops the start. */
    public synchronized void load() throws IOException, StopWordFormatException {
        if (path == null) {
            return;
        }
        FileTime mtime = Files.getLastModifiedTime(path);
        long size = Files.size(path);
        String content = read(path);
        install(content, StopWordAutomaton.build(StopWordList.parse(path.toString(), content)));
        lastModified = mtime;
        lastSize = size;
    }

    /**
     * Re-reads the file if its time or size changed. A bad file is logged and refused; the list in
     * force stays. True when a new list was installed.
     */
    public synchronized boolean reloadIfChanged() {
        if (path == null) {
            return false;
        }
        FileTime mtime;
        long size;
        try {
            mtime = Files.getLastModifiedTime(path);
            size = Files.size(path);
        } catch (IOException e) {
            remember("cannot read " + path + ": " + e.getMessage() + "; the previous list stays in force");
            return false;
        }
        if (mtime.equals(lastModified) && size == lastSize) {
            return false;
        }
        lastModified = mtime;
        lastSize = size;
        try {
            String content = read(path);
            if (content.equals(text)) {
                return false;
            }
            install(content, StopWordAutomaton.build(StopWordList.parse(path.toString(), content)));
            log.info("stop words reloaded from {}: {} entries", path, moderator.automaton().size());
            return true;
        } catch (IOException e) {
            remember("cannot read " + path + ": " + e.getMessage() + "; the previous list stays in force");
        } catch (StopWordFormatException e) {
            remember(e.getMessage() + "; the previous list stays in force");
        }
        return false;
    }

    /**
     * Validates a new list, writes it over the file (atomically: a crash leaves the old or the new
     * one) and puts it in force. A bad list throws and changes nothing.
     */
    public synchronized void replace(String content) throws StopWordFormatException, IOException {
        StopWordAutomaton next = StopWordAutomaton.build(
                StopWordList.parse(path == null ? "stop words" : path.toString(), content));
        if (path != null) {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            lastModified = Files.getLastModifiedTime(path);
            lastSize = Files.size(path);
        }
        install(content, next);
        log.info("stop words replaced through the admin API: {} entries", next.size());
    }

    /** The text of the list in force. */
    public synchronized String text() {
        return text;
    }

    /** What was wrong with the last file that was refused, or null when the last load succeeded. */
    public String lastError() {
        return lastError;
    }

    public long loadedAtMs() {
        return loadedAtMs;
    }

    private void install(String content, StopWordAutomaton automaton) {
        moderator.use(automaton);
        text = content;
        lastError = null;
        loadedAtMs = System.currentTimeMillis();
    }

    private void remember(String error) {
        if (!error.equals(lastError)) {
            log.error("stop words not reloaded: {}", error);
        }
        lastError = error;
    }

    private static String read(Path p) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not valid UTF-8", e);
        }
    }
}
