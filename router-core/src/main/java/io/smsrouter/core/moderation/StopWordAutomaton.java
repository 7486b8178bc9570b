package io.smsrouter.core.moderation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

import static io.smsrouter.core.moderation.CanonicalText.COUNT_SHIFT;
import static io.smsrouter.core.moderation.CanonicalText.FLAG_SHIFT;
import static io.smsrouter.core.moderation.CanonicalText.F_CYRILLIC;
import static io.smsrouter.core.moderation.CanonicalText.F_INNER;
import static io.smsrouter.core.moderation.CanonicalText.F_LATIN;
import static io.smsrouter.core.moderation.CanonicalText.F_NOT_UPPER_LOOKALIKE;
import static io.smsrouter.core.moderation.CanonicalText.F_OTHER;
import static io.smsrouter.core.moderation.CanonicalText.F_SOFT_START;
import static io.smsrouter.core.moderation.CanonicalText.F_WORD_START;
import static io.smsrouter.core.moderation.CanonicalText.SCRIPT_FLAGS;

/**
 * The compiled stop-word list: finds entries in SMS text and sender names (shared/SPEC.md §4),
 * seeing through the evasions {@link TextNormalizer} undoes.
 *
 * <p>Structure. Not a full Aho-Corasick automaton: every match must begin at a word start, so
 * the failure links are useless, and this is a trie over the canonical run-length-encoded
 * symbols, walked from each word start of the text. A trie edge is labelled with a symbol and a
 * repeat count; a text run of the symbol with at least that count may take it. The walk is a
 * depth-first search, because a run may take several edges (counts 1 and 2 of the same symbol) and
 * because a space edge of a phrase may also be taken, without consuming anything, at a joiner
 * ({@code быстрые-деньги}); it never goes deeper than the longest entry (at most 64 chars), so
 * hostile text costs at most that factor over its length. The trie is one flat int array in
 * breadth-first order, a pair per node (the label of the edge into it, its first child), so a step
 * reads one cache line: a node's children are contiguous and sorted, found by linear scan for a few
 * and binary search for many, and the root's by a dense table indexed by symbol id. Symbols get
 * dense ids in the order of their chars, only those that occur in entries; any other symbol of
 * the text stops a walk at once. Before walking from a word start, the text's next symbols are
 * looked up in a hashed bitset of the entries' first three to six symbols (every prefix of those
 * lengths, a phrase's spaces also left out, for joiners), and with a second hash of the entries
 * shorter than six: a hashed trie of the first levels, so that a word start no entry can begin
 * with costs one to three probes of a bitset and no trie access, and the scan stays about as fast
 * with 100,000 entries as with 100 (ModerationBenchmark: with 100,000 random syllable words nearly
 * every word's first three letters begin some entry, but few of its first four or five). Entries
 * shorter than three symbols are walked unfiltered from their first symbol.
 *
 * <p>Scripts. The look-alike skeleton lets Latin {@code bet} and Cyrillic {@code вет} meet, so a
 * candidate match is checked against the scripts of the chars it came from: a purely Latin span
 * does not match a purely Cyrillic entry and vice versa. A mixed span ({@code kaзино},
 * {@code саsino}) is an evasion and matches either. A purely Latin span of upper-case look-alikes
 * only ({@code CTABKA}) in a text with more Cyrillic than Latin letters counts as mixed.
 *
 * <p>Immutable and thread-safe; scratch buffers are per thread, so {@link #matches(CharSequence)}
 * and {@link #matches(char[], int, int)} allocate nothing once a thread has seen a text that long.
 * Reloading the list means building a new automaton and swapping the reference.
 */
public final class StopWordAutomaton {
    /** Matches nothing. */
    public static final StopWordAutomaton EMPTY = new StopWordAutomaton();

    private static final int TERMINAL = 0x80000000;
    private static final int LINEAR_SCAN = 8;
    private static final int SPAN_LATIN = 0;
    private static final int SPAN_CYRILLIC = 1;
    private static final int SPAN_MIXED = 2;
    private static final int ENTRY_LATIN = 0;
    private static final int ENTRY_CYRILLIC = 1;
    private static final int ENTRY_MIXED = 2;
    /** Joiners inside an entry up to which its spaced variants are added ({@code альфа-банк} → {@code альфа банк}). */
    private static final int MAX_JOINER_VARIANTS = 4;
    /** symbols of an entry's beginning the prefix filter looks at */
    private static final int PREFIX = 6;

