package io.smsrouter.core.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tells whether a mobile-originated text asks to stop messages ({@code STOP}, {@code СТОП}...),
 * so that the router records an opt-out for the sender it was sent to.
 *
 * <p>The keyword must be the whole message or its first word, in any case, with punctuation and
 * spaces around it ignored: {@code STOP}, {@code stop.}, {@code " Стоп "}, {@code «СТОП»},
 * {@code СТОП Shop} and {@code STOP,please} ask; {@code Don't stop} and {@code стопка} do not.
 * A word is a run of letters and digits, joined by a {@code -} or an apostrophe between two of
 * them, so {@code стоп-лист} is one word and not a request. Keywords are single words; matching
 * allocates nothing.
 */
public final class StopKeywords {
    /** The default keywords: {@code STOP, СТОП, ОТПИСКА, UNSUBSCRIBE, ОТПИСАТЬСЯ}. */
    public static final List<String> DEFAULT_KEYWORDS = List.of("STOP", "СТОП", "ОТПИСКА", "UNSUBSCRIBE", "ОТПИСАТЬСЯ");

    private static final StopKeywords DEFAULTS = new StopKeywords(DEFAULT_KEYWORDS);

    private final String[] keywords;

    private StopKeywords(Collection<String> keywords) {
        List<String> list = new ArrayList<>();
        for (String k : keywords) {
            String keyword = k == null ? "" : k.strip();
            if (keyword.isEmpty() || wordEnd(keyword, 0) != keyword.length()) {
                throw new IllegalArgumentException("a stop keyword must be one word of letters and digits: '" + k + "'");
            }
            list.add(keyword);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no stop keywords");
        }
        this.keywords = list.toArray(new String[0]);
    }

    public static StopKeywords defaults() {
        return DEFAULTS;
    }

    /** Keywords as written (trimmed), compared case-insensitively; each one word. */
    public static StopKeywords of(Collection<String> keywords) {
        return new StopKeywords(keywords);
    }

    public List<String> keywords() {
        return List.of(keywords);
    }

    /** Whether the text is an opt-out request. */
    public boolean isStopRequest(CharSequence text) {
        return matchedKeyword(text) != null;
    }

    /**
     * The keyword, as configured, that the text starts with as a whole word (for the opt-out's
     * source, {@code "mo:" + keyword}), or null.
     */
    public String matchedKeyword(CharSequence text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        int start = 0;
        while (start < n && !isWordChar(text.charAt(start))) {
            start++;
        }
        if (start == n) {
            return null;
        }
        int length = wordEnd(text, start) - start;
        for (String keyword : keywords) {
            if (keyword.length() == length && regionMatchesIgnoreCase(text, start, keyword)) {
                return keyword;
            }
        }
        return null;
    }

    /** The end of the word that starts at {@code start} (a word char). */
    private static int wordEnd(CharSequence s, int start) {
        int n = s.length();
        int i = start;
        while (i < n) {
            char c = s.charAt(i);
            if (isWordChar(c)) {
                i++;
            } else if (isJoiner(c) && i + 1 < n && isWordChar(s.charAt(i + 1)) && i > start) {
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c);
    }

    private static boolean isJoiner(char c) {
        return c == '-' || c == '\'' || c == '\u2019';
    }

    private static boolean regionMatchesIgnoreCase(CharSequence text, int start, String keyword) {
        for (int i = 0; i < keyword.length(); i++) {
            char a = text.charAt(start + i);
            char b = keyword.charAt(i);
            if (a != b && Character.toUpperCase(a) != Character.toUpperCase(b)
                    && Character.toLowerCase(a) != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }
}
