package io.smsrouter.server.config;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a string value must look like, and how to say so in an error message.
 *
 * @param expected completes "expected ...", e.g. "1 to 8 printable ASCII characters"
 * @param test     true for an acceptable value
 * @param secret   never echo the value in a message (passwords, keys, tokens)
 */
record StringRule(String expected, Predicate<String> test, boolean secret) {

    static StringRule of(String expected, Predicate<String> test) {
        return new StringRule(expected, test, false);
    }

    StringRule asSecret() {
        return new StringRule(expected, test, true);
    }

    /** SMPP 3.4 C-Octet Strings: printable ASCII, {@code min..max} characters before the NUL. */
    static StringRule ascii(int min, int max, String what) {
        String length = min == max ? String.valueOf(max) : min == 0 ? "at most " + max : min + " to " + max;
        return of(length + " printable ASCII characters (" + what + ")",
                s -> s.length() >= min && s.length() <= max && s.chars().allMatch(c -> c >= 0x20 && c <= 0x7E));
    }

    /**
     * {@code plain}, or a hash from {@code scripts/hash-secret} (checked for its form by the caller);
     * always secret.
     */
    static StringRule hashOr(StringRule plain) {
        return new StringRule(plain.expected() + " or its hash from scripts/hash-secret (pbkdf2-sha256$...)",
                s -> io.smsrouter.core.account.Secret.looksHashed(s) ? s.length() <= 512 && s.chars().allMatch(
                        c -> c > 0x20 && c <= 0x7E) : plain.test().test(s), true);
    }

    /** A host name or address: something, with no spaces. */
    static StringRule host() {
        return of("a host name or IP address", s -> !s.isEmpty() && s.chars().noneMatch(Character::isWhitespace));
    }

    /** A token with no spaces, as it appears after "Bearer ". */
    static StringRule token(String what) {
        return new StringRule("1 to 256 printable ASCII characters without spaces (" + what + ")",
                s -> s.length() >= 1 && s.length() <= 256 && s.chars().allMatch(c -> c > 0x20 && c <= 0x7E), true);
    }

    static StringRule matching(String regex, String expected) {
        Pattern p = Pattern.compile(regex);
        return of(expected, s -> p.matcher(s).matches());
    }

    static StringRule oneOf(List<String> allowed) {
        return of("one of " + String.join(", ", allowed), allowed::contains);
    }

    static StringRule nonEmpty(String expected) {
        return of(expected, s -> !s.isBlank());
    }
}
