package io.smsrouter.core.moderation;

/** A stop-word file that cannot be used: names the source, the line (1-based) and what is wrong with it. */
public final class StopWordFormatException extends RuntimeException {
    private final String source;
    private final int line;
    private final String problem;

    public StopWordFormatException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
