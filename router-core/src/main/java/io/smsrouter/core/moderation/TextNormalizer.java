package io.smsrouter.core.moderation;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns text, and stop-word entries with the very same function, into a canonical stream of
 * run-length-encoded symbols with word-start marks ({@link CanonicalText}), so that the many ways
 * of writing a word meet in one alphabet.
 *
 * <p>Per char, one lookup in a table built once at class initialisation for every BMP char:
 * <ul>
 *   <li>NFKD decomposition with the marks dropped (fullwidth {@code ｃａｓｉｎｏ}, accented Latin,
 *       circled and mathematical letters, ligatures {@code ﬁ} expanded to up to three symbols),
 *       lower case, {@code ё}→{@code е}; {@code й} stays apart from {@code и}.</li>
 *   <li>A skeleton for look-alikes that is injective inside each script: the Latin letters that
 *       look like Cyrillic ones become that Cyrillic letter ({@code a c e o p x y k m t h b n u r}
 *       → {@code а с е о р х у к м т н в п и г}); Greek look-alikes and Cyrillic
 *       {@code і ј ѕ ԁ һ} go to the same skeleton. Pure Latin words thus never meet each other, nor
 *       pure Cyrillic ones; a Cyrillic word that spells a Latin one ({@code вет}/{@code bet}) is
 *       told apart afterwards by the scripts recorded per run (see {@link StopWordAutomaton}).</li>
 *   <li>Dropped entirely: combining marks (stress {@code а́}) except a breve after {@code и},
 *       which makes {@code й}; format chars (zero-width space, joiners, soft hyphen, bidi marks,
 *       U+2060–2064, BOM, tag characters), controls, Hangul fillers.</li>
 *   <li>Whitespace separates words. Punctuation and symbols, emoji included, between two letters
 *       or digits of a word are a <em>joiner</em>: dropped, but the next letter is also marked as a
 *       possible word start ({@code к.а.з.и.н.о}, {@code каз-ино}, {@code Привет.Кредит}); at the
 *       edge of a word they are nothing.</li>
 *   <li>Supplementary chars: mathematical alphanumerics (U+1D400–1D7FF) and enclosed
 *       alphanumerics (U+1F100–1F1FF, the negative squared and circled ones too) are their
 *       letter or digit; tag characters and variation selectors are dropped; everything else
 *       (emoji) is a symbol, so a joiner inside a word and nothing at its edge.</li>
 * </ul>
 *
 * <p>Per word (whitespace-separated token):
 * <ul>
 *   <li>In a word with at least one letter, digits in runs of at most two and {@code @ $} stand for
 *       letters; which ones depends on the word's majority script (Cyrillic on a tie, Latin
 *       when it has neither):
 *       both {@code 0}→о, {@code @}→а; Cyrillic {@code 1}→и, {@code 3}→з, {@code 4}→ч,
 *       {@code 6}→б, {@code $}→с, {@code i}→и; Latin {@code 1}→i, {@code 3}→e, {@code 4}→a,
 *       {@code 5}→s, {@code 7}→t, {@code 8}→b, {@code $}→s. A word with a digit or {@code $} that
 *       reads differently in the two scripts is <em>ambiguous</em>, and the automaton scans a
 *       second stream with those words read the other way ({@code к4зино}: 4 as Latin a). Numbers
 *       ({@code 2000}, {@code 100 000}) and long digit runs ({@code код:1234}) stay digits.</li>
 *   <li>Three or more one-symbol words in a row ({@code к а з и н о}, {@code к. а. з. и. н. о.})
 *       are merged into one word whose every letter is a possible word start. Longer words are
 *       never merged: {@code рак азино} is not {@code казино}.</li>
 *   <li>Repeated symbols are one run with a length; entries keep their lengths too, and a run of
 *       the text matches a run of an entry when it is at least as long ({@code кассса} is
 *       {@code касса}, {@code каса} is not; {@code мммм} is {@code ммм}, {@code Москва} is not).</li>
 * </ul>
 *
 * <p>Cost. {@link #normalize} makes one pass over the chars, writing each word at once as plain
 * letters and digits (about twenty simple operations a char, one int stored a run, nothing
 * allocated); only the words that need their letters counted or a look-ahead are rewound and
 * written again (see there). Original char offsets are recorded only for findAll.
 */
final class TextNormalizer {
    private TextNormalizer() {
    }

    /** The symbol between words (whitespace runs, and the space inside a phrase entry). */
    static final char SPACE_SYMBOL = ' ';
    /** A char yields at most this many symbols (ligatures such as {@code ﬃ}). */
    static final int MAX_EXPANSION = 3;

    // char classes
    static final int IGNORE = 0;
    static final int SPACE = 1;
    static final int PUNCT = 2;
    static final int LETTER = 3;
    static final int DIGIT = 4;
    static final int SYMLETTER = 5;
    static final int CTXLETTER = 6;
    static final int EXPAND = 7;
    static final int HIGH = 8;
    static final int LOW = 9;

    // scripts
    private static final int SC_NONE = 0;
    private static final int SC_LATIN = 1;
    private static final int SC_CYRILLIC = 2;
    private static final int SC_OTHER = 3;

    // packed table value: bits 0-15 symbol (or index), 16-23 what the word pass needs, tested
    // and accumulated without decoding, 24-27 the run flags of its script (CanonicalText.F_LATIN...),
    // 28-31 class. Symbol and script sit where a run keeps them: (v & RUN_BITS) | ONE | start is a run.
    private static final int SCRIPT_SHIFT = CanonicalText.FLAG_SHIFT;
    private static final int CLASS_SHIFT = 28;
    private static final int RUN_BITS = 0xFFFF | CanonicalText.SCRIPT_FLAGS << SCRIPT_SHIFT;
    /** punctuation or symbol: a joiner inside a word */
    private static final int P_PUNCT = 1 << 16;
    /** read by the word's script: the i letters, digits, $ */
    private static final int P_CONTEXT = 1 << 17;
    private static final int ALNUM_BIT = 18;
    private static final int P_ALNUM = 1 << ALNUM_BIT;
    private static final int P_LETTER = 1 << 19;
    /** the word needs the general emitter (@ $, ligatures, surrogates, a combining breve) */
    private static final int P_SLOW = 1 << 20;
    /** a digit or $: the word may read differently in Latin and Cyrillic context */
    private static final int P_NUMERIC = 1 << 21;
    private static final int P_SPACE = 1 << 22;
    private static final int P_HIGH = 1 << 23;

    // context maps: index 0-9 digits, 10 '@', 11 '$', 12 the i letters; 0 = stays what it is
    private static final int CTX_AT = 10;
    private static final int CTX_DOLLAR = 11;
    private static final int CTX_I = 12;
    private static final char[] CTX_LATIN = {'о', 'i', 0, 'е', 'а', 's', 0, 'т', 'в', 0, 'а', 's', 'i'};
    private static final char[] CTX_CYRILLIC = {'о', 'и', 0, 'з', 'ч', 0, 'б', 0, 0, 0, 'а', 'с', 'и'};
    private static final boolean[] AMBIGUOUS_DIGIT = new boolean[10];

    private static final String LATIN_LOOKALIKES = "aceopxykmthbnur";
    private static final String LATIN_SKELETON = "асеорхукмтнвпиг";
    private static final String UPPER_LOOKALIKES = "ABCEHKMOPTXY";

    private static final int[] TABLE = new int[65536];
    private static final int[] MATH = new int[0x1D800 - 0x1D400];
    private static final int[] ENCLOSED = new int[0x1F200 - 0x1F100];
    private static final char[][] EXPANSIONS;

    static {
        for (int d = 0; d < 10; d++) {
            AMBIGUOUS_DIGIT[d] = CTX_LATIN[d] != CTX_CYRILLIC[d];
        }
        List<char[]> expansions = new ArrayList<>();
        for (int c = 0; c < 65536; c++) {
            TABLE[c] = classify(c, expansions);
        }
        for (int i = 0; i < MATH.length; i++) {
            MATH[i] = classify(0x1D400 + i, expansions);
        }
        for (int i = 0; i < ENCLOSED.length; i++) {
            int cp = 0x1F100 + i;
            if (cp >= 0x1F150 && cp <= 0x1F169) {
                ENCLOSED[i] = classifyBase('A' + cp - 0x1F150); // negative circled capitals
            } else if (cp >= 0x1F170 && cp <= 0x1F189) {
                ENCLOSED[i] = classifyBase('A' + cp - 0x1F170); // negative squared capitals
            } else if (cp >= 0x1F1E6) {
                ENCLOSED[i] = pack(PUNCT, 0, SC_NONE); // regional indicators: flags, not words
            } else {
                ENCLOSED[i] = classify(cp, expansions);
            }
        }
        EXPANSIONS = expansions.toArray(new char[0][]);
        TABLE[0x0306] |= P_SLOW; // a breve after и makes й: the general emitter looks for it
    }

    private static final int LONE_SURROGATE = pack(PUNCT, 0, SC_NONE) | P_SLOW;

    // ---------------------------------------------------------------- table construction

    private static int pack(int cls, int symbol, int script) {
        return pack(cls, symbol, script, false);
    }

    private static int pack(int cls, int symbol, int script, boolean upperLookalike) {
        int v = (symbol & 0xFFFF) | cls << CLASS_SHIFT;
        int flags = switch (script) {
            case SC_LATIN -> upperLookalike ? CanonicalText.F_LATIN
                    : CanonicalText.F_LATIN | CanonicalText.F_NOT_UPPER_LOOKALIKE;
            case SC_CYRILLIC -> CanonicalText.F_CYRILLIC;
            case SC_OTHER -> CanonicalText.F_OTHER;
            default -> 0;
        };
        v |= flags << SCRIPT_SHIFT;
        if (cls == LETTER || cls == CTXLETTER || cls == EXPAND) {
            v |= P_LETTER | P_ALNUM;
        }
        if (cls == CTXLETTER || cls == DIGIT || cls == SYMLETTER && symbol == CTX_DOLLAR) {
            v |= P_CONTEXT;
        }
        if (cls == PUNCT) {
            v |= P_PUNCT;
        }
        if (cls == DIGIT) {
            v |= P_ALNUM; // a number is written as is; a word with letters and digits is written again
        }
        if (cls == SYMLETTER) {
            v |= P_ALNUM | P_SLOW;
        }
        if (cls == DIGIT || cls == SYMLETTER && symbol == CTX_DOLLAR) {
            v |= P_NUMERIC;
        }
        if (cls == EXPAND || cls == HIGH || cls == LOW) {
            v |= P_SLOW;
        }
        if (cls == SPACE) {
            v |= P_SPACE;
        }
        if (cls == HIGH) {
            v |= P_HIGH;
        }
        return v;
    }

    private static int classify(int cp, List<char[]> expansions) {
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            return pack(HIGH, 0, SC_NONE);
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return pack(LOW, 0, SC_NONE);
        }
        switch (cp) {
            case 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180E:
                return pack(IGNORE, 0, SC_NONE); // grapheme joiner, Hangul fillers, Mongolian separator
            case 0x2800:
                return pack(SPACE, 0, SC_NONE); // braille blank looks like a space
            case 'й', 'Й':
                return pack(LETTER, 'й', SC_CYRILLIC); // NFKD would make it и
            case 'ß', 'ẞ':
                return expansion("ss", SC_LATIN, expansions);
            case 'æ', 'Æ':
                return expansion("ae", SC_LATIN, expansions);
            case 'œ', 'Œ':
                return expansion("oe", SC_LATIN, expansions);
            default:
                break;
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85) {
            return pack(SPACE, 0, SC_NONE);
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.CONTROL) {
            return pack(IGNORE, 0, SC_NONE);
        }
        if (type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
            return pack(PUNCT, 0, SC_NONE);
        }
        String d = decompose(cp);
        if (d.isEmpty()) {
            return pack(IGNORE, 0, SC_NONE);
        }
        if (d.codePointCount(0, d.length()) == 1) {
            return classifyBase(d.codePointAt(0));
        }
        if (Character.isLetter(cp) && d.length() <= MAX_EXPANSION && d.chars().allMatch(Character::isLetter)) {
            return expansion(d, scriptOf(d.charAt(0)), expansions);
        }
        return pack(PUNCT, 0, SC_NONE);
    }

    private static int expansion(String letters, int script, List<char[]> expansions) {
        char[] symbols = new char[letters.length()];
        for (int i = 0; i < symbols.length; i++) {
            int v = classifyBase(letters.charAt(i));
            symbols[i] = (v >>> CLASS_SHIFT) == CTXLETTER ? 'i' : (char) v;
        }
        expansions.add(symbols);
        return pack(EXPAND, expansions.size() - 1, script);
    }

    /** NFKD with combining marks and format chars removed. */
    private static String decompose(int cp) {
        String n = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
        StringBuilder b = new StringBuilder(n.length());
        n.codePoints().forEach(c -> {
            int t = Character.getType(c);
            if (t != Character.NON_SPACING_MARK && t != Character.ENCLOSING_MARK && t != Character.FORMAT) {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private static int scriptOf(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.LATIN ? SC_LATIN
                : s == Character.UnicodeScript.CYRILLIC ? SC_CYRILLIC : SC_OTHER;
    }

    /** Classifies one base char (after decomposition). */
    private static int classifyBase(int b) {
        if (Character.isWhitespace(b) || Character.isSpaceChar(b)) {
            return pack(SPACE, 0, SC_NONE);
        }
        if (b == '@') {
            return pack(SYMLETTER, CTX_AT, SC_NONE);
        }
        if (b == '$') {
            return pack(SYMLETTER, CTX_DOLLAR, SC_NONE);
        }
        if (Character.isDigit(b)) {
            return pack(DIGIT, '0' + Character.digit(b, 10), SC_NONE);
        }
        if (!Character.isLetter(b)) {
            return pack(PUNCT, 0, SC_NONE);
        }
        if (Character.UnicodeScript.of(b) == Character.UnicodeScript.GREEK) {
            int g = greek(b);
            if (g == 'i') {
                return pack(CTXLETTER, 'i', SC_OTHER);
            }
            return pack(LETTER, g != 0 ? g : Character.toLowerCase(b), SC_OTHER);
        }
        int script = scriptOf(b);
        boolean upperLookalike = false;
        int l;
        int small = smallCapital(b);
        if (small != 0) {
            l = small;
            upperLookalike = UPPER_LOOKALIKES.indexOf(Character.toUpperCase(small)) >= 0;
        } else {
            upperLookalike = script == SC_LATIN && UPPER_LOOKALIKES.indexOf(b) >= 0;
            l = Character.toLowerCase(b);
        }
        switch (l) {
            case 'ø' -> l = 'o';
            case 'đ' -> l = 'd';
            case 'ħ' -> l = 'h';
            case 'ł' -> l = 'l';
            case 'ı' -> l = 'i';
            case 'ɑ' -> l = 'a';
            case 'ɡ' -> l = 'g';
            case 'ґ' -> l = 'г';
            default -> {
            }
        }
        if (l == 'i' || l == 'і') {
            return pack(CTXLETTER, 'i', script, upperLookalike); // i in Latin context; see CTX_*
        }
        return pack(LETTER, skeleton(l), script, upperLookalike);
    }

    /** The injective look-alike skeleton: Latin letters that look Cyrillic become Cyrillic; Cyrillic і ј ѕ ԁ become Latin. */
    private static int skeleton(int l) {
        int k = l < 128 ? LATIN_LOOKALIKES.indexOf(l) : -1;
        if (k >= 0) {
            return LATIN_SKELETON.charAt(k);
        }
        return switch (l) {
            case 'ё' -> 'е';
            case 'ј' -> 'j';
            case 'ѕ' -> 's';
            case 'ԁ' -> 'd';
            case 'һ' -> 'н';
            case 'ԛ' -> 'q';
            case 'ԝ' -> 'w';
            case 'ӏ' -> 'l';
            default -> l;
        };
    }

    /** Greek look-alikes, by case (capital eta looks like H, small eta like n). 0: none. */
    private static int greek(int g) {
        return switch (g) {
            case 'Α', 'α' -> 'а';
            case 'Β', 'β' -> 'в';
            case 'Ε', 'ε' -> 'е';
            case 'Ζ' -> 'z';
            case 'Η' -> 'н';
            case 'η' -> 'п';
            case 'Ι', 'ι' -> 'i';
            case 'Κ', 'κ' -> 'к';
            case 'Μ' -> 'м';
            case 'Ν' -> 'п';
            case 'ν' -> 'v';
            case 'Ο', 'ο' -> 'о';
            case 'Ρ', 'ρ' -> 'р';
            case 'Τ', 'τ' -> 'т';
            case 'Υ', 'γ' -> 'у';
            case 'υ' -> 'и';
            case 'Χ', 'χ' -> 'х';
            case 'ω' -> 'w';
            case 'ς', 'ϲ', 'Ϲ' -> 'с';
            default -> 0;
        };
    }

    /** Latin small capitals (ᴋᴀᴢɪɴᴏ), which NFKD leaves alone. 0: not one. */
    private static int smallCapital(int c) {
        return switch (c) {
            case 'ᴀ' -> 'a';
            case 'ʙ' -> 'b';
            case 'ᴄ' -> 'c';
            case 'ᴅ' -> 'd';
            case 'ᴇ' -> 'e';
            case 'ꜰ' -> 'f';
            case 'ɢ' -> 'g';
            case 'ʜ' -> 'h';
            case 'ɪ' -> 'i';
            case 'ᴊ' -> 'j';
            case 'ᴋ' -> 'k';
            case 'ʟ' -> 'l';
            case 'ᴍ' -> 'm';
            case 'ɴ' -> 'n';
            case 'ᴏ' -> 'o';
            case 'ᴘ' -> 'p';
            case 'ʀ' -> 'r';
            case 'ꜱ' -> 's';
            case 'ᴛ' -> 't';
            case 'ᴜ' -> 'u';
            case 'ᴠ' -> 'v';
            case 'ᴡ' -> 'w';
            case 'ʏ' -> 'y';
            case 'ᴢ' -> 'z';
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- lookup

    private static int supplementary(int cp) {
        if (cp >= 0x1D400 && cp < 0x1D800) {
            return MATH[cp - 0x1D400];
        }
        if (cp >= 0x1F100 && cp < 0x1F200) {
            return ENCLOSED[cp - 0x1F100];
        }
        if (cp >= 0xE0000 && cp <= 0xE0FFF) {
            return pack(IGNORE, 0, SC_NONE); // tags, variation selectors supplement
        }
        return pack(PUNCT, 0, SC_NONE);
    }

    /** The value of a high surrogate at {@code i}: of its code point when a low one follows (then 2 chars wide). */
    private static int pair(char[] s, int i, int end) {
        if (i + 1 < end && Character.isLowSurrogate(s[i + 1])) {
            return supplementary(Character.toCodePoint(s[i], s[i + 1]));
        }
        return LONE_SURROGATE;
    }

    private static boolean isPair(char[] s, int i, int end) {
        return i + 1 < end && Character.isLowSurrogate(s[i + 1]);
    }

    // ---------------------------------------------------------------- the readings, one pass each

    /**
     * The first reading of {@code s[off, off+len)} into {@code out}, in one pass over the chars.
     * Each word is written at once as plain letters and digits; the few that need more are rewound
     * and written again by {@link #emitUnit}: a word with both letters and digits, with @ $, a
     * ligature, a surrogate pair or a breve; a Cyrillic word with a Latin i in it; three or more
     * one-symbol words in a row. Only those words are recorded in {@code out}'s word table, and
     * their letters counted by script.
     */
    static void normalize(char[] s, int off, int len, CanonicalText out) {
        out.reset(s, off, len);
        read(out, false);
    }

    /** The second reading of the text {@link #normalize} read last: its ambiguous words read with the other script's map. */
    static void reread(CanonicalText out) {
        out.tokens = 0;
        out.runs = 0;
        read(out, true);
    }

    private static void read(CanonicalText out, boolean flip) {
        final char[] s = out.src;
        final int off = out.off;
        final int end = off + out.len;
        final int[] table = TABLE;
        final int[] run = out.run;
        final boolean track = out.trackOffsets;
        final boolean recordAll = out.recordAll;
        final int wordStart = CanonicalText.F_WORD_START << CanonicalText.FLAG_SHIFT;
        final int joined = (CanonicalText.F_WORD_START | CanonicalText.F_SOFT_START) << CanonicalText.FLAG_SHIFT;
        int i = off;
        boolean ambiguous = false;
        int singles = 0;
        int firstSingle = 0;
        int lastSingle = 0;
        int runsBeforeSingles = 0;
        while (true) {
            int v = 0;
            while (i < end && ((v = table[s[i]]) & P_SPACE) != 0) {
                i++;
            }
            if (i == end) {
                break;
            }
            int start = i;
            int runsBefore = out.runs;
            int n = runsBefore;
            boolean needSpace = n > 0;
            int last = needSpace ? SPACE_SYMBOL : -1; // a letter never repeats a space
            int startBits = wordStart; // the flags the next symbol starts with, in place
            boolean slow = false;
            int any = 0;
            while (true) {
                if ((v & P_SLOW) != 0) {
                    slow = true;
                    break;
                }
                any |= v;
                if ((v & P_ALNUM) != 0) { // a letter or a digit
                    int symbol = v & 0xFFFF;
                    if (symbol != last) {
                        if (needSpace) {
                            run[n] = SPACE_SYMBOL | CanonicalText.ONE;
                            if (track) {
                                out.offsets(n, i - off, i - off);
                            }
                            n++;
                            needSpace = false;
                        }
                        run[n] = (v & RUN_BITS) | CanonicalText.ONE | startBits;
                        if (track) {
                            out.offsets(n, i - off, i + 1 - off);
                        }
                        n++;
                        last = symbol;
                    } else {
                        int f = (v >>> SCRIPT_SHIFT) & CanonicalText.SCRIPT_FLAGS | startBits >>> SCRIPT_SHIFT;
                        out.merge(n - 1, f, i - off, i + 1 - off);
                    }
                    startBits = 0;
                } else if ((v & P_PUNCT) != 0 && startBits == 0) {
                    startBits = joined; // a joiner
                }
                if (++i == end) {
                    break;
                }
                v = table[s[i]];
                if ((v & P_SPACE) != 0) {
                    break;
                }
            }
            int alnum;
            if (slow) { // find the end of the word; it is counted and written again below
                while (true) {
                    if ((v & P_HIGH) != 0 && isPair(s, i, end)) {
                        any |= pair(s, i, end) | P_SLOW;
                        i++;
                    } else {
                        any |= v;
                    }
                    if (++i == end || (table[s[i]] & P_SPACE) != 0) {
                        break;
                    }
                    v = table[s[i]];
                }
                alnum = 2; // counted below
            } else {
                int first = needSpace || runsBefore == 0 ? runsBefore : runsBefore + 1;
                alnum = n - first >= 2 ? 2 : n == first ? 0 : Math.min(2, (run[first] >>> CanonicalText.COUNT_SHIFT) & 0xFF);
            }
            out.runs = n;
            boolean letters = (any & P_LETTER) != 0;
            boolean redo = slow || letters && (any & P_NUMERIC) != 0; // digits in a word stand for letters
            int t = -1;
            // an i is read и only in a word with more Cyrillic letters than Latin: none, no need to count
            boolean context = letters && (any & P_CONTEXT) != 0
                    && (any & CanonicalText.F_CYRILLIC << SCRIPT_SHIFT) != 0;
            if (redo || alnum == 1 || recordAll || context) {
                t = record(out, start, i, any, slow, alnum);
                if (slow) {
                    countScripts(out, t);
                    alnum = out.tokAlnum[t];
                }
                redo |= context && cyrillicContext(out, t); // a Latin i, read и
            }
            if (redo) {
                out.runs = runsBefore;
                ambiguous |= emitUnit(out, t, t, flip);
            }
            if (alnum == 1) {
                if (singles++ == 0) {
                    firstSingle = t;
                    runsBeforeSingles = runsBefore;
                }
                lastSingle = t;
            } else if (alnum > 1) {
                if (singles >= 3) { // spaced-out letters: written again as one word, then this word
                    if (t < 0) {
                        t = record(out, start, i, any, slow, alnum);
                    }
                    out.runs = runsBeforeSingles;
                    ambiguous |= emitUnit(out, firstSingle, lastSingle, flip);
                    ambiguous |= emitUnit(out, t, t, flip);
                }
                singles = 0;
            }
        }
        if (singles >= 3) {
            out.runs = runsBeforeSingles;
            ambiguous |= emitUnit(out, firstSingle, lastSingle, flip);
        }
        if (!flip) {
            out.ambiguous = ambiguous;
        }
    }

    private static int record(CanonicalText out, int start, int end, int any, boolean slow, int alnum) {
        out.addToken(start, end, 0, 0, alnum, tokenInfo(out.src, start, end, any, slow, alnum));
        return out.tokens - 1;
    }

    private static int tokenInfo(char[] s, int start, int end, int any, boolean slow, int alnum) {
        int info = 0;
        boolean letters = (any & P_LETTER) != 0;
        if (letters) {
            info |= CanonicalText.TOK_LETTER;
        }
        if (slow || (any & P_NUMERIC) != 0) {
            info |= CanonicalText.TOK_SLOW; // written by generalToken
        }
        // a lone digit may join spaced-out letters, so check it even without letters of its own
        if ((any & P_NUMERIC) != 0 && (letters || slow || alnum == 1) && numericAmbiguous(s, start, end)) {
            info |= CanonicalText.TOK_AMBIGUOUS;
        }
        return info;
    }

    /** Counts token {@code t}'s letters by script, and its letters, digits and @ $ (once). */
    static void countScripts(CanonicalText out, int t) {
        if ((out.tokInfo[t] & CanonicalText.TOK_COUNTED) != 0) {
            return;
        }
        final char[] s = out.src;
        int latin = 0;
        int cyrillic = 0;
        int alnum = 0;
        for (int i = out.tokStart[t], e = out.tokEnd[t]; i < e; i++) {
            int v = TABLE[s[i]];
            if ((v & P_HIGH) != 0) {
                if (isPair(s, i, e)) {
                    v = pair(s, i, e);
                    i++;
                } else {
                    v = LONE_SURROGATE;
                }
            }
            if ((v & P_LETTER) != 0) {
                latin += (v >>> SCRIPT_SHIFT) & CanonicalText.F_LATIN;
                cyrillic += ((v >>> SCRIPT_SHIFT) & CanonicalText.F_CYRILLIC) >>> 1;
            }
            alnum += (v >>> ALNUM_BIT) & 1;
        }
        out.tokLatin[t] = latin;
        out.tokCyrillic[t] = cyrillic;
        out.tokAlnum[t] = (byte) Math.min(alnum, 2);
        out.tokInfo[t] |= CanonicalText.TOK_COUNTED;
    }

    private static boolean cyrillicContext(CanonicalText out, int t) {
        countScripts(out, t);
        return cyrillicContext(out.tokLatin[t], out.tokCyrillic[t]);
    }

    /** A tie goes to Cyrillic, a word with neither (Greek look-alikes, digits) to Latin. */
    private static boolean cyrillicContext(int latin, int cyrillic) {
        return cyrillic > latin || cyrillic == latin && cyrillic > 0;
    }

    /** Letters of {@code out}'s text by script: Latin in the low 32 bits, Cyrillic in the high (rarely needed: counted apart). */
    static long countLetters(CanonicalText out) {
        final char[] s = out.src;
        int latin = 0;
        int cyrillic = 0;
        for (int i = out.off, e = out.off + out.len; i < e; i++) {
            int v = TABLE[s[i]];
            if ((v & P_HIGH) != 0 && isPair(s, i, e)) {
                v = pair(s, i, e);
                i++;
            }
            if ((v & P_LETTER) != 0) {
                latin += (v >>> SCRIPT_SHIFT) & CanonicalText.F_LATIN;
                cyrillic += ((v >>> SCRIPT_SHIFT) & CanonicalText.F_CYRILLIC) >>> 1;
            }
        }
        return (long) cyrillic << 32 | latin;
    }

    /** Whether the word has a $ or a run of at most two digits with one read differently in Latin and Cyrillic. */
    private static boolean numericAmbiguous(char[] s, int i, int end) {
        int run = 0;
        boolean runAmbiguous = false;
        for (; i < end; i++) {
            int v = TABLE[s[i]];
            if ((v & P_HIGH) != 0 && isPair(s, i, end)) {
                v = pair(s, i, end);
                i++;
            }
            int cls = v >>> CLASS_SHIFT;
            if (cls == DIGIT) {
                run++;
                runAmbiguous |= AMBIGUOUS_DIGIT[(v & 0xFFFF) - '0'];
                continue;
            }
            if (cls == IGNORE) {
                continue;
            }
            if (runAmbiguous && run <= 2) {
                return true;
            }
            run = 0;
            runAmbiguous = false;
            if (cls == SYMLETTER && (v & 0xFFFF) == CTX_DOLLAR) {
                return true;
            }
        }
        return runAmbiguous && run <= 2;
    }

    // ---------------------------------------------------------------- pass 2: symbols

    /**
     * The reference reading, for tests: writes the runs from the word table of a text normalized
     * with {@link CanonicalText#recordAll} set, word by word (spaced-out letters found by looking
     * ahead). It must agree with {@link #normalize} ({@code flip == false}) and {@link #reread}.
     */
    static void emit(CanonicalText out, boolean flip) {
        out.runs = 0;
        boolean ambiguous = false;
        int n = out.tokens;
        byte[] alnum = out.tokAlnum;
        int t = 0;
        while (t < n) {
            int a = alnum[t];
            if (a == 0) {
                t++; // punctuation or emoji standing alone: nothing
                continue;
            }
            if (a == 1) {
                int singles = 0;
                int last = t;
                for (int k = t; k < n && alnum[k] <= 1; k++) {
                    if (alnum[k] == 1) {
                        singles++;
                        last = k;
                    }
                }
                if (singles >= 3) {
                    ambiguous |= emitUnit(out, t, last, flip);
                } else {
                    for (int k = t; k <= last; k++) {
                        if (alnum[k] == 1) {
                            ambiguous |= emitUnit(out, k, k, flip);
                        }
                    }
                }
                t = last + 1;
                continue;
            }
            ambiguous |= emitUnit(out, t, t, flip);
            t++;
        }
        if (!flip) {
            out.ambiguous = ambiguous;
        }
    }

    /** Emits tokens {@code [a, b]} as one word (several only for spaced-out letters); returns whether it is ambiguous. */
    private static boolean emitUnit(CanonicalText out, int a, int b, boolean flip) {
        int latin = 0;
        int cyrillic = 0;
        int info = 0;
        for (int j = a; j <= b; j++) {
            countScripts(out, j);
            latin += out.tokLatin[j];
            cyrillic += out.tokCyrillic[j];
            info |= out.tokInfo[j];
        }
        boolean letter = (info & CanonicalText.TOK_LETTER) != 0;
        boolean ambiguous = letter && (info & CanonicalText.TOK_AMBIGUOUS) != 0;
        boolean cyrillicContext = cyrillicContext(latin, cyrillic);
        if (flip && ambiguous) {
            cyrillicContext = !cyrillicContext;
        }
        char[] ctx = cyrillicContext ? CTX_CYRILLIC : CTX_LATIN;
        out.spacePending = out.runs > 0;
        for (int j = a; j <= b; j++) {
            if (out.tokAlnum[j] == 0) {
                continue;
            }
            if ((out.tokInfo[j] & CanonicalText.TOK_SLOW) == 0) {
                plainToken(out, j, j != a, ctx[CTX_I]);
            } else {
                generalToken(out, j, j != a, ctx, letter);
            }
        }
        out.spacePending = false;
        return ambiguous;
    }

    /** A word of letters, punctuation and invisible chars only: the common case, kept lean. */
    private static void plainToken(CanonicalText out, int j, boolean soft, char ctxI) {
        final char[] s = out.src;
        final int[] table = TABLE;
        final int[] run = out.run;
        final int base = out.off;
        final boolean track = out.trackOffsets;
        int n = out.runs;
        if (out.spacePending) {
            int at = out.tokStart[j] - base;
            out.push(SPACE_SYMBOL, 0, at, at);
            out.spacePending = false;
            n = out.runs;
        }
        int last = n > 0 ? run[n - 1] & 0xFFFF : -1;
        int start = soft ? CanonicalText.F_WORD_START | CanonicalText.F_SOFT_START : CanonicalText.F_WORD_START;
        boolean seen = false;
        for (int i = out.tokStart[j], e = out.tokEnd[j]; i < e; i++) {
            int v = table[s[i]];
            int cls = v >>> CLASS_SHIFT;
            int symbol;
            if (cls == LETTER) {
                symbol = v & 0xFFFF;
            } else if (cls == CTXLETTER) {
                symbol = ctxI;
            } else {
                if (cls == PUNCT && seen) {
                    start = CanonicalText.F_WORD_START | CanonicalText.F_SOFT_START; // a joiner
                }
                continue;
            }
            int f = ((v >>> SCRIPT_SHIFT) & CanonicalText.SCRIPT_FLAGS) | start;
            if (symbol == last) {
                out.merge(n - 1, f, i - base, i + 1 - base);
            } else {
                run[n] = symbol | CanonicalText.ONE | f << CanonicalText.FLAG_SHIFT;
                if (track) {
                    out.origStart[n] = i - base;
                    out.origInner[n] = i - base;
                    out.origFirstEnd[n] = i + 1 - base;
                    out.origEnd[n] = i + 1 - base;
                }
                n++;
                last = symbol;
            }
            start = 0;
            seen = true;
        }
        out.runs = n;
    }

    /** Any word: digits and @ $ read by context, ligatures expanded, surrogate pairs, и with a combining breve. */
    private static void generalToken(CanonicalText out, int j, boolean soft, char[] ctx, boolean letter) {
        final char[] s = out.src;
        final int[] table = TABLE;
        final int base = out.off;
        boolean wordStart = true;
        boolean seen = false;
        boolean join = false;
        int digitRun = 0;
        int i = out.tokStart[j];
        int e = out.tokEnd[j];
        while (i < e) {
            int v = table[s[i]];
            int w = 1;
            if ((v & P_HIGH) != 0) { // P_HIGH
                if (isPair(s, i, e)) {
                    v = pair(s, i, e);
                    w = 2;
                } else {
                    v = LONE_SURROGATE;
                }
            }
            int cls = v >>> CLASS_SHIFT;
            char symbol;
            switch (cls) {
                case LETTER -> {
                    symbol = (char) v;
                    if (symbol == 'и' && i + 1 < e && s[i + 1] == '\u0306') {
                        symbol = 'й';
                        w = 2;
                    }
                    digitRun = 0;
                }
                case CTXLETTER -> {
                    symbol = ctx[CTX_I];
                    digitRun = 0;
                }
                case DIGIT -> {
                    symbol = (char) v;
                    if (letter) {
                        if (digitRun == 0) {
                            digitRun = digitRunLength(s, i, e);
                        }
                        if (digitRun <= 2) {
                            char c = ctx[symbol - '0'];
                            if (c != 0) {
                                symbol = c;
                            }
                        }
                    }
                }
                case SYMLETTER -> {
                    digitRun = 0;
                    if (!letter) {
                        join |= seen;
                        i += w;
                        continue;
                    }
                    symbol = ctx[v & 0xFFFF];
                }
                case EXPAND -> {
                    digitRun = 0;
                    char[] x = EXPANSIONS[v & 0xFFFF];
                    int f = ((v >>> SCRIPT_SHIFT) & CanonicalText.SCRIPT_FLAGS) | startFlags(wordStart, soft, join);
                    spaceIfPending(out, i - base);
                    for (int k = 0; k < x.length; k++) {
                        out.push(x[k], k == 0 ? f : f & CanonicalText.SCRIPT_FLAGS, i - base, i + w - base);
                    }
                    wordStart = false;
                    soft = false;
                    join = false;
                    seen = true;
                    i += w;
                    continue;
                }
                case IGNORE -> {
                    i += w;
                    continue;
                }
                default -> { // punctuation, symbols, lone surrogates
                    digitRun = 0;
                    join |= seen;
                    i += w;
                    continue;
                }
            }
            spaceIfPending(out, i - base);
            int f = ((v >>> SCRIPT_SHIFT) & CanonicalText.SCRIPT_FLAGS) | startFlags(wordStart, soft, join);
            out.push(symbol, f, i - base, i + w - base);
            wordStart = false;
            soft = false;
            join = false;
            seen = true;
            i += w;
        }
    }

    private static void spaceIfPending(CanonicalText out, int at) {
        if (out.spacePending) {
            out.push(SPACE_SYMBOL, 0, at, at);
            out.spacePending = false;
        }
    }

    private static int startFlags(boolean wordStart, boolean soft, boolean join) {
        if (join || soft) {
            return CanonicalText.F_WORD_START | CanonicalText.F_SOFT_START;
        }
        return wordStart ? CanonicalText.F_WORD_START : 0;
    }

    /** Digits in a row from {@code i} (invisible chars between them do not count as a break). */
    private static int digitRunLength(char[] s, int i, int end) {
        int n = 0;
        while (i < end) {
            int v = TABLE[s[i]];
            int w = 1;
            if ((v & P_HIGH) != 0 && isPair(s, i, end)) {
                v = pair(s, i, end);
                w = 2;
            }
            int cls = v >>> CLASS_SHIFT;
            if (cls == DIGIT) {
                n++;
            } else if (cls != IGNORE) {
                break;
            }
            i += w;
        }
        return n;
    }

    // ---------------------------------------------------------------- conveniences

    /** Normalizes a whole string into {@code out} (first reading). */
    static void normalize(String text, CanonicalText out) {
        char[] c = text.toCharArray();
        normalize(c, 0, c.length, out);
    }

    /** The canonical stream of {@code text} as a string, word starts marked with '|' (tests, debugging). */
    static String canonical(String text, boolean flip) {
        CanonicalText c = new CanonicalText();
        normalize(text, c);
        if (flip) {
            reread(c);
        }
        return c.debugString();
    }
}
