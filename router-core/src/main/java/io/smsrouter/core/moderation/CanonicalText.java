package io.smsrouter.core.moderation;

import java.util.Arrays;

/**
 * Scratch space of one thread: a text's tokens and its canonical run-length-encoded symbol stream
 * as {@link TextNormalizer} writes them and {@link StopWordAutomaton} reads them. Every array only
 * grows, so once a thread has seen its longest text, normalizing and scanning allocate nothing.
 *
 * <p>A run is a maximal repetition of one canonical symbol inside a word (joiners do not break it,
 * a {@link TextNormalizer#SPACE_SYMBOL space} does), packed in one int: symbol (bits 0-15), length
 * (16-23, saturating at 255) and flags (24-30, {@code F_*}: scripts of the chars it came from, word
 * start). When a run does not begin at a word start but one falls inside it (a run merged across
 * a joiner, as in {@code бм.мммм}), {@link #F_INNER} is set and {@code innerStart} holds the offset.
 * Only when {@link #trackOffsets} is set (findAll) are the original char offsets recorded: of the
 * run's first char, of that inner word start, just after its first char and just after its last.
 */
final class CanonicalText {
    /** The run holds a char of the Latin script. */
    static final int F_LATIN = 1;
    /** The run holds a char of the Cyrillic script. */
    static final int F_CYRILLIC = 2;
    /** The run holds a letter of another script (Greek look-alikes, CJK...). */
    static final int F_OTHER = 4;
    /** The run holds a Latin char that is not an upper-case look-alike of a Cyrillic letter ({@code CTABKA}). */
    static final int F_NOT_UPPER_LOOKALIKE = 8;
    /** The run begins at a possible word start: text start, after a space, a joiner or inside spaced-out letters. */
    static final int F_WORD_START = 16;
    /** A word start with no space run before it (after a joiner, or inside spaced-out letters). */
    static final int F_SOFT_START = 32;
    /** A word start falls inside the run, at {@code innerStart}. */
    static final int F_INNER = 64;
    static final int SCRIPT_FLAGS = F_LATIN | F_CYRILLIC | F_OTHER | F_NOT_UPPER_LOOKALIKE;

    static final int COUNT_SHIFT = 16;
    static final int FLAG_SHIFT = 24;
    static final int ONE = 1 << COUNT_SHIFT;

    private static final ThreadLocal<CanonicalText> LOCAL = ThreadLocal.withInitial(CanonicalText::new);

    static CanonicalText local() {
        return LOCAL.get();
    }

    // the text when the caller passed a CharSequence
    char[] copy = new char[256];

    // source of the current text
    char[] src;
    int off;
    int len;
    /** record original offsets per run (findAll); the boolean scan does not need them */
    boolean trackOffsets;
    /** record every word in the word table, not only those written again (tests) */
    boolean recordAll;

    // tokens: whitespace-separated chunks of the source
    int tokens;
    int[] tokStart = new int[64];
    int[] tokEnd = new int[64];
    int[] tokLatin = new int[64];
    int[] tokCyrillic = new int[64];
    /** letters, digits and letter-like symbols ({@code @ $}) of the token, saturating at 2 */
    byte[] tokAlnum = new byte[64];
    /** {@code TOK_*} bits */
    byte[] tokInfo = new byte[64];
    static final int TOK_LETTER = 1;
    static final int TOK_AMBIGUOUS = 2;
    static final int TOK_SLOW = 4;
    /** tokLatin, tokCyrillic and tokAlnum are exact (see TextNormalizer.countScripts) */
    static final int TOK_COUNTED = 8;

    /** 0 not known yet, 1 more Cyrillic than Latin letters in the whole text, -1 not */
    private int cyrillicMajority;
    /** some word has a char read one way in Latin context and another in Cyrillic context */
    boolean ambiguous;
    /** a space run goes before the next symbol (a new word after an earlier one) */
    boolean spacePending;

    // runs
    int runs;
    int[] run = new int[256];
    int[] innerStart = new int[256];
    int[] origStart = new int[256];
    int[] origInner = new int[256];
    int[] origFirstEnd = new int[256];
    int[] origEnd = new int[256];

    char[] copyOf(CharSequence text) {
        int n = text.length();
        if (copy.length < n) {
            copy = new char[Math.max(n, copy.length * 2)];
        }
        if (text instanceof String s) {
            s.getChars(0, n, copy, 0);
        } else {
            for (int i = 0; i < n; i++) {
                copy[i] = text.charAt(i);
            }
        }
        return copy;
    }

