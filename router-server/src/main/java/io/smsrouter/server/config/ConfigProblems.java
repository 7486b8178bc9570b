package io.smsrouter.server.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in one file, so that a user can fix them all in one go. */
final class ConfigProblems {

    private final String file;
    private final List<String> messages = new ArrayList<>();

    ConfigProblems(String file) {
        this.file = file;
    }

    /** Records {@code <file>: <path>: <message>}; an empty path stands for the whole file. */
    void add(String path, String message) {
        messages.add(path.isEmpty() ? file + ": " + message : file + ": " + path + ": " + message);
    }

    int count() {
        return messages.size();
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages, null);
        }
    }
}
