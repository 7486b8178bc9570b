package io.smsrouter.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;

/**
 * A YAML mapping at one key path, with the keys it may hold. Unknown keys are recorded as problems
 * when it is created; the getters fall back to the default when a key is absent or wrong (a wrong
 * one is recorded, so the load fails anyway).
 */
final class ConfigMapping {

    private final ConfigProblems problems;
    private final String path;
    private final JsonNode node;

    ConfigMapping(ConfigProblems problems, String path, JsonNode node, List<String> keys) {
        this.problems = problems;
        this.path = path;
        this.node = node;
        if (node != null) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!keys.contains(name)) {
                    problems.add(childPath(name), "unknown key (expected one of " + String.join(", ", keys) + ")");
                }
            }
        }
    }

    String path() {
        return path;
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigValue get(String key) {
        return new ConfigValue(problems, childPath(key), node == null ? null : node.get(key));
    }

    boolean has(String key) {
        return !get(key).isAbsent();
    }

    void problem(String message) {
        problems.add(path, message);
    }

    String string(String key, String defaultValue, StringRule rule) {
        ConfigValue v = get(key);
        if (v.isAbsent()) {
            return defaultValue;
        }
        String s = v.asString(rule);
        return s == null ? defaultValue : s;
    }

    /** Null (and a recorded problem) when missing or not a string. */
    String requiredString(String key, StringRule rule) {
        ConfigValue v = get(key);
        if (v.isAbsent()) {
            v.missing(rule.expected());
            return null;
        }
        return v.asString(rule);
    }

    int integer(String key, int defaultValue, int min, int max) {
        Integer i = get(key).asInt(min, max);
        return i == null ? defaultValue : i;
    }

    /** Null (and a recorded problem) when missing or wrong. */
    Integer requiredInteger(String key, int min, int max) {
        ConfigValue v = get(key);
        if (v.isAbsent()) {
            v.missing("an integer " + min + ".." + max);
            return null;
        }
        return v.asInt(min, max);
    }

    boolean bool(String key, boolean defaultValue) {
        Boolean b = get(key).asBoolean();
        return b == null ? defaultValue : b;
    }

    ConfigMapping mapping(String key, List<String> keys) {
        return get(key).asMapping(keys);
    }
}
