package io.smsrouter.core.template;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles template source (syntax in {@code package-info.java}) into {@link Node}s. Text is
 * scanned once; each {@code {...}} is first delimited (respecting quoted strings), then tokenized
 * and parsed by recursive descent. One instance compiles one template.
 */
final class TemplateParser {
    static final int MAX_DEPTH = 64;

    private static final int END = 0;
    private static final int IDENT = 1;
    private static final int NUMBER = 2;
    private static final int STRING = 3;
    private static final int OP = 4;

    private final String name;
    private final String src;
    private final Set<String> variables = new LinkedHashSet<>();

    // the tag being parsed: characters [p, tagEnd) remain, tagEnd is its "}"
    private int p;
    private int tagEnd;
    private int kind;
    private int tokPos;
    private String tokText;
    private Object tokValue;
    private int depth;

    TemplateParser(String name, String src) {
        this.name = name;
        this.src = src;
    }

    TemplateException error(int pos, String problem) {
        return TemplateException.at(name, src, pos, problem);
    }

    private static final class OpenIf {
        final int pos;
        final List<Expr> conditions = new ArrayList<>();
        final List<Node[]> branches = new ArrayList<>();
        List<Node> current;
        boolean inElse;

        OpenIf(int pos, Expr condition) {
            this.pos = pos;
            conditions.add(condition);
            current = new ArrayList<>();
        }

        void close() {
            if (!inElse) {
                branches.add(current.toArray(new Node[0]));
            }
        }

        Node build() {
            Node[] otherwise = inElse ? current.toArray(new Node[0]) : new Node[0];
            return new Node.If(conditions.toArray(new Expr[0]), branches.toArray(new Node[0][]), otherwise);
        }
    }

