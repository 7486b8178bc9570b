package io.smsrouter.core.moderation;

/**
 * One stop-word entry found in a text.
 *
 * @param entry    the entry as written in the stop-word file ({@code =ставка}, {@code финансовая пирамида})
 * @param category its category ({@code default} when the file gave none)
 * @param start    char offset in the original text of the first char of the matched symbols
 * @param end      char offset just after the last char of the matched symbols, for highlighting
 *                 {@code text.substring(start, end)}; separators and invisible chars inside are included
 */
public record Match(String entry, String category, int start, int end) {
}
