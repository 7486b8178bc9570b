package io.smsrouter.core.template;

/**
 * A template that cannot be compiled, rendered or loaded: names the template, the position (line
 * and column, both counted from 1, columns in characters) and the problem, for example
 * {@code template "order": line 1, column 14: unknown filter "plurl" (did you mean "plural"?)}.
 * Where no position applies (a file that is not UTF-8), line and column are 0 and the message
 * leaves them out.
 */
public final class TemplateException extends RuntimeException {
    private final String templateName;
    private final int line;
    private final int column;
    private final String problem;

    public TemplateException(String templateName, int line, int column, String problem) {
        super(line > 0
                ? "template \"" + templateName + "\": line " + line + ", column " + column + ": " + problem
                : "template \"" + templateName + "\": " + problem);
        this.templateName = templateName;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** The error at character offset {@code pos} of {@code source}. */
    static TemplateException at(String templateName, String source, int pos, String problem) {
        int p = Math.min(Math.max(pos, 0), source.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < p; i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new TemplateException(templateName, line, source.codePointCount(lineStart, p) + 1, problem);
    }

    public String templateName() {
        return templateName;
    }

    /** 1-based line, or 0 when the problem has no position. */
    public int line() {
        return line;
    }

    /** 1-based column in characters (code points), or 0 when the problem has no position. */
    public int column() {
        return column;
    }

    /** What is wrong, without the template name and position. */
    public String problem() {
        return problem;
    }
}
