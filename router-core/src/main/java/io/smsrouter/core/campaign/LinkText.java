package io.smsrouter.core.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Finds the links of a campaign's text and replaces them by short tracked ones (SPEC §8,
 * {@code "trackLinks":true}).
 *
 * <p>A link starts with {@code http://} or {@code https://} (any case) not preceded by a letter or
 * digit, or with {@code www.} at the start of a word, and needs a letter or digit right after that
 * prefix. It runs to the next white space, control character, one of {@code < > " ` \ ^ { } |}
 * (none of which a URL holds unencoded), or character beyond ASCII that is not a letter, digit or
 * combining mark ({@code « » “ ” — …}, emoji); then sentence punctuation at its end is given
 * back to the text: {@code . , ! ? : ; ' ’ …} and a closing bracket ({@code ) ] }}) that has no
 * opening one inside the link ({@code https://en.wikipedia.org/wiki/Fork_(software)} keeps its
 * bracket, {@code (see https://x.org/a)} does not). Letters of any script belong to a link, so
 * {@code https://пример.рф/путь} is one link.
 */
public final class LinkText {

    /**
     * A text with its links replaced.
     *
     * @param text the text, each link replaced by {@code shortBase + "/" + code}
     * @param urls the links replaced, as they were written, in order: {@code urls.get(i)} is the
     *             link given link index {@code i}
     */
    public record Shortened(String text, List<String> urls) {
        public Shortened {
            urls = List.copyOf(urls);
        }
    }

    private LinkText() {
    }

    /**
     * Replaces every link of {@code text}, in order of appearance, by
     * {@code shortBase + "/" + codeForLinkIndex.apply(i)} for link index {@code i} = 0, 1, ...
     * Links that already start with {@code shortBase} (scheme and case aside) are left as they are
     * and take no index. A text without links comes back as it is.
     */
    public static Shortened shorten(String text, String shortBase, IntFunction<String> codeForLinkIndex) {
        StringBuilder out = null;
        List<String> urls = null;
        int copied = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = nextStart(text, i);
            if (start < 0) {
                break;
            }
            int end = end(text, start);
            if (!isShort(text, start, end, shortBase)) {
                if (out == null) {
                    out = new StringBuilder(n + 16);
                    urls = new ArrayList<>(2);
                }
                out.append(text, copied, start).append(shortBase).append('/')
                        .append(codeForLinkIndex.apply(urls.size()));
                urls.add(text.substring(start, end));
                copied = end;
            }
            i = end;
        }
        if (out == null) {
            return new Shortened(text, List.of());
        }
        out.append(text, copied, n);
        return new Shortened(out.toString(), urls);
    }

    /** The links of {@code text} as written, in order of appearance. */
    public static List<String> urls(String text) {
        List<String> urls = new ArrayList<>(2);
        int i = 0;
        while (i < text.length()) {
            int start = nextStart(text, i);
            if (start < 0) {
                break;
            }
            int end = end(text, start);
            urls.add(text.substring(start, end));
            i = end;
        }
        return urls;
    }

    /** Where the next link starts at or after {@code from}, or -1. */
    private static int nextStart(String t, int from) {
        int n = t.length();
        for (int i = from; i < n; i++) {
            char c = t.charAt(i);
            if (c == 'h' || c == 'H') {
                int p = t.regionMatches(true, i, "https://", 0, 8) ? 8
                        : t.regionMatches(true, i, "http://", 0, 7) ? 7 : 0;
                if (p > 0 && (i == 0 || !Character.isLetterOrDigit(t.charAt(i - 1)))
                        && i + p < n && (Character.isLetterOrDigit(t.charAt(i + p)) || t.charAt(i + p) == '[')) {
                    return i;
                }
            } else if ((c == 'w' || c == 'W') && t.regionMatches(true, i, "www.", 0, 4)
                    && (i == 0 || wordStart(t.charAt(i - 1)))
                    && i + 4 < n && Character.isLetterOrDigit(t.charAt(i + 4))) {
                return i;
            }
        }
        return -1;
    }

    /** A {@code www.} after this character starts a link (not inside a name, an address or a path). */
    private static boolean wordStart(char before) {
        return !Character.isLetterOrDigit(before) && before != '.' && before != '-' && before != '_'
                && before != '@' && before != '/' && before != ':';
    }

    /** Where the link starting at {@code start} ends (exclusive), trailing punctuation given back. */
    private static int end(String t, int start) {
        int n = t.length();
        int end = start;
        while (end < n && !stops(t.charAt(end))) {
            end++;
        }
        while (end > start) {
            char last = t.charAt(end - 1);
            if (last == '.' || last == ',' || last == '!' || last == '?' || last == ':' || last == ';'
                    || last == '\'' || last == '’' || last == '…') {
                end--;
            } else if (last == ')' && unbalanced(t, start, end, '(', ')')
                    || last == ']' && unbalanced(t, start, end, '[', ']')
                    || last == '}' && unbalanced(t, start, end, '{', '}')) {
                end--;
            } else {
                break;
            }
        }
        return end;
    }

    private static boolean stops(char c) {
        if (c < 0x80) {
            return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '\\' || c == '^'
                    || c == '{' || c == '}' || c == '|';
        }
        // beyond ASCII a link holds letters, digits and combining marks (an IRI's path); spaces,
        // dashes, quotes, brackets, other punctuation, symbols and emoji end it
        if (Character.isLetterOrDigit(c)) {
            return false;
        }
        int type = Character.getType(c);
        return type != Character.NON_SPACING_MARK && type != Character.COMBINING_SPACING_MARK
                && type != Character.ENCLOSING_MARK;
    }

    /** More closing than opening brackets in t[start, end). */
    private static boolean unbalanced(String t, int start, int end, char open, char close) {
        int depth = 0;
        for (int i = start; i < end; i++) {
            char c = t.charAt(i);
            if (c == open) {
                depth++;
            } else if (c == close) {
                depth--;
            }
        }
        return depth < 0;
    }

    /** The link t[start, end) already points under shortBase (compared without scheme, ignoring case). */
    private static boolean isShort(String t, int start, int end, String shortBase) {
        int baseFrom = afterScheme(shortBase, 0, shortBase.length());
        int from = afterScheme(t, start, end);
        int len = shortBase.length() - baseFrom;
        if (end - from < len || !t.regionMatches(true, from, shortBase, baseFrom, len)) {
            return false;
        }
        if (end - from == len) {
            return true;
        }
        char next = t.charAt(from + len);
        return next == '/' || next == '?' || next == '#';
    }

    private static int afterScheme(String s, int start, int end) {
        int p = s.indexOf("://", start);
        return p >= 0 && p < end ? p + 3 : start;
    }
}