    private final char[] symbolIds;
    private final int spaceId;
    /** by symbol id: an entry of fewer than three symbols starts with it, so walk without the filter */
    private final boolean[] shortStart;
    /**
     * hashed prefixes of 3 to {@link #PREFIX} symbols of every entry (prefix-closed), and with a
     * second hash the whole entries shorter than that: a hashed trie of the first levels
     */
    private final long[] prefixes;
    private final int prefixShift;
    /** bit L: an entry of L symbols, 3 <= L < PREFIX */
    private final int shortLengths;
    private final int[] rootLo;
    private final int[] rootHi;
    /**
     * Per node n: {@code trie[2n]} the label of the edge into it (symbol id << 8 | repeat count),
     * {@code trie[2n + 1]} its first child (bit 31: n ends an entry); n's children end where n + 1's
     * begin (a last, empty node closes the array).
     */
    private final int[] trie;
    private final long[] terminalBits;
    private final int[] terminalRank;
    /** per terminal node: entry for [prefix: Latin, Cyrillic, mixed span][whole word: the same], -1 none */
    private final int[] slots;
    private final char[] entryText;
    private final int[] entryOffset;
    private final int[] entryCategory;
    private final String[] categories;
    private final int size;

    private StopWordAutomaton() {
        symbolIds = new char[65536];
        spaceId = 0;
        shortStart = new boolean[1];
        prefixes = new long[1];
        prefixShift = 26;
        shortLengths = 0;
        rootLo = new int[1];
        rootHi = new int[1];
        trie = new int[] {0, 1, 0, 1};
        terminalBits = new long[1];
        terminalRank = new int[1];
        slots = new int[0];
        entryText = new char[0];
        entryOffset = new int[1];
        entryCategory = new int[0];
        categories = new String[0];
        size = 0;
    }

    /** The same automaton with the prefix filter off (every word start walked): for tests. */
    StopWordAutomaton unfiltered() {
        return new StopWordAutomaton(this);
    }

    private StopWordAutomaton(StopWordAutomaton a) {
        symbolIds = a.symbolIds;
        spaceId = a.spaceId;
        shortStart = new boolean[a.shortStart.length];
        Arrays.fill(shortStart, true);
        prefixes = a.prefixes;
        prefixShift = a.prefixShift;
        shortLengths = a.shortLengths;
        rootLo = a.rootLo;
        rootHi = a.rootHi;
        trie = a.trie;
        terminalBits = a.terminalBits;
        terminalRank = a.terminalRank;
        slots = a.slots;
        entryText = a.entryText;
        entryOffset = a.entryOffset;
        entryCategory = a.entryCategory;
        categories = a.categories;
        size = a.size;
    }

    private StopWordAutomaton(Builder b) {
        symbolIds = b.symbolIds;
        spaceId = b.spaceId;
        shortStart = b.shortStart;
        prefixes = b.prefixes;
        prefixShift = b.prefixShift;
        shortLengths = b.shortLengths;
        rootLo = b.rootLo;
        rootHi = b.rootHi;
        trie = b.trie;
        terminalBits = b.terminalBits;
        terminalRank = b.terminalRank;
        slots = b.slots;
        entryText = b.entryText;
        entryOffset = b.entryOffset;
        entryCategory = b.entryCategory;
        categories = b.categories;
        size = b.size;
    }

    /** Compiles a list. Entries that normalize to the same symbols, kind and script are kept once. */
    public static StopWordAutomaton build(StopWordList list) {
        if (list.entries().isEmpty()) {
            return EMPTY;
        }
        return new StopWordAutomaton(new Builder(list.entries()));
    }

    /** Distinct entries. */
    public int size() {
        return size;
    }

    /** Trie nodes, root included (for footprint reports). */
    public int nodeCount() {
        return trie.length / 2 - 1;
    }