    void reset(char[] src, int off, int len) {
        this.src = src;
        this.off = off;
        this.len = len;
        tokens = 0;
        runs = 0;
        ambiguous = false;
        spacePending = false;
        cyrillicMajority = 0;
        // a char gives at most MAX_EXPANSION symbols; spaces between words are whitespace chars
        int maxRuns = len * TextNormalizer.MAX_EXPANSION + 2;
        if (run.length < maxRuns) {
            int n = Math.max(maxRuns, run.length * 2);
            run = new int[n];
            innerStart = new int[n];
            origStart = new int[n];
            origInner = new int[n];
            origFirstEnd = new int[n];
            origEnd = new int[n];
        }
    }

    void addToken(int start, int end, int latin, int cyrillic, int alnum, int info) {
        if (tokens == tokStart.length) {
            int n = tokens * 2;
            tokStart = Arrays.copyOf(tokStart, n);
            tokEnd = Arrays.copyOf(tokEnd, n);
            tokLatin = Arrays.copyOf(tokLatin, n);
            tokCyrillic = Arrays.copyOf(tokCyrillic, n);
            tokAlnum = Arrays.copyOf(tokAlnum, n);
            tokInfo = Arrays.copyOf(tokInfo, n);
        }
        tokStart[tokens] = start;
        tokEnd[tokens] = end;
        tokLatin[tokens] = latin;
        tokCyrillic[tokens] = cyrillic;
        tokAlnum[tokens] = (byte) Math.min(alnum, 2);
        tokInfo[tokens] = (byte) info;
        tokens++;
    }

    /**
     * Appends one symbol with its flags, merging it into the previous run when it repeats that
     * run's symbol; {@code start, end}: its chars in the original text (recorded when tracking).
     */
    void push(char s, int f, int start, int end) {
        int n = runs;
        if (n > 0 && (run[n - 1] & 0xFFFF) == s && s != TextNormalizer.SPACE_SYMBOL) {
            merge(n - 1, f, start, end);
            return;
        }
        run[n] = s | ONE | f << FLAG_SHIFT;
        runs = n + 1;
        if (trackOffsets) {
            offsets(n, start, end);
        }
    }

    void offsets(int r, int start, int end) {
        origStart[r] = start;
        origInner[r] = start;
        origFirstEnd[r] = end;
        origEnd[r] = end;
    }

    /** One more repetition of run {@code i}'s symbol. */
    void merge(int i, int f, int start, int end) {
        int p = run[i];
        int count = (p >>> COUNT_SHIFT) & 0xFF;
        if ((f & F_WORD_START) != 0 && (p >>> FLAG_SHIFT & (F_WORD_START | F_INNER)) == 0) {
            innerStart[i] = count;
            p |= F_INNER << FLAG_SHIFT;
            if (trackOffsets) {
                origInner[i] = start;
            }
        }
        if (count < 255) {
            p += ONE;
        }
        run[i] = p | (f & SCRIPT_FLAGS) << FLAG_SHIFT;
        if (trackOffsets) {
            origEnd[i] = end;
        }
    }

    /** More Cyrillic than Latin letters in the whole text (counted on first use: rarely needed). */
    boolean cyrillicMajority() {
        if (cyrillicMajority == 0) {
            long letters = TextNormalizer.countLetters(this);
            cyrillicMajority = (int) (letters >>> 32) > (int) letters ? 1 : -1;
        }
        return cyrillicMajority > 0;
    }

    char sym(int r) {
        return (char) run[r];
    }

    int count(int r) {
        return (run[r] >>> COUNT_SHIFT) & 0xFF;
    }

    int flags(int r) {
        return run[r] >>> FLAG_SHIFT;
    }

    /** How many repetitions of run {@code r}'s symbol a match may start with: 0 when no word starts in it. */
    int startAvailable(int r) {
        int p = run[r];
        int f = p >>> FLAG_SHIFT;
        if ((f & F_WORD_START) != 0) {
            return (p >>> COUNT_SHIFT) & 0xFF;
        }
        return (f & F_INNER) == 0 ? 0 : ((p >>> COUNT_SHIFT) & 0xFF) - innerStart[r];
    }

    /** Original offset where a match starting in run {@code r} begins (tracking only). */
    int matchStart(int r) {
        return (flags(r) & F_WORD_START) != 0 ? origStart[r] : origInner[r];
    }

    /** The canonical stream as text, runs written out, word starts marked with '|': for tests and debugging. */
    String debugString() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < runs; r++) {
            if ((flags(r) & F_WORD_START) != 0 && sym(r) != TextNormalizer.SPACE_SYMBOL) {
                b.append('|');
            }
            for (int k = 0; k < count(r); k++) {
                b.append(sym(r));
            }
        }
        return b.toString();
    }
}