    Template parse() {
        List<Node> root = new ArrayList<>();
        Deque<OpenIf> open = new ArrayDeque<>();
        StringBuilder text = new StringBuilder();
        int n = src.length();
        int i = 0;
        while (i < n) {
            char c = src.charAt(i);
            if (c == '{' || c == '}') {
                if (i + 1 < n && src.charAt(i + 1) == c) {
                    text.append(c);
                    i += 2;
                    continue;
                }
                if (c == '}') {
                    throw error(i, "unmatched \"}\"; write \"}}\" for a literal brace");
                }
                List<Node> current = open.isEmpty() ? root : open.peek().current;
                if (text.length() > 0) {
                    current.add(new Node.Text(text.toString()));
                    text.setLength(0);
                }
                i = tag(i, root, open);
            } else {
                text.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) {
            throw error(open.peek().pos, "{if} is never closed with {end}");
        }
        if (text.length() > 0) {
            root.add(new Node.Text(text.toString()));
        }
        return new Template(name, src, root.toArray(new Node[0]), Collections.unmodifiableSet(variables));
    }

    /** Parses the tag opening at {@code open}; returns the offset after its "}". */
    private int tag(int openPos, List<Node> root, Deque<OpenIf> open) {
        tagEnd = findClose(openPos);
        p = openPos + 1;
        depth = 0;
        next();
        if (kind == END) {
            throw error(openPos, "empty {}; write {{}} for literal braces");
        }
        List<Node> current = open.isEmpty() ? root : open.peek().current;
        String keyword = kind == IDENT ? tokText : "";
        switch (keyword) {
            case "if": {
                next();
                Expr condition = pipeline();
                expectEnd();
                if (open.size() >= MAX_DEPTH) {
                    throw error(openPos, "{if} nested more than " + MAX_DEPTH + " deep");
                }
                open.push(new OpenIf(openPos, condition));
                break;
            }
            case "elif": {
                next();
                Expr condition = pipeline();
                expectEnd();
                OpenIf block = open.peek();
                if (block == null) {
                    throw error(openPos, "{elif} without {if}");
                }
                if (block.inElse) {
                    throw error(openPos, "{elif} after {else}");
                }
                block.branches.add(block.current.toArray(new Node[0]));
                block.conditions.add(condition);
                block.current = new ArrayList<>();
                break;
            }
            case "else": {
                next();
                if (kind != END) {
                    throw error(tokPos, "{else} takes no condition; write {elif condition}");
                }
                OpenIf block = open.peek();
                if (block == null) {
                    throw error(openPos, "{else} without {if}");
                }
                if (block.inElse) {
                    throw error(openPos, "second {else} in one {if}");
                }
                block.close();
                block.inElse = true;
                block.current = new ArrayList<>();
                break;
            }
            case "end": {
                next();
                if (kind != END) {
                    throw error(tokPos, "{end} takes nothing after it");
                }
                OpenIf block = open.poll();
                if (block == null) {
                    throw error(openPos, "{end} without {if}");
                }
                block.close();
                (open.isEmpty() ? root : open.peek().current).add(block.build());
                break;
            }
            default: {
                Expr e = pipeline();
                expectEnd();
                current.add(new Node.Output(e));
            }
        }
        return tagEnd + 1;
    }

    /** The offset of the "}" closing the tag at {@code openPos}, skipping quoted strings. */
    private int findClose(int openPos) {
        int n = src.length();
        int i = openPos + 1;
        while (i < n) {
            char c = src.charAt(i);
            if (c == '}') {
                return i;
            }
            if (c == '{') {
                throw error(openPos, "unclosed \"{\": another \"{\" comes before \"}\"; write \"{{\" for a literal brace");
            }
            if (c == '"' || c == '\'') {
                int quote = i++;
                while (true) {
                    if (i >= n || src.charAt(i) == '\n') {
                        throw error(quote, "unclosed string");
                    }
                    char d = src.charAt(i);
                    if (d == '\\') {
                        i += 2;
                        continue;
                    }
                    if (d == c) {
                        break;
                    }
                    i++;
                }
            }
            i++;
        }
        throw error(openPos, "unclosed \"{\"; write \"{{\" for a literal brace");
    }

    // ---- tokens ----

    private void next() {
        while (p < tagEnd && Character.isWhitespace(src.charAt(p))) {
            p++;
        }
        tokPos = p;
        tokValue = null;
        if (p >= tagEnd) {
            kind = END;
            tokText = "}";
            return;
        }
        char c = src.charAt(p);
        if (Character.isLetter(c) || c == '_') {
            identifier();
        } else if (Values.isDigit(c)) {
            number();
        } else if (c == '"' || c == '\'') {
            string(c);
        } else {
            operator(c);
        }
    }

    private void identifier() {
        int start = p;
        while (true) {
            while (p < tagEnd && (Character.isLetterOrDigit(src.charAt(p)) || src.charAt(p) == '_')) {
                p++;
            }
            if (p < tagEnd && src.charAt(p) == '.') {
                if (p + 1 < tagEnd && (Character.isLetter(src.charAt(p + 1)) || src.charAt(p + 1) == '_')) {
                    p++;
                    continue;
                }
                throw error(p + 1, "expected a name after \".\"");
            }
            break;
        }
        kind = IDENT;
        tokText = src.substring(start, p);
    }

    private void number() {
        int start = p;
        while (p < tagEnd && Values.isDigit(src.charAt(p))) {
            p++;
        }
        if (p + 1 < tagEnd && src.charAt(p) == '.' && Values.isDigit(src.charAt(p + 1))) {
            p++;
            while (p < tagEnd && Values.isDigit(src.charAt(p))) {
                p++;
            }
        }
        if (p < tagEnd && (Character.isLetterOrDigit(src.charAt(p)) || src.charAt(p) == '_' || src.charAt(p) == '.'
                || src.charAt(p) == ',')) {
            while (p < tagEnd && (Character.isLetterOrDigit(src.charAt(p)) || src.charAt(p) == '_'
                    || src.charAt(p) == '.' || src.charAt(p) == ',')) {
                p++;
            }
            throw error(start, "bad number literal \"" + src.substring(start, p) + "\"; write numbers like 12 or 12.50");
        }
        kind = NUMBER;
        tokText = src.substring(start, p);
        tokValue = new BigDecimal(tokText);
    }

    private void string(char quote) {
        int start = p++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= tagEnd) {
                throw error(start, "unclosed string");
            }
            char c = src.charAt(p);
            if (c == quote) {
                p++;
                break;
            }
            if (c == '\\') {
                char e = p + 1 < tagEnd ? src.charAt(p + 1) : ' ';
                switch (e) {
                    case 'n':
                        sb.append('\n');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case '\\':
                    case '"':
                    case '\'':
                        sb.append(e);
                        break;
                    default:
                        throw error(p, "unknown escape \"\\" + e + "\"; write \\\\ for a backslash");
                }
                p += 2;
                continue;
            }
            sb.append(c);
            p++;
        }
        kind = STRING;
        tokText = src.substring(start, p);
        tokValue = sb.toString();
    }

    private void operator(char c) {
        char d = p + 1 < tagEnd ? src.charAt(p + 1) : '\0';
        String two = "" + c + d;
        switch (two) {
            case "==":
            case "!=":
            case "<=":
            case ">=":
                p += 2;
                kind = OP;
                tokText = two;
                return;
            case "||":
                throw error(p, "write \"or\" instead of \"||\"");
            case "&&":
                throw error(p, "write \"and\" instead of \"&&\"");
            default:
                break;
        }
        switch (c) {
            case '+':
            case '-':
            case '*':
            case '/':
            case '(':
            case ')':
            case '|':
            case ':':
            case ',':
            case '<':
            case '>':
                p++;
                kind = OP;
                tokText = String.valueOf(c);
                return;
            case '=':
                throw error(p, "write \"==\" to compare");
            case '!':
                throw error(p, "write \"not\" instead of \"!\"");
            default:
                throw error(p, "unexpected character \"" + c + "\"");
        }
    }

    private boolean isOp(String op) {
        return kind == OP && tokText.equals(op);
    }

    private boolean isWord(String word) {
        return kind == IDENT && tokText.equals(word);
    }

    private String describeToken() {
        return kind == END ? "\"}\"" : kind == STRING ? tokText : "\"" + tokText + "\"";
    }

    private void expectEnd() {
        if (kind != END) {
            throw error(tokPos, "unexpected " + describeToken() + "; expected \"|\" or \"}\"");
        }
    }

    // ---- expressions ----

    private Expr pipeline() {
        Expr e = or();
        while (isOp("|")) {
            next();
            if (kind != IDENT) {
                throw error(tokPos, "expected a filter name after \"|\", found " + describeToken());
            }
            String filter = tokText;
            int filterPos = tokPos;
            next();
            List<Expr> args = new ArrayList<>();
            if (isOp(":")) {
                do {
                    next();
                    args.add(unary());
                } while (isOp(","));
            }
            e = new Expr.Apply(filterPos, e, Filters.create(this, filter, filterPos, args));
        }
        return e;
    }

    private Expr or() {
        Expr left = and();
        while (isWord("or")) {
            int pos = tokPos;
            next();
            left = new Expr.Or(pos, left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (isWord("and")) {
            int pos = tokPos;
            next();
            left = new Expr.And(pos, left, not());
        }
        return left;
    }

    private Expr not() {
        if (isWord("not")) {
            int pos = tokPos;
            enter(pos);
            next();
            Expr e = new Expr.Not(pos, not());
            depth--;
            return e;
        }
        return comparison();
    }

    private boolean isComparison() {
        return kind == OP && (tokText.equals("==") || tokText.equals("!=") || tokText.equals("<")
                || tokText.equals("<=") || tokText.equals(">") || tokText.equals(">="));
    }

    private Expr comparison() {
        Expr left = additive();
        if (isComparison()) {
            String op = tokText;
            int pos = tokPos;
            next();
            left = new Expr.Compare(pos, op, left, additive());
            if (isComparison()) {
                throw error(tokPos, "comparisons do not chain; join them with \"and\"");
            }
        }
        return left;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (isOp("+") || isOp("-")) {
            char op = tokText.charAt(0);
            int pos = tokPos;
            next();
            left = new Expr.Arithmetic(pos, op, left, multiplicative());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (isOp("*") || isOp("/")) {
            char op = tokText.charAt(0);
            int pos = tokPos;
            next();
            left = new Expr.Arithmetic(pos, op, left, unary());
        }
        return left;
    }

    private Expr unary() {
        if (isOp("-")) {
            int pos = tokPos;
            enter(pos);
            next();
            Expr operand = unary();
            depth--;
            if (operand instanceof Expr.Literal l && l.value instanceof BigDecimal d) {
                return new Expr.Literal(pos, d.negate());
            }
            return new Expr.Negate(pos, operand);
        }
        return primary();
    }

    private Expr primary() {
        int pos = tokPos;
        switch (kind) {
            case NUMBER:
            case STRING: {
                Object v = tokValue;
                next();
                return new Expr.Literal(pos, v);
            }
            case IDENT: {
                String word = tokText;
                switch (word) {
                    case "true":
                    case "false":
                    case "null":
                        next();
                        return new Expr.Literal(pos, word.equals("null") ? null : Boolean.valueOf(word));
                    case "now":
                        next();
                        return new Expr.Now(pos);
                    case "and":
                    case "or":
                    case "not":
                    case "if":
                    case "elif":
                    case "else":
                    case "end":
                        throw error(pos, "expected a value, found \"" + word + "\"");
                    default:
                        next();
                        variables.add(word.indexOf('.') < 0 ? word : word.substring(0, word.indexOf('.')));
                        return new Expr.Var(pos, word);
                }
            }
            default:
                if (isOp("(")) {
                    enter(pos);
                    next();
                    Expr e = pipeline();
                    if (!isOp(")")) {
                        throw error(tokPos, "expected \")\" to close the \"(\" at column "
                                + TemplateException.at(name, src, pos, "").column() + ", found " + describeToken());
                    }
                    next();
                    depth--;
                    return e;
                }
                throw error(pos, "expected a value, found " + describeToken());
        }
    }

    private void enter(int pos) {
        if (++depth > MAX_DEPTH) {
            throw error(pos, "expression nested more than " + MAX_DEPTH + " deep");
        }
    }
}
