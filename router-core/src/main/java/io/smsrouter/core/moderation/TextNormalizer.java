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
 * <p>Per word (whitespace-separated token), with the letters counted first:
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

    // packed table value: bits 0-15 symbol (or index), 16-19 class, 20-21 script, 22 upper-case
    // look-alike of a Cyrillic letter, 23 (lookup result only) the value is for a surrogate pair
    private static final int UPPER_LOOKALIKE = 1 << 22;
    private static final int PAIR = 1 << 23;

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
    }

    // ---------------------------------------------------------------- table construction

    private static int pack(int cls, int symbol, int script) {
        return (symbol & 0xFFFF) | cls << 16 | script << 20;
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
            symbols[i] = ((v >>> 16) & 15) == CTXLETTER ? 'i' : (char) v;
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
                return pack(CTXLETTER, CTX_I, SC_OTHER);
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
            return pack(CTXLETTER, CTX_I, script) | (upperLookalike ? UPPER_LOOKALIKE : 0);
        }
        return pack(LETTER, skeleton(l), script) | (upperLookalike ? UPPER_LOOKALIKE : 0);
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

    /** The table value of the char at {@code i}, with {@link #PAIR} set when it is a surrogate pair. */
    private static int lookup(char[] s, int i, int end) {
        char c = s[i];
        int v = TABLE[c];
        if (((v >>> 16) & 15) == HIGH && i + 1 < end && Character.isLowSurrogate(s[i + 1])) {
            return supplementary(Character.toCodePoint(c, s[i + 1])) | PAIR;
        }
        return v;
    }

    // ---------------------------------------------------------------- pass 1: words

    /** Splits {@code s[off, off+len)} into whitespace-separated tokens and counts what each holds. */
    static void tokenize(char[] s, int off, int len, CanonicalText out) {
        out.reset(s, off, len);
        final int[] table = TABLE;
        int end = off + len;
        int i = off;
        int latinTotal = 0;
        int cyrillicTotal = 0;
        while (i < end) {
            if (((table[s[i]] >>> 16) & 15) == SPACE) {
                i++;
                continue;
            }
            int start = i;
            int latin = 0;
            int cyrillic = 0;
            int alnum = 0;
            int digitRun = 0;
            boolean letter = false;
            boolean ambiguous = false;
            boolean runAmbiguous = false;
            while (i < end) {
                char ch = s[i];
                int v = table[ch];
                int cls = (v >>> 16) & 15;
                if (cls == HIGH) {
                    v = lookup(s, i, end);
                    cls = (v >>> 16) & 15;
                }
                if (cls == SPACE) {
                    break;
                }
                i += (v & PAIR) != 0 ? 2 : 1;
                if (cls == DIGIT) {
                    digitRun++;
                    runAmbiguous |= AMBIGUOUS_DIGIT[(v & 0xFFFF) - '0'];
                    alnum++;
                    continue;
                }
                if (cls == IGNORE) {
                    continue;
                }
                if (digitRun != 0) {
                    ambiguous |= runAmbiguous && digitRun <= 2;
                    digitRun = 0;
                    runAmbiguous = false;
                }
                if (cls == LETTER || cls == CTXLETTER || cls == EXPAND) {
                    letter = true;
                    alnum++;
                    int sc = (v >>> 20) & 3;
                    if (sc == SC_LATIN) {
                        latin++;
                    } else if (sc == SC_CYRILLIC) {
                        cyrillic++;
                    }
                } else if (cls == SYMLETTER) {
                    alnum++;
                    ambiguous |= (v & 0xFFFF) == CTX_DOLLAR;
                }
            }
            ambiguous |= runAmbiguous && digitRun <= 2;
            out.addToken(start, i, latin, cyrillic, alnum, (letter ? 1 : 0) | (ambiguous ? 2 : 0));
            latinTotal += latin;
            cyrillicTotal += cyrillic;
        }
        out.cyrillicMajority = cyrillicTotal > latinTotal;
    }

    // ---------------------------------------------------------------- pass 2: symbols

    /**
     * Writes the canonical runs of the tokenized text. {@code flip}: read ambiguous words with the
     * other script's map. The first call ({@code flip == false}) also sets {@link CanonicalText#ambiguous}.
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
            latin += out.tokLatin[j];
            cyrillic += out.tokCyrillic[j];
            info |= out.tokInfo[j];
        }
        boolean letter = (info & 1) != 0;
        boolean ambiguous = letter && (info & 2) != 0;
        // a tie goes to Cyrillic, a word with neither (Greek look-alikes, digits) to Latin
        boolean cyrillicContext = cyrillic > latin || cyrillic == latin && cyrillic > 0;
        if (flip && ambiguous) {
            cyrillicContext = !cyrillicContext;
        }
        final char[] ctx = cyrillicContext ? CTX_CYRILLIC : CTX_LATIN;
        final char[] s = out.src;
        final int[] table = TABLE;
        final int base = out.off;
        boolean first = true;
        for (int j = a; j <= b; j++) {
            if (out.tokAlnum[j] == 0) {
                continue;
            }
            boolean wordStart = true;
            boolean soft = j != a; // a later letter of spaced-out letters
            boolean seen = false;
            boolean join = false;
            int digitRun = 0;
            int i = out.tokStart[j];
            int e = out.tokEnd[j];
            while (i < e) {
                int v = table[s[i]];
                int cls = (v >>> 16) & 15;
                if (cls == HIGH) {
                    v = lookup(s, i, e);
                    cls = (v >>> 16) & 15;
                }
                int w = (v & PAIR) != 0 ? 2 : 1;
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
                        int f = scriptFlags(v) | startFlags(wordStart, soft, join);
                        if (first) {
                            spaceBefore(out, i - base);
                            first = false;
                        }
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
                if (first) {
                    spaceBefore(out, i - base);
                    first = false;
                }
                out.push(symbol, scriptFlags(v) | startFlags(wordStart, soft, join), i - base, i + w - base);
                wordStart = false;
                soft = false;
                join = false;
                seen = true;
                i += w;
            }
        }
        return ambiguous;
    }

    private static void spaceBefore(CanonicalText out, int at) {
        if (out.runs > 0) {
            out.push(SPACE_SYMBOL, 0, at, at);
        }
    }

    private static int startFlags(boolean wordStart, boolean soft, boolean join) {
        if (join || soft) {
            return CanonicalText.F_WORD_START | CanonicalText.F_SOFT_START;
        }
        return wordStart ? CanonicalText.F_WORD_START : 0;
    }

    private static int scriptFlags(int v) {
        return switch ((v >>> 20) & 3) {
            case SC_LATIN -> (v & UPPER_LOOKALIKE) != 0 ? CanonicalText.F_LATIN
                    : CanonicalText.F_LATIN | CanonicalText.F_NOT_UPPER_LOOKALIKE;
            case SC_CYRILLIC -> CanonicalText.F_CYRILLIC;
            case SC_OTHER -> CanonicalText.F_OTHER;
            default -> 0;
        };
    }

    /** Digits in a row from {@code i} (invisible chars between them do not count as a break). */
    private static int digitRunLength(char[] s, int i, int end) {
        int n = 0;
        while (i < end) {
            int v = lookup(s, i, end);
            int cls = (v >>> 16) & 15;
            if (cls == DIGIT) {
                n++;
            } else if (cls != IGNORE) {
                break;
            }
            i += (v & PAIR) != 0 ? 2 : 1;
        }
        return n;
    }

    // ---------------------------------------------------------------- conveniences

    /** Normalizes a whole string into {@code out} (first reading). */
    static void normalize(String text, CanonicalText out) {
        char[] c = text.toCharArray();
        tokenize(c, 0, c.length, out);
        emit(out, false);
    }

    /** The canonical stream of {@code text} as a string, word starts marked with '|' (tests, debugging). */
    static String canonical(String text, boolean flip) {
        CanonicalText c = new CanonicalText();
        char[] chars = text.toCharArray();
        tokenize(chars, 0, chars.length, c);
        emit(c, false);
        if (flip) {
            emit(c, true);
        }
        return c.debugString();
    }
}
