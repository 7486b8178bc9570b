package io.smsrouter.core.moderation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed stop-word file (moderation.stopWords, shared/SPEC.md §4); {@link StopWordAutomaton#build}
 * compiles it for scanning.
 *
 * <p>Format, UTF-8, one entry a line:
 * <ul>
 *   <li>Blank lines are ignored. {@code # category: NAME} starts a category: the entries below it,
 *       up to the next category line, belong to it (before any, to {@value #DEFAULT_CATEGORY}).
 *       Any other line starting with {@code #} is a comment.</li>
 *   <li>A plain entry matches at the start of a word, as a prefix: {@code кредит} matches
 *       {@code кредиты} and {@code кредитный}, {@code акция} does not match inside {@code транзакция}.</li>
 *   <li>{@code =word} matches the whole word only: {@code =bet} matches {@code bet}, not {@code better}.</li>
 *   <li>An entry may be a phrase of words separated by spaces ({@code финансовая пирамида}): every
 *       word but the last must match whole, the last as a prefix (whole too with {@code =}).</li>
 *   <li>At most {@value #MAX_ENTRY_CHARS} chars an entry (without the {@code =}).</li>
 * </ul>
 * Duplicate lines are dropped (the first one is kept).
 */
public final class StopWordList {
    public static final String DEFAULT_CATEGORY = "default";
    public static final int MAX_ENTRY_CHARS = 64;

    private static final Pattern CATEGORY = Pattern.compile("#\\s*category\\s*:(.*)", Pattern.CASE_INSENSITIVE);

    /**
     * One entry.
     *
     * @param text     the entry as written, trimmed ({@code =ставка})
     * @param category its category
     * @param line     its line in the file, 1-based
     */
    public record Entry(String text, String category, int line) {
        /** Whether it matches whole words only ({@code =word}). */
        public boolean wholeWord() {
            return text.startsWith("=");
        }

        /** The entry without its {@code =}. */
        public String word() {
            return wholeWord() ? text.substring(1).strip() : text;
        }
    }

    private final String source;
    private final List<Entry> entries;

    private StopWordList(String source, List<Entry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
    }

    /** Reads and parses a UTF-8 stop-word file; the file name is the source named in errors. */
    public static StopWordList load(Path file) throws IOException {
        return parse(file.toString(), Files.readAllBytes(file));
    }

    /** Parses UTF-8 bytes; invalid UTF-8 is a {@link StopWordFormatException} naming the line. */
    public static StopWordList parse(String sourceName, byte[] utf8) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isUnderflow()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (utf8[i] == '\n') {
                    line++;
                }
            }
            throw new StopWordFormatException(sourceName, line,
                    String.format(Locale.ROOT, "invalid UTF-8 (byte 0x%02X at offset %d)", utf8[at] & 0xFF, at));
        }
        out.flip();
        return parse(sourceName, out.toString());
    }

    /** Parses the text of a stop-word file; {@code sourceName} is named in errors. */
    public static StopWordList parse(String sourceName, String text) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String category = DEFAULT_CATEGORY;
        CanonicalText scratch = new CanonicalText();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = CATEGORY.matcher(line);
                if (m.matches()) {
                    category = m.group(1).strip();
                    if (category.isEmpty()) {
                        throw new StopWordFormatException(sourceName, lineNo, "category line without a name");
                    }
                }
                continue;
            }
            Entry entry = new Entry(line, category, lineNo);
            String word = entry.word();
            if (word.isEmpty()) {
                throw new StopWordFormatException(sourceName, lineNo, "\"=\" without a word after it");
            }
            if (word.length() > MAX_ENTRY_CHARS) {
                throw new StopWordFormatException(sourceName, lineNo, "entry \"" + abbreviate(word) + "\" is "
                        + word.length() + " chars long, at most " + MAX_ENTRY_CHARS + " allowed");
            }
            TextNormalizer.normalize(word, scratch);
            if (scratch.runs == 0) {
                throw new StopWordFormatException(sourceName, lineNo, "entry \"" + line
                        + "\" normalizes to nothing (only punctuation, symbols or invisible chars)");
            }
            if (seen.add(line)) {
                entries.add(entry);
            }
        }
        return new StopWordList(sourceName, entries);
    }

    private static String abbreviate(String s) {
        return s.substring(0, 20) + "…";
    }

    /** Where the list came from (a file name). */
    public String source() {
        return source;
    }

    /** The entries in file order, duplicates dropped. */
    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return "StopWordList[" + source + ", " + entries.size() + " entries]";
    }
}
