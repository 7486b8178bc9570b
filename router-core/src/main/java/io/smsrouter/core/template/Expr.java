package io.smsrouter.core.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Map;

/**
 * A compiled expression inside braces. Immutable, so a template is shared between threads. Each
 * node keeps its character offset in the source for error messages.
 */
abstract class Expr {
    final int pos;

    Expr(int pos) {
        this.pos = pos;
    }

    /** The value: String, BigDecimal, Boolean, null, a variable's own value, or {@link Missing}. */
    abstract Object eval(Frame f);

    /** A variable the recipient did not send. Passed on through filters until {@code default} or use. */
    record Missing(int pos, String name) {
    }

    static final class Literal extends Expr {
        final Object value;

        Literal(int pos, Object value) {
            super(pos);
            this.value = value;
        }

        @Override
        Object eval(Frame f) {
            return value;
        }
    }

    static final class Var extends Expr {
        final String name;
        private final String[] path;

        Var(int pos, String name) {
            super(pos);
            this.name = name;
            this.path = name.split("\\.");
        }

        @Override
        Object eval(Frame f) {
            Object v = f.vars.get(path[0]);
            if (v == null && !f.vars.containsKey(path[0])) {
                return new Missing(pos, name);
            }
            for (int i = 1; i < path.length; i++) {
                if (!(v instanceof Map<?, ?> m)) {
                    throw f.error(pos, "\"" + String.join(".", Arrays.copyOf(path, i))
                            + "\" is " + Values.describe(v) + ", not an object with \"" + path[i] + "\"");
                }
                Object next = m.get(path[i]);
                if (next == null && !m.containsKey(path[i])) {
                    return new Missing(pos, name);
                }
                v = next;
            }
            return v;
        }
    }

    static final class Now extends Expr {
        Now(int pos) {
            super(pos);
        }

        @Override
        Object eval(Frame f) {
            return f.now();
        }
    }

    /** The operand as a number, or an error naming it. */
    static BigDecimal number(Expr e, Frame f) {
        Object v = f.need(e.eval(f));
        BigDecimal d = Values.decimalOrNull(v);
        if (d == null) {
            throw f.error(e.pos, what(e) + " is not a number: " + Values.describe(v));
        }
        return d;
    }

    static String what(Expr e) {
        return e instanceof Var v ? "variable \"" + v.name + "\"" : "value";
    }

    static final class Negate extends Expr {
        private final Expr operand;

        Negate(int pos, Expr operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        Object eval(Frame f) {
            return number(operand, f).negate();
        }
    }

    static final class Arithmetic extends Expr {
        private final char op;
        private final Expr left;
        private final Expr right;

        Arithmetic(int pos, char op, Expr left, Expr right) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(Frame f) {
            BigDecimal a = number(left, f);
            BigDecimal b = number(right, f);
            switch (op) {
                case '+':
                    return a.add(b);
                case '-':
                    return a.subtract(b);
                case '*':
                    return a.multiply(b);
                default:
                    if (b.signum() == 0) {
                        throw f.error(pos, "division by zero"
                                + (right instanceof Var v ? " (\"" + v.name + "\" is 0)" : ""));
                    }
                    return a.divide(b, 2, RoundingMode.HALF_UP);
            }
        }
    }

    static final class Compare extends Expr {
        private final String op;
        private final Expr left;
        private final Expr right;

        Compare(int pos, String op, Expr left, Expr right) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(Frame f) {
            Object a = f.need(left.eval(f));
            Object b = f.need(right.eval(f));
            switch (op) {
                case "==":
                    return Values.equal(a, b);
                case "!=":
                    return !Values.equal(a, b);
                default:
                    int c = order(a, b, f);
                    switch (op) {
                        case "<":
                            return c < 0;
                        case "<=":
                            return c <= 0;
                        case ">":
                            return c > 0;
                        default:
                            return c >= 0;
                    }
            }
        }

        // Numbers (and numeric strings, as CRMs send "10") by value; other strings alphabetically.
        private int order(Object a, Object b, Frame f) {
            BigDecimal x = Values.decimalOrNull(a);
            BigDecimal y = Values.decimalOrNull(b);
            if (x != null && y != null) {
                return x.compareTo(y);
            }
            if (a instanceof String s && b instanceof String t) {
                return s.compareTo(t);
            }
            throw f.error(pos, "cannot compare " + Values.describe(a) + " with " + Values.describe(b));
        }
    }

    static final class And extends Expr {
        private final Expr left;
        private final Expr right;

        And(int pos, Expr left, Expr right) {
            super(pos);
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(Frame f) {
            return Values.truthy(f.need(left.eval(f))) && Values.truthy(f.need(right.eval(f)));
        }
    }

    static final class Or extends Expr {
        private final Expr left;
        private final Expr right;

        Or(int pos, Expr left, Expr right) {
            super(pos);
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(Frame f) {
            return Values.truthy(f.need(left.eval(f))) || Values.truthy(f.need(right.eval(f)));
        }
    }

    static final class Not extends Expr {
        private final Expr operand;

        Not(int pos, Expr operand) {
            super(pos);
            this.operand = operand;
        }

        @Override
        Object eval(Frame f) {
            return !Values.truthy(f.need(operand.eval(f)));
        }
    }

    /** {@code input | filter}. A missing input passes through every filter but {@code default}. */
    static final class Apply extends Expr {
        private final Expr input;
        private final Filter filter;

        Apply(int pos, Expr input, Filter filter) {
            super(pos);
            this.input = input;
            this.filter = filter;
        }

        @Override
        Object eval(Frame f) {
            Object in = input.eval(f);
            if (in instanceof Missing && !filter.takesMissing()) {
                return in;
            }
            return filter.apply(in, f, pos);
        }
    }
}
