package io.smsrouter.server.config;

import java.util.List;

/**
 * The configuration cannot be used. The message is ready to print: one line per problem, each of the
 * form {@code <file>: <key path>: expected <what>, got <value>}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String message) {
        this(List.of(message), null);
    }

    public ConfigException(String message, Throwable cause) {
        this(List.of(message), cause);
    }

    ConfigException(List<String> problems, Throwable cause) {
        super(String.join("\n", problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order found, each a complete message naming the file. */
    public List<String> problems() {
        return problems;
    }
}
