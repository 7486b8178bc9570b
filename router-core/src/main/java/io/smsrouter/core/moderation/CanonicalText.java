package io.smsrouter.core.moderation;

/**
 * Scratch space of one thread: a text's tokens and its canonical run-length-encoded symbol stream
 * as {@link TextNormalizer} writes them and {@link StopWordAutomaton} reads them. Every array only
 * grows, so once a thread has seen its longest text, normalizing and scanning allocate nothing.
 *
 * <p>A run is a maximal repetition of one canonical symbol inside a word (joiners do not break it,
 * a {@link TextNormalizer#SPACE_SYMBOL space} does): its symbol, its length (saturating at 255), its
 * flags ({@code F_*}: scripts of the chars it came from, word start), the offset inside the run of
 * its first word start when the run does not begin at one (a run merged across a joiner, as in
 * {@code ммм.ммм}), and the char offsets in the original text of its first char, of that inner word
 * start, just after its first char and just after its last char.
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
    static final int SCRIPT_FLAGS = F_LATIN | F_CYRILLIC | F_OTHER | F_NOT_UPPER_LOOKALIKE;

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

    // tokens: whitespace-separated chunks of the source
    int tokens;
    int[] tokStart = new int[64];
    int[] tokEnd = new int[64];
    int[] tokLatin = new int[64];
    int[] tokCyrillic = new int[64];
    /** letters, digits and letter-like symbols ({@code @ $}) of the token, saturating at 2 */
    byte[] tokAlnum = new byte[64];
    /** bit 0: has a letter; bit 1: has a char mapped differently in Latin and Cyrillic context */
    byte[] tokInfo = new byte[64];
    /** more Cyrillic than Latin letters in the whole text */
    boolean cyrillicMajority;
    /** some word has a char read one way in Latin context and another in Cyrillic context */
    boolean ambiguous;

    // runs
    int runs;
    char[] sym = new char[256];
    int[] count = new int[256];
    byte[] flags = new byte[256];
    int[] innerStart = new int[256];
    int[] origStart = new int[256];
    int[] origInner = new int[256];
    int[] origEnd = new int[256];
    /** end of the run's first char: where a prefix match needing one repetition of a longer run ends */
    int[] origFirstEnd = new int[256];
    /** the runs' symbols as dense ids of the automaton being scanned */
    char[] ids = new char[256];

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
        cyrillicMajority = false;
        // a char gives at most MAX_EXPANSION symbols; spaces between words are whitespace chars
        int maxRuns = len * TextNormalizer.MAX_EXPANSION + 2;
        if (sym.length < maxRuns) {
            int n = Math.max(maxRuns, sym.length * 2);
            sym = new char[n];
            count = new int[n];
            flags = new byte[n];
            innerStart = new int[n];
            origStart = new int[n];
            origInner = new int[n];
            origEnd = new int[n];
            origFirstEnd = new int[n];
            ids = new char[n];
        }
    }

    void addToken(int start, int end, int latin, int cyrillic, int alnum, int info) {
        if (tokens == tokStart.length) {
            int n = tokens * 2;
            tokStart = java.util.Arrays.copyOf(tokStart, n);
            tokEnd = java.util.Arrays.copyOf(tokEnd, n);
            tokLatin = java.util.Arrays.copyOf(tokLatin, n);
            tokCyrillic = java.util.Arrays.copyOf(tokCyrillic, n);
            tokAlnum = java.util.Arrays.copyOf(tokAlnum, n);
            tokInfo = java.util.Arrays.copyOf(tokInfo, n);
        }
        tokStart[tokens] = start;
        tokEnd[tokens] = end;
        tokLatin[tokens] = latin;
        tokCyrillic[tokens] = cyrillic;
        tokAlnum[tokens] = (byte) Math.min(alnum, 2);
        tokInfo[tokens] = (byte) info;
        tokens++;
    }

    /** Appends one symbol, merging it into the previous run when it repeats that run's symbol. */
    void push(char s, int f, int start, int end) {
        int n = runs;
        if (n > 0 && sym[n - 1] == s && s != TextNormalizer.SPACE_SYMBOL) {
            int i = n - 1;
            int c = count[i];
            if ((f & F_WORD_START) != 0 && innerStart[i] == 0 && (flags[i] & F_WORD_START) == 0) {
                innerStart[i] = c;
                origInner[i] = start;
            }
            count[i] = c < 255 ? c + 1 : 255;
            flags[i] |= (byte) (f & SCRIPT_FLAGS);
            origEnd[i] = end;
            return;
        }
        sym[n] = s;
        count[n] = 1;
        flags[n] = (byte) f;
        innerStart[n] = 0;
        origStart[n] = start;
        origInner[n] = start;
        origEnd[n] = end;
        origFirstEnd[n] = end;
        runs = n + 1;
    }

    /** How many repetitions of run {@code r}'s symbol a match may start with: 0 when no word starts in it. */
    int startAvailable(int r) {
        if ((flags[r] & F_WORD_START) != 0) {
            return count[r];
        }
        int inner = innerStart[r];
        return inner == 0 ? 0 : count[r] - inner;
    }

    /** Original offset where a match starting in run {@code r} begins. */
    int matchStart(int r) {
        return (flags[r] & F_WORD_START) != 0 ? origStart[r] : origInner[r];
    }

    /** The canonical stream as text, runs written out, word starts marked with '|': for tests and debugging. */
    String debugString() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < runs; r++) {
            if ((flags[r] & F_WORD_START) != 0 && sym[r] != TextNormalizer.SPACE_SYMBOL) {
                b.append('|');
            }
            for (int k = 0; k < count[r]; k++) {
                b.append(sym[r]);
            }
        }
        return b.toString();
    }
}
