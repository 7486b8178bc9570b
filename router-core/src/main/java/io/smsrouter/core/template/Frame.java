package io.smsrouter.core.template;

import java.time.Instant;
import java.util.Map;

/** One render: the template, the recipient's variables and context. Not shared between threads. */
final class Frame {
    final Template template;
    final Map<String, ?> vars;
    final RenderContext ctx;
    private Instant now;

    Frame(Template template, Map<String, ?> vars, RenderContext ctx) {
        this.template = template;
        this.vars = vars;
        this.ctx = ctx;
    }

    /** Read once a render, so two {@code now} in one message agree. */
    Instant now() {
        if (now == null) {
            now = ctx.clock().instant();
        }
        return now;
    }

    TemplateException error(int pos, String problem) {
        return TemplateException.at(template.name(), template.source(), pos, problem);
    }

    /** The value itself, or the missing-variable error if it is {@link Expr.Missing}. */
    Object need(Object value) {
        if (value instanceof Expr.Missing m) {
            String hint = m.name().indexOf('.') < 0 ? Values.didYouMean(m.name(), vars.keySet()) : "";
            throw error(m.pos(), "missing variable \"" + m.name() + "\"" + hint);
        }
        return value;
    }
}