    /** Whether the text holds an entry. Allocates nothing (after the thread's first text of this length). */
    public boolean matches(CharSequence text) {
        if (size == 0 || text.length() == 0) {
            return false;
        }
        CanonicalText c = CanonicalText.local();
        char[] chars = c.copyOf(text);
        return scan(chars, 0, text.length(), c, null);
    }

    /** Whether {@code buf[off, off+len)} holds an entry. Allocates nothing (after the thread's first text of this length). */
    public boolean matches(char[] buf, int off, int len) {
        if (size == 0 || len == 0) {
            return false;
        }
        return scan(buf, off, len, CanonicalText.local(), null);
    }

    /** Every distinct entry the text holds, in order of where it was first found, with its span in {@code text}. */
    public List<Match> findAll(CharSequence text) {
        if (size == 0 || text.length() == 0) {
            return List.of();
        }
        CanonicalText c = CanonicalText.local();
        char[] chars = c.copyOf(text);
        Collector col = new Collector(this);
        c.trackOffsets = true;
        try {
            scan(chars, 0, text.length(), c, col);
        } finally {
            c.trackOffsets = false;
        }
        col.matches.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end));
        return col.matches;
    }

    private boolean scan(char[] buf, int off, int len, CanonicalText c, Collector col) {
        TextNormalizer.normalize(buf, off, len, c);
        if (scanRuns(c, col)) {
            return true;
        }
        if (c.ambiguous) {
            TextNormalizer.reread(c);
            return scanRuns(c, col);
        }
        return false;
    }

    private boolean scanRuns(CanonicalText c, Collector col) {
        final int n = c.runs;
        final int[] run = c.run;
        final char[] map = symbolIds;
        final int[] t = trie;
        for (int r = 0; r < n; r++) {
            int p = run[r];
            if ((p & (F_WORD_START | F_INNER) << FLAG_SHIFT) == 0) {
                continue; // most runs: inside a word
            }
            int id = map[p & 0xFFFF];
            if (id == 0) {
                continue;
            }
            if (!shortStart[id]) {
                int id2 = r + 1 < n ? map[run[r + 1] & 0xFFFF] : 0;
                int id3 = r + 2 < n ? map[run[r + 2] & 0xFFFF] : 0;
                if (id2 == 0 || id3 == 0) {
                    continue;
                }
                if (!prefixes(run, r, n, map, id, id2, id3)) {
                    continue; // no entry begins with these symbols
                }
            }
            int available = c.startAvailable(r);
            int hi = rootHi[id];
            if (col != null) {
                col.start = c.matchStart(r);
            }
            int mask = (p >>> FLAG_SHIFT) & SCRIPT_FLAGS;
            for (int k = rootLo[id]; k < hi; k++) {
                if ((t[2 * k] & 0xFF) > available) {
                    break;
                }
                if (walk(k, r + 1, mask, c, col)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** At {@code node}, with runs up to {@code r - 1} consumed. True: stop (a match, when not collecting). */
    private boolean walk(int node, int r, int mask, CanonicalText c, Collector col) {
        final int[] t = trie;
        int first = t[2 * node + 1];
        if (first < 0) {
            first &= ~TERMINAL;
            if (accept(node, r, mask, c, col)) {
                return true;
            }
        }
        int end = t[2 * node + 3] & ~TERMINAL;
        if (first == end || r >= c.runs) {
            return false;
        }
        int p = c.run[r];
        int id = symbolIds[p & 0xFFFF];
        if (id != 0) {
            int key = id << 8;
            int limit = key | (p >>> COUNT_SHIFT) & 0xFF;
            int k = end - first <= LINEAR_SCAN ? linear(first, end, key) : binary(first, end, key);
            int next = mask | (p >>> FLAG_SHIFT) & SCRIPT_FLAGS;
            for (; k < end && t[2 * k] <= limit; k++) {
                if (walk(k, r + 1, next, c, col)) {
                    return true;
                }
            }
        }
        if (spaceId != 0 && (p & F_SOFT_START << FLAG_SHIFT) != 0) {
            // a phrase's space may also be a joiner: быстрые-деньги
            int key = spaceId << 8 | 1;
            int k = end - first <= LINEAR_SCAN ? linear(first, end, key) : binary(first, end, key);
            if (k < end && t[2 * k] == key && walk(k, r, mask, c, col)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some entry may begin with the runs from {@code r} (their first three symbols known to begin one). */
    private boolean prefixes(int[] run, int r, int n, char[] map, int id, int id2, int id3) {
        final long[] bits = prefixes;
        final int shift = prefixShift;
        final int lengths = shortLengths;
        int h = prefixStep(prefixStep(prefixStep(0, id), id2), id3);
        for (int len = 3; ; len++) {
            int b = h >>> shift;
            if ((bits[b >>> 6] & 1L << b) == 0) {
                return false; // no entry begins with these symbols, nor with any longer run of them
            }
            if (len == PREFIX) {
                return true;
            }
            if ((lengths & 1 << len) != 0) {
                int w = whole(h) >>> shift;
                if ((bits[w >>> 6] & 1L << w) != 0) {
                    return true; // an entry of just these symbols
                }
            }
            int next = r + len < n ? map[run[r + len] & 0xFFFF] : 0;
            if (next == 0) {
                return false;
            }
            h = prefixStep(h, next);
        }
    }

    private static int prefixStep(int h, int id) {
        return (h + id) * 0x9E3779B1;
    }

    private static int whole(int h) {
        return (h ^ 0x5BD1E995) * 0x85EBCA6B;
    }

    private int linear(int from, int to, int key) {
        final int[] t = trie;
        int k = from;
        while (k < to && t[2 * k] < key) {
            k++;
        }
        return k;
    }

    private int binary(int from, int to, int key) {
        final int[] t = trie;
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[2 * mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean accept(int node, int r, int mask, CanonicalText c, Collector col) {
        int word = node >>> 6;
        int t = terminalRank[word] + Long.bitCount(terminalBits[word] & ((1L << (node & 63)) - 1));
        int span = spanType(mask, c);
        int prefix = slots[t * 6 + span];
        if (prefix >= 0) {
            if (col == null) {
                return true;
            }
            // a prefix needing one repetition of a longer last run ends after its first char:
            // kazino-online is highlighted as kazino, not kazino-o (the run o-o spans the joiner)
            int last = r - 1;
            boolean partial = (trie[2 * node] & 0xFF) == 1 && c.count(last) > 1;
            col.add(prefix, partial ? c.origFirstEnd[last] : c.origEnd[last]);
        }
        int whole = slots[t * 6 + 3 + span];
        if (whole >= 0 && (r == c.runs || (c.flags(r) & F_WORD_START) != 0
                || c.sym(r) == TextNormalizer.SPACE_SYMBOL)) {
            if (col == null) {
                return true;
            }
            col.add(whole, c.origEnd[r - 1]);
        }
        return false;
    }

    private static int spanType(int mask, CanonicalText c) {
        boolean latin = (mask & F_LATIN) != 0;
        boolean cyrillic = (mask & F_CYRILLIC) != 0;
        boolean other = (mask & F_OTHER) != 0;
        if (latin && !cyrillic && !other) {
            // CTABKA: all upper-case look-alikes inside Cyrillic text reads as Cyrillic
            return (mask & F_NOT_UPPER_LOOKALIKE) == 0 && c.cyrillicMajority() ? SPAN_MIXED : SPAN_LATIN;
        }
        if (cyrillic && !latin && !other) {
            return SPAN_CYRILLIC;
        }
        return SPAN_MIXED;
    }

    private Match match(int entry, int start, int end) {
        int from = entryOffset[entry];
        return new Match(new String(entryText, from, entryOffset[entry + 1] - from),
                categories[entryCategory[entry]], start, end);
    }

    @Override
    public String toString() {
        return "StopWordAutomaton[" + size + " entries, " + nodeCount() + " nodes]";
    }

    /** Collects findAll's matches, each entry once. */
    private static final class Collector {
        final StopWordAutomaton automaton;
        final List<Match> matches = new ArrayList<>();
        final BitSet seen = new BitSet();
        int start;

        Collector(StopWordAutomaton automaton) {
            this.automaton = automaton;
        }

        void add(int entry, int end) {
            if (!seen.get(entry)) {
                seen.set(entry);
                matches.add(automaton.match(entry, start, end));
            }
        }
    }

    /** One build: entries normalized, sorted, inserted in a temporary trie, laid out breadth-first. */
    private static final class Builder {
        char[] symbolIds = new char[65536];
        int spaceId;
        boolean[] shortStart;
        long[] prefixes;
        int prefixShift;
        int shortLengths;
        int[] rootLo;
        int[] rootHi;
        int[] trie;
        long[] terminalBits;
        int[] terminalRank;
        int[] slots;
        char[] entryText;
        int[] entryOffset;
        int[] entryCategory;
        String[] categories;
        int size;

        private record Item(int[] seq, int entry, boolean whole, int script) {
        }

        Builder(List<StopWordList.Entry> entries) {
            List<Item> items = new ArrayList<>(entries.size() * 2);
            CanonicalText c = new CanonicalText();
            boolean[] present = new boolean[65536];
            for (int e = 0; e < entries.size(); e++) {
                StopWordList.Entry entry = entries.get(e);
                TextNormalizer.normalize(entry.word(), c);
                if (c.runs == 0) {
                    continue; // the list refuses those; an entry of nothing would match everything
                }
                long letters = TextNormalizer.countLetters(c);
                int latin = (int) letters;
                int cyrillic = (int) (letters >>> 32);
                int script = cyrillic == 0 && latin > 0 ? ENTRY_LATIN
                        : latin == 0 && cyrillic > 0 ? ENTRY_CYRILLIC : ENTRY_MIXED;
                for (int r = 0; r < c.runs; r++) {
                    present[c.sym(r)] = true;
                }
                addVariants(c, e, entry.wholeWord(), script, items, present);
            }
            int ids = 0;
            for (int ch = 0; ch < 65536; ch++) {
                if (present[ch]) {
                    symbolIds[ch] = (char) ++ids;
                }
            }
            spaceId = symbolIds[TextNormalizer.SPACE_SYMBOL];
            for (Item item : items) {
                int[] seq = item.seq;
                for (int k = 0; k < seq.length; k++) {
                    seq[k] = symbolIds[seq[k] >>> 8] << 8 | (seq[k] & 0xFF);
                }
            }
            items.sort((a, b) -> Arrays.compare(a.seq, b.seq)); // stable: the first of equal entries wins
            buildTrie(items, ids);
            buildFilter(items, ids);
            buildPrefixes(items);
            storeEntries(entries);
        }

        /** The entry's symbols, and the same with a space at each of its first joiners (альфа-банк, альфа банк). */
        private static void addVariants(CanonicalText c, int entry, boolean whole, int script, List<Item> items,
                                        boolean[] present) {
            int[] joiners = new int[MAX_JOINER_VARIANTS];
            int nj = 0;
            for (int r = 1; r < c.runs && nj < MAX_JOINER_VARIANTS; r++) {
                if ((c.flags(r) & F_SOFT_START) != 0 && c.sym(r - 1) != TextNormalizer.SPACE_SYMBOL) {
                    joiners[nj++] = r;
                }
            }
            if (nj > 0) {
                present[TextNormalizer.SPACE_SYMBOL] = true;
            }
            for (int variant = 0; variant < 1 << nj; variant++) {
                int[] seq = new int[c.runs + Integer.bitCount(variant)];
                int k = 0;
                int j = 0;
                for (int r = 0; r < c.runs; r++) {
                    if (j < nj && joiners[j] == r) {
                        if ((variant & 1 << j) != 0) {
                            seq[k++] = TextNormalizer.SPACE_SYMBOL << 8 | 1;
                        }
                        j++;
                    }
                    seq[k++] = c.sym(r) << 8 | c.count(r);
                }
                items.add(new Item(seq, entry, whole, script));
            }
        }

        private void buildTrie(List<Item> items, int ids) {
            // temporary trie: children as linked lists, appended in sorted order
            int cap = 1024;
            int[] tLabel = new int[cap];
            int[] tFirst = new int[cap];
            int[] tNext = new int[cap];
            int[] tLast = new int[cap];
            int[] tTerm = new int[cap];
            Arrays.fill(tTerm, -1);
            Arrays.fill(tFirst, -1);
            Arrays.fill(tNext, -1);
            Arrays.fill(tLast, -1);
            int nodes = 1;
            List<int[]> termSlots = new ArrayList<>();
            int maxLen = 0;
            for (Item item : items) {
                maxLen = Math.max(maxLen, item.seq.length);
            }
            int[] path = new int[maxLen + 1];
            int[] prev = new int[0];
            BitSet used = new BitSet();
            for (Item item : items) {
                int[] seq = item.seq;
                int lcp = 0;
                while (lcp < prev.length && lcp < seq.length && prev[lcp] == seq[lcp]) {
                    lcp++;
                }
                int node = path[lcp];
                for (int k = lcp; k < seq.length; k++) {
                    if (nodes == cap) {
                        int n = cap * 2;
                        tLabel = Arrays.copyOf(tLabel, n);
                        tFirst = grow(tFirst, n);
                        tNext = grow(tNext, n);
                        tLast = grow(tLast, n);
                        tTerm = grow(tTerm, n);
                        cap = n;
                    }
                    int child = nodes++;
                    tLabel[child] = seq[k];
                    if (tFirst[node] < 0) {
                        tFirst[node] = child;
                    } else {
                        tNext[tLast[node]] = child;
                    }
                    tLast[node] = child;
                    path[k + 1] = child;
                    node = child;
                }
                if (tTerm[node] < 0) {
                    int[] s = new int[6];
                    Arrays.fill(s, -1);
                    tTerm[node] = termSlots.size();
                    termSlots.add(s);
                }
                int[] s = termSlots.get(tTerm[node]);
                int base = item.whole ? 3 : 0;
                boolean set = false;
                if (item.script != ENTRY_CYRILLIC && s[base + SPAN_LATIN] < 0) {
                    s[base + SPAN_LATIN] = item.entry;
                    set = true;
                }
                if (item.script != ENTRY_LATIN && s[base + SPAN_CYRILLIC] < 0) {
                    s[base + SPAN_CYRILLIC] = item.entry;
                    set = true;
                }
                if (s[base + SPAN_MIXED] < 0) {
                    s[base + SPAN_MIXED] = item.entry;
                    set = true;
                }
                if (set) {
                    used.set(item.entry);
                }
                prev = seq;
            }
            size = used.cardinality();

            // breadth-first layout: a node's children contiguous, in label order
            trie = new int[2 * (nodes + 1)];
            int[] queue = new int[nodes];
            int tail = 1;
            terminalBits = new long[(nodes + 63) >>> 6];
            terminalRank = new int[terminalBits.length];
            int[] orderedSlots = new int[termSlots.size() * 6];
            int terminals = 0;
            for (int head = 0; head < nodes; head++) {
                int tn = queue[head];
                int flag = 0;
                if (tTerm[tn] >= 0) {
                    flag = TERMINAL;
                    terminalBits[head >>> 6] |= 1L << (head & 63);
                    System.arraycopy(termSlots.get(tTerm[tn]), 0, orderedSlots, terminals * 6, 6);
                    terminals++;
                }
                trie[2 * head + 1] = tail | flag;
                for (int ch = tFirst[tn]; ch >= 0; ch = tNext[ch]) {
                    trie[2 * tail] = tLabel[ch];
                    queue[tail++] = ch;
                }
            }
            trie[2 * nodes + 1] = nodes;
            int rank = 0;
            for (int w = 0; w < terminalBits.length; w++) {
                terminalRank[w] = rank;
                rank += Long.bitCount(terminalBits[w]);
            }
            slots = orderedSlots;
            rootLo = new int[ids + 1];
            rootHi = new int[ids + 1];
            int rootEnd = trie[3] & ~TERMINAL;
            for (int k = trie[1] & ~TERMINAL; k < rootEnd; k++) {
                int id = trie[2 * k] >>> 8;
                if (rootHi[id] == 0) {
                    rootLo[id] = k;
                }
                rootHi[id] = k + 1;
            }
        }

        /** First symbols of the entries shorter than three symbols, each subset of their spaces left out. */
        private void buildFilter(List<Item> items, int ids) {
            shortStart = new boolean[ids + 1];
            int[] head = new int[5];
            for (Item item : items) {
                int n = Math.min(5, item.seq.length);
                int spaces = 0; // positions of spaces among the first five symbols
                for (int k = 0; k < n; k++) {
                    head[k] = item.seq[k] >>> 8;
                    if (k > 0 && head[k] == spaceId) {
                        spaces |= 1 << k;
                    }
                }
                for (int drop = spaces; ; drop = (drop - 1) & spaces) { // each subset of them left out
                    if (n - Integer.bitCount(drop) < 3) {
                        shortStart[head[0]] = true;
                    }
                    if (drop == 0) {
                        break;
                    }
                }
            }
        }

        /** Prefixes of 3 to PREFIX symbols of every entry, each subset of its spaces left out (joiners in the text). */
        private void buildPrefixes(List<Item> items) {
            int count = 0;
            for (Item item : items) {
                count += Math.min(PREFIX, item.seq.length);
            }
            // about 16 bits a prefix, at least 4 Kbit, at most 8 Mbit (1 MB)
            int bits = Integer.highestOneBit(Math.max(4096, Math.min(1 << 23, count * 16)) * 2 - 1);
            prefixShift = 32 - Integer.numberOfTrailingZeros(bits);
            prefixes = new long[bits >>> 6];
            for (Item item : items) {
                int[] seq = item.seq;
                int spaces = 0; // positions of the spaces before the PREFIX-th other symbol
                int kept = 0;
                for (int k = 0; k < seq.length && kept < PREFIX; k++) {
                    if (k > 0 && seq[k] >>> 8 == spaceId) {
                        if (k >= 16) {
                            break; // cannot happen (spaces do not follow each other), but stay sound
                        }
                        spaces |= 1 << k;
                    } else {
                        kept++;
                    }
                }
                if (kept < PREFIX && kept < seq.length - Integer.bitCount(spaces)) {
                    shortStart[seq[0] >>> 8] = true; // walk from its first symbol unfiltered
                    continue;
                }
                for (int drop = spaces; ; drop = (drop - 1) & spaces) {
                    int len = 0;
                    int total = seq.length - Integer.bitCount(drop);
                    int h = 0;
                    for (int k = 0; k < seq.length && len < PREFIX; k++) {
                        if ((drop & 1 << k) == 0) {
                            h = prefixStep(h, seq[k] >>> 8);
                            len++;
                            if (len >= 3) {
                                set(h);
                            }
                        }
                    }
                    if (len >= 3 && len < PREFIX && len == total) {
                        shortLengths |= 1 << len;
                        set(whole(h));
                    }
                    if (drop == 0) {
                        break;
                    }
                }
            }
        }

        private void set(int h) {
            int b = h >>> prefixShift;
            prefixes[b >>> 6] |= 1L << b;
        }

        private static int[] grow(int[] a, int n) {
            int old = a.length;
            int[] b = Arrays.copyOf(a, n);
            Arrays.fill(b, old, n, -1);
            return b;
        }

        private void storeEntries(List<StopWordList.Entry> entries) {
            java.util.Map<String, Integer> catIndex = new java.util.HashMap<>();
            List<String> cats = new ArrayList<>();
            entryOffset = new int[entries.size() + 1];
            entryCategory = new int[entries.size()];
            StringBuilder text = new StringBuilder();
            for (int e = 0; e < entries.size(); e++) {
                StopWordList.Entry entry = entries.get(e);
                entryOffset[e] = text.length();
                text.append(entry.text());
                entryCategory[e] = catIndex.computeIfAbsent(entry.category(), k -> {
                    cats.add(k);
                    return cats.size() - 1;
                });
            }
            entryOffset[entries.size()] = text.length();
            entryText = text.toString().toCharArray();
            categories = cats.toArray(new String[0]);
        }
    }
}
