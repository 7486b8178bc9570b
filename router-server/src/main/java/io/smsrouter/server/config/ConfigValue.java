package io.smsrouter.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One value of the YAML tree at its key path ({@code accounts[1].moderation}). The {@code as*}
 * methods check its type and range; on a mismatch they record a problem naming the path, the
 * expectation and the value, and return null, so that reading goes on and every problem is reported.
 * An absent key and an explicit {@code ~}/empty value are the same: "not given".
 */
final class ConfigValue {

    private static final int MAX_SHOWN = 60;

    final ConfigProblems problems;
    final String path;
    final JsonNode node;

    ConfigValue(ConfigProblems problems, String path, JsonNode node) {
        this.problems = problems;
        this.path = path;
        this.node = node;
    }

    boolean isAbsent() {
        return node == null || node.isNull() || node.isMissingNode();
    }

    void problem(String message) {
        problems.add(path, message);
    }

    /** Records "required key missing" with the expectation. */
    void missing(String expected) {
        problem("required key missing, expected " + expected);
    }

    /** Records "expected X, got Y". */
    void expected(String what) {
        expected(what, false);
    }

    void expected(String what, boolean secret) {
        problem("expected " + what + ", got " + (secret ? describeSecret(node) : describe(node)));
    }

    /** The string, or null when absent or not a string; a string that breaks the rule is recorded and returned. */
    String asString(StringRule rule) {
        if (isAbsent()) {
            return null;
        }
        if (!node.isTextual()) {
            String hint = node.isNumber() ? " (YAML reads it as a number; put the value in quotes)"
                    : node.isBoolean() ? " (YAML reads yes/no/on/off/true/false as a boolean; put the value in quotes)"
                    : "";
            problem("expected " + rule.expected() + ", got "
                    + (rule.secret() ? describeSecret(node) : describe(node)) + hint);
            return null;
        }
        String s = node.textValue();
        if (!rule.test().test(s)) {
            expected(rule.expected(), rule.secret());
        }
        return s;
    }

    /** The integer, or null when absent, not an integer or outside {@code min..max}. */
    Integer asInt(int min, int max) {
        if (isAbsent()) {
            return null;
        }
        String what = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer " + min + ".." + max;
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            expected(what);
            return null;
        }
        return node.intValue();
    }

    /** The boolean, or null when absent or not {@code true}/{@code false}. */
    Boolean asBoolean() {
        if (isAbsent()) {
            return null;
        }
        if (!node.isBoolean()) {
            expected("true or false");
            return null;
        }
        return node.booleanValue();
    }

    /** The elements, each with its path {@code key[i]}; null when absent or not a list. */
    List<ConfigValue> asList(String expected) {
        if (isAbsent()) {
            return null;
        }
        if (!node.isArray()) {
            expected(expected);
            return null;
        }
        List<ConfigValue> elements = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            elements.add(new ConfigValue(problems, path + "[" + i + "]", node.get(i)));
        }
        return elements;
    }

    /** This value as a mapping with exactly these keys allowed; an absent value reads as an empty mapping. */
    ConfigMapping asMapping(List<String> keys) {
        if (!isAbsent() && !node.isObject()) {
            expected("a mapping of " + String.join(", ", keys));
            return new ConfigMapping(problems, path, null, keys);
        }
        return new ConfigMapping(problems, path, isAbsent() ? null : node, keys);
    }

    /** How a value is shown in a message: strings quoted, lists and mappings named, never multi-line. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        if (v.isArray()) {
            return v.isEmpty() ? "an empty list" : "a list";
        }
        if (v.isObject()) {
            return v.isEmpty() ? "an empty mapping" : "a mapping";
        }
        return v.getNodeType().toString().toLowerCase();
    }

    /** Like {@link #describe} but never shows the value itself. */
    static String describeSecret(JsonNode v) {
        if (v != null && v.isTextual()) {
            int n = v.textValue().length();
            return n == 0 ? "an empty string" : "a string of " + n + (n == 1 ? " character" : " characters");
        }
        if (v != null && v.isNumber()) {
            return "a number";
        }
        if (v != null && v.isBoolean()) {
            return "a boolean";
        }
        return describe(v);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            if (i == MAX_SHOWN) {
                b.append("...");
                break;
            }
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
