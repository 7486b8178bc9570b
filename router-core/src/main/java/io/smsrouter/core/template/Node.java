package io.smsrouter.core.template;

/** A piece of a compiled template: literal text, a substitution, or an {@code if} block. */
abstract class Node {
    abstract void render(StringBuilder out, Frame f);

    static void renderAll(Node[] nodes, StringBuilder out, Frame f) {
        for (Node n : nodes) {
            n.render(out, f);
        }
    }

    static final class Text extends Node {
        final String text;

        Text(String text) {
            this.text = text;
        }

        @Override
        void render(StringBuilder out, Frame f) {
            out.append(text);
        }
    }

    static final class Output extends Node {
        private final Expr expr;

        Output(Expr expr) {
            this.expr = expr;
        }

        @Override
        void render(StringBuilder out, Frame f) {
            out.append(Values.text(f.need(expr.eval(f))));
        }
    }

    /** {@code {if}...{elif}...{else}...{end}}: the first branch whose condition holds. */
    static final class If extends Node {
        private final Expr[] conditions;
        private final Node[][] branches;
        private final Node[] otherwise;

        If(Expr[] conditions, Node[][] branches, Node[] otherwise) {
            this.conditions = conditions;
            this.branches = branches;
            this.otherwise = otherwise;
        }

        @Override
        void render(StringBuilder out, Frame f) {
            for (int i = 0; i < conditions.length; i++) {
                if (Values.truthy(f.need(conditions[i].eval(f)))) {
                    renderAll(branches[i], out, f);
                    return;
                }
            }
            renderAll(otherwise, out, f);
        }
    }
}
