package io.smsrouter.core.template;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A compiled message template (syntax in the package documentation). Immutable and thread-safe:
 * compile once, then render it for each recipient from any number of threads.
 */
public final class Template {
    private final String name;
    private final String source;
    private final Node[] body;
    private final Set<String> variables;

    Template(String name, String source, Node[] body, Set<String> variables) {
        this.name = name;
        this.source = source;
        this.body = body;
        this.variables = variables;
    }

    /**
     * Compiles {@code source}; {@code name} is only used in error messages.
     *
     * @throws TemplateException naming the template, the line, the column and the problem
     */
    public static Template compile(String name, String source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        return new TemplateParser(name, source).parse();
    }

    /**
     * The message for one recipient.
     *
     * @param vars the recipient's variables as parsed from JSON: String, Number, Boolean, null,
     *             or a Map for dotted names; null means none
     * @throws TemplateException for a missing variable, a division by zero, a value a filter cannot
     *                           use; it names the template and the position in it
     */
    public String render(Map<String, ?> vars, RenderContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        StringBuilder out = new StringBuilder(source.length() + 64);
        Node.renderAll(body, out, new Frame(this, vars == null ? Map.of() : vars, ctx));
        return out.toString();
    }

    /** Renders in UTC with the system clock. */
    public String render(Map<String, ?> vars) {
        return render(vars, RenderContext.DEFAULT);
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    /**
     * The top-level variable names the template reads (not {@code now}), in order of first use,
     * for checking a recipient list before sending.
     */
    public Set<String> variables() {
        return variables;
    }

    @Override
    public String toString() {
        return "Template[" + name + "]";
    }
}
