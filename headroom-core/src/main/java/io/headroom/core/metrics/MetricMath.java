package io.headroom.core.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * CloudWatch metric math, one datapoint at a time: an expression over the ids of a metric data query
 * ({@code m1 / m2}, {@code SUM([m1, m2]) / m3}, {@code FILL(m1, 0)}), parsed once and evaluated per period.
 *
 * <pre>
 *   expr    = and { ("OR" | "||") and }
 *   and     = cmp { ("AND" | "&amp;&amp;") cmp }
 *   cmp     = sum [ ("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") sum ]
 *   sum     = product { ("+" | "-") product }
 *   product = unary { ("*" | "/") unary }
 *   unary   = "-" unary | power
 *   power   = atom [ "^" unary ]
 *   atom    = number | id | FUNCTION "(" [ arg { "," arg } ] ")" | "(" expr ")"
 *   arg     = expr | "[" expr { "," expr } "]" | "METRICS()"
 * </pre>
 * Functions: {@code SUM}, {@code AVG}, {@code MIN}, {@code MAX} of an array ({@code [m1, m2]} or
 * {@code METRICS()}, every metric of the query), {@code ABS}, {@code CEIL}, {@code FLOOR}, {@code FILL(x, value)},
 * {@code IF(condition, a[, b])}. Like CloudWatch: a missing value (NaN here) makes arithmetic and comparisons missing,
 * so does a division by zero (any non-finite result); {@code FILL} replaces a missing value; the array functions
 * use the values present (missing only when all are); {@code IF} with a false condition and no {@code b} is missing;
 * comparisons and {@code AND}/{@code OR} give 1 or 0. CloudWatch's {@code SUM(m1)} of one series reduces it over
 * time, which a per-period alarm cannot use, so it is an error here.
 *
 * <p>Why not a library: exp4j and its kind evaluate plain numbers; missing datapoints, arrays and
 * {@code METRICS()} would all be custom functions around it, and its errors do not name what a config user wrote.
 */
public final class MetricMath {
    private static final Set<String> ARRAY_FUNCTIONS = Set.of("SUM", "AVG", "MIN", "MAX");
    private static final Set<String> UNARY_FUNCTIONS = Set.of("ABS", "CEIL", "FLOOR");
    private static final String FUNCTIONS = "SUM, AVG, MIN, MAX, ABS, CEIL, FLOOR, FILL, IF, METRICS";

    private MetricMath() {}

    /** A parsed expression: {@link #references()} are the ids it reads; {@link #bind} resolves them to slots. */
    public static final class Expression {
        private final String text;
        private final Node root;

        private Expression(String text, Node root) {
            this.text = text;
            this.root = root;
        }

        /** The ids the expression reads, in order of appearance ({@code METRICS()} is not expanded here). */
        public Set<String> references() {
            Set<String> out = new LinkedHashSet<>();
            root.collect(out);
            return out;
        }

        /** Whether it uses {@code METRICS()}, which reads every metric of the query. */
        public boolean usesMetrics() {
            return root.usesMetrics();
        }

        /**
         * Resolves every id to a slot of the value array {@link Bound#evaluate} reads; {@code METRICS()} becomes
         * the array of {@code metricSlots}.
         */
        public Bound bind(ToIntFunction<String> slot, int[] metricSlots) {
            Node bound = root.bind(slot, metricSlots.clone());
            return values -> finite(bound.eval(values));
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** An expression with its ids resolved: one datapoint from the values of one period (NaN: missing). */
    @FunctionalInterface
    public interface Bound {
        double evaluate(double[] values);
    }

    /** A syntax error; {@link #getMessage()} names the position (1-based) and what was expected. */
    public static final class ParseException extends IllegalArgumentException {
        ParseException(String message) {
            super(message);
        }
    }

    /** Parses {@code text}. */
    public static Expression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ParseException("empty (expected: an expression such as m1 / m2)");
        }
        Parser p = new Parser(text);
        Node n = p.expr();
        if (p.peek().kind != Kind.END) {
            throw p.unexpected("an operator or the end");
        }
        return new Expression(text.strip(), n);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private static boolean missing(double v) {
        return Double.isNaN(v);
    }

    // ---- the tree ----

    private sealed interface Node {
        double eval(double[] values);

        default void collect(Set<String> ids) {
        }

        default boolean usesMetrics() {
            return false;
        }

        Node bind(ToIntFunction<String> slot, int[] metricSlots);

        /** The values of an array argument; a plain expression is an array of one. */
        default void values(double[] slots, List<Double> out) {
            out.add(eval(slots));
        }
    }

    private record Num(double v) implements Node {
        public double eval(double[] values) {
            return v;
        }

        public Node bind(ToIntFunction<String> slot, int[] metricSlots) {
            return this;
        }
    }

    private record Ref(String id, int slot) implements Node {
        public double eval(double[] values) {
            return values[slot];
        }

        public void collect(Set<String> ids) {
            ids.add(id);
        }

        public Node bind(ToIntFunction<String> s, int[] metricSlots) {
            return new Ref(id, s.applyAsInt(id));
        }
    }

    private record Neg(Node x) implements Node {
        public double eval(double[] values) {
            return -x.eval(values);
        }

        public void collect(Set<String> ids) {
            x.collect(ids);
        }

        public boolean usesMetrics() {
            return x.usesMetrics();
        }

        public Node bind(ToIntFunction<String> slot, int[] metricSlots) {
            return new Neg(x.bind(slot, metricSlots));
        }
    }

    private record Binary(String op, Node l, Node r) implements Node {
        public double eval(double[] values) {
            double a = l.eval(values);
            double b = r.eval(values);
            if (missing(a) || missing(b)) {
                return Double.NaN;
            }
            return finite(switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> a / b;
                case "^" -> Math.pow(a, b);
                case "==" -> truth(a == b);
                case "!=" -> truth(a != b);
                case "<" -> truth(a < b);
                case "<=" -> truth(a <= b);
                case ">" -> truth(a > b);
                case ">=" -> truth(a >= b);
                case "AND" -> truth(a != 0 && b != 0);
                case "OR" -> truth(a != 0 || b != 0);
                default -> throw new IllegalStateException(op);
            });
        }

        public void collect(Set<String> ids) {
            l.collect(ids);
            r.collect(ids);
        }

        public boolean usesMetrics() {
            return l.usesMetrics() || r.usesMetrics();
        }

        public Node bind(ToIntFunction<String> slot, int[] metricSlots) {
            return new Binary(op, l.bind(slot, metricSlots), r.bind(slot, metricSlots));
        }
    }

    private static double truth(boolean b) {
        return b ? 1 : 0;
    }

    /** {@code [a, b, ...]} and {@code METRICS()}: only as the argument of SUM, AVG, MIN, MAX. */
    private record Array(List<Node> items, boolean metrics) implements Node {
        public double eval(double[] values) {
            throw new IllegalStateException("an array has no single value");
        }

        public void values(double[] slots, List<Double> out) {
            for (Node n : items) {
                n.values(slots, out);
            }
        }

        public void collect(Set<String> ids) {
            items.forEach(n -> n.collect(ids));
        }

        public boolean usesMetrics() {
            return metrics || items.stream().anyMatch(Node::usesMetrics);
        }

        public Node bind(ToIntFunction<String> slot, int[] metricSlots) {
            List<Node> out = new ArrayList<>();
            if (metrics) {
                for (int s : metricSlots) {
                    out.add(new Ref("", s));
                }
            }
            for (Node n : items) {
                out.add(n.bind(slot, metricSlots));
            }
            return new Array(List.copyOf(out), false);
        }
    }

    private record Call(String fn, List<Node> args) implements Node {
        public double eval(double[] values) {
            if (ARRAY_FUNCTIONS.contains(fn)) {
                List<Double> present = new ArrayList<>();
                for (Node a : args) {
                    a.values(values, present);
                }
                present.removeIf(v -> v.isNaN());
                if (present.isEmpty()) {
                    return Double.NaN;
                }
                double acc = fn.equals("MIN") ? Double.POSITIVE_INFINITY : fn.equals("MAX") ? Double.NEGATIVE_INFINITY : 0;
                for (double v : present) {
                    acc = switch (fn) {
                        case "MIN" -> Math.min(acc, v);
                        case "MAX" -> Math.max(acc, v);
                        default -> acc + v;
                    };
                }
                return fn.equals("AVG") ? acc / present.size() : acc;
            }
            double x = args.get(0).eval(values);
            return switch (fn) {
                case "ABS" -> Math.abs(x);
                case "CEIL" -> Math.ceil(x);
                case "FLOOR" -> Math.floor(x);
                case "FILL" -> missing(x) ? args.get(1).eval(values) : x;
                case "IF" -> missing(x) ? Double.NaN
                        : x != 0 ? args.get(1).eval(values)
                        : args.size() == 3 ? args.get(2).eval(values) : Double.NaN;
                default -> throw new IllegalStateException(fn);
            };
        }

        public void collect(Set<String> ids) {
            args.forEach(n -> n.collect(ids));
        }

        public boolean usesMetrics() {
            return args.stream().anyMatch(Node::usesMetrics);
        }

        public Node bind(ToIntFunction<String> slot, int[] metricSlots) {
            return new Call(fn, args.stream().map(a -> a.bind(slot, metricSlots)).toList());
        }
    }

    // ---- the parser ----

    private enum Kind { NUMBER, ID, FUNCTION, OP, END }

    private record Token(Kind kind, String text, int pos) {
        String shown() {
            return kind == Kind.END ? "the end" : "'" + text + "'";
        }
    }

    /** Recursive descent over a token list, one method per rule of the grammar above. */
    private static final class Parser {
        private final List<Token> tokens;
        private int i;

        Parser(String text) {
            this.tokens = tokenize(text);
        }

        Token peek() {
            return tokens.get(i);
        }

        boolean accept(String... ops) {
            Token t = peek();
            if (t.kind == Kind.OP || t.kind == Kind.FUNCTION) {
                for (String op : ops) {
                    if (t.text.equals(op)) {
                        i++;
                        return true;
                    }
                }
            }
            return false;
        }

        void expect(String op, String expected) {
            if (!accept(op)) {
                throw unexpected(expected);
            }
        }

        ParseException unexpected(String expected) {
            Token t = peek();
            return new ParseException("unexpected " + t.shown() + " at position " + (t.pos + 1) + " (expected: " + expected + ")");
        }

        Node expr() {
            Node n = and();
            while (accept("OR", "||")) {
                n = new Binary("OR", n, and());
            }
            return n;
        }

        Node and() {
            Node n = comparison();
            while (accept("AND", "&&")) {
                n = new Binary("AND", n, comparison());
            }
            return n;
        }

        Node comparison() {
            Node n = sum();
            for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
                if (accept(op)) {
                    return new Binary(op, n, sum());
                }
            }
            return n;
        }

        Node sum() {
            Node n = product();
            while (true) {
                if (accept("+")) {
                    n = new Binary("+", n, product());
                } else if (accept("-")) {
                    n = new Binary("-", n, product());
                } else {
                    return n;
                }
            }
        }

        Node product() {
            Node n = unary();
            while (true) {
                if (accept("*")) {
                    n = new Binary("*", n, unary());
                } else if (accept("/")) {
                    n = new Binary("/", n, unary());
                } else {
                    return n;
                }
            }
        }

        Node unary() {
            if (accept("-")) {
                return new Neg(unary());
            }
            Node base = atom();
            return accept("^") ? new Binary("^", base, unary()) : base;
        }

        Node atom() {
            Token t = peek();
            switch (t.kind) {
                case NUMBER -> {
                    i++;
                    return new Num(Double.parseDouble(t.text));
                }
                case ID -> {
                    i++;
                    return new Ref(t.text, -1);
                }
                case FUNCTION -> {
                    i++;
                    return call(t);
                }
                default -> {
                    if (accept("(")) {
                        Node n = expr();
                        expect(")", "')'");
                        return n;
                    }
                    throw unexpected("a number, an id, a function or '('");
                }
            }
        }

        Node call(Token fn) {
            String name = fn.text;
            if (!Set.of(FUNCTIONS.split(", ")).contains(name)) {
                throw new ParseException("unknown function '" + name + "' at position " + (fn.pos + 1)
                        + " (expected: one of " + FUNCTIONS + ")");
            }
            expect("(", "'(' after " + name);
            List<Node> args = new ArrayList<>();
            if (!accept(")")) {
                do {
                    args.add(argument());
                } while (accept(","));
                expect(")", "',' or ')'");
            }
            String where = name + " at position " + (fn.pos + 1);
            boolean array = !args.isEmpty() && args.get(0) instanceof Array;
            if (name.equals("METRICS")) {
                throw new ParseException("METRICS() at position " + (fn.pos + 1)
                        + " is an array (expected: as the argument of SUM, AVG, MIN or MAX)");
            }
            if (ARRAY_FUNCTIONS.contains(name)) {
                if (args.size() != 1 || !array) {
                    throw new ParseException(where + ": " + (args.size() == 1
                            ? "of one time series reduces it over time, which an alarm period cannot use"
                            : args.size() + " arguments")
                            + " (expected: one array, such as " + name + "([m1, m2]) or " + name + "(METRICS()))");
                }
                return new Call(name, args);
            }
            for (Node a : args) {
                if (a instanceof Array) {
                    throw new ParseException(where + ": an array argument (expected: arrays only in SUM, AVG, MIN, MAX)");
                }
            }
            int min = name.equals("FILL") ? 2 : name.equals("IF") ? 2 : 1;
            int max = name.equals("IF") ? 3 : min;
            if (args.size() < min || args.size() > max) {
                String usage = switch (name) {
                    case "FILL" -> "FILL(m, value)";
                    case "IF" -> "IF(condition, a) or IF(condition, a, b)";
                    default -> name + "(m)";
                };
                throw new ParseException(where + ": " + args.size() + " argument" + (args.size() == 1 ? "" : "s")
                        + " (expected: " + usage + ")");
            }
            return new Call(name, args);
        }

        Node argument() {
            Token t = peek();
            if (t.kind == Kind.FUNCTION && t.text.equals("METRICS")) {
                i++;
                expect("(", "'(' after METRICS");
                expect(")", "')': METRICS() with a filter is not supported");
                return new Array(List.of(), true);
            }
            if (accept("[")) {
                List<Node> items = new ArrayList<>();
                do {
                    items.add(expr());
                } while (accept(","));
                expect("]", "',' or ']'");
                return new Array(List.copyOf(items), false);
            }
            return expr();
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int e = i + 1;
                    if (e < s.length() && (s.charAt(e) == '+' || s.charAt(e) == '-')) {
                        e++;
                    }
                    if (e < s.length() && Character.isDigit(s.charAt(e))) {
                        i = e;
                        while (i < s.length() && Character.isDigit(s.charAt(i))) {
                            i++;
                        }
                    }
                }
                String num = s.substring(start, i);
                if (num.indexOf('.') != num.lastIndexOf('.')) {
                    throw new ParseException("bad number '" + num + "' at position " + (start + 1));
                }
                out.add(new Token(Kind.NUMBER, num, start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                String word = s.substring(start, i);
                // Ids start with a lower-case letter (AWS's rule); functions and AND/OR are upper case.
                Kind kind = Character.isLowerCase(word.charAt(0)) ? Kind.ID : Kind.FUNCTION;
                out.add(new Token(kind, word, start));
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (List.of("==", "!=", "<=", ">=", "&&", "||").contains(two)) {
                    out.add(new Token(Kind.OP, two, i));
                    i += 2;
                } else if ("+-*/^()[],<>".indexOf(c) >= 0) {
                    out.add(new Token(Kind.OP, String.valueOf(c), i));
                    i++;
                } else {
                    throw new ParseException("unexpected '" + c + "' at position " + (i + 1)
                            + " (expected: + - * / ^, comparisons, parentheses, numbers, ids or functions)");
                }
            }
        }
        out.add(new Token(Kind.END, "", s.length()));
        return out;
    }

    // ---- a query's items ----

    /** The id rule: a lower-case letter, then letters, digits and underscores (AWS's). */
    public static boolean validId(String id) {
        return id != null && id.matches("[a-z][A-Za-z0-9_]{0,254}");
    }

    /** One item of a metric data query as far as the math goes: a metric when {@code expression} is null. */
    public record Item(String id, String expression, boolean returnData) {}

    /**
     * A problem with item {@code index} ({@code -1}: the list as a whole) at its key {@code key}.
     */
    public record Problem(int index, String key, String message) {}

    /**
     * AWS's rules for a metric data query: valid and unique ids, exactly one item returning data, expressions
     * that parse, reference ids of the query and no cycle. Empty when the items are fine.
     */
    public static List<Problem> check(List<Item> items) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).id();
            if (!validId(id)) {
                problems.add(new Problem(i, "id", "'" + id + "' (expected: a lower-case letter, then letters, digits"
                        + " or underscores, such as m1 or requests)"));
            } else if (index.putIfAbsent(id, i) != null) {
                problems.add(new Problem(i, "id", "'" + id + "' is also the id of metrics[" + index.get(id)
                        + "] (expected: unique ids)"));
            }
        }
        long returning = items.stream().filter(Item::returnData).count();
        if (returning != 1) {
            problems.add(new Problem(-1, "", returning + " items return data (expected: exactly one with returnData:"
                    + " true, the result; returnData defaults to true, so set it to false on the others)"));
        }
        Map<String, Expression> parsed = new java.util.HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.expression() == null) {
                continue;
            }
            try {
                Expression e = parse(it.expression());
                parsed.put(it.id(), e);
                for (String ref : e.references()) {
                    if (!index.containsKey(ref)) {
                        problems.add(new Problem(i, "expression", "unknown id '" + ref + "' (expected: one of "
                                + String.join(", ", index.keySet().stream().sorted().toList()) + ")"));
                    }
                }
                if (it.returnData() && e.references().isEmpty() && !e.usesMetrics()) {
                    problems.add(new Problem(i, "expression", "'" + e + "' reads no metric (expected: an expression"
                            + " over the metrics, such as m1 / m2)"));
                }
            } catch (ParseException ex) {
                problems.add(new Problem(i, "expression", ex.getMessage()));
            }
        }
        boolean idsOk = problems.stream().noneMatch(p -> p.key().equals("id"));
        for (int i = 0; i < items.size() && idsOk; i++) {
            List<String> cycle = cycle(items.get(i).id(), parsed, new ArrayList<>());
            if (cycle != null && cycle.get(0).equals(items.get(i).id())) {
                problems.add(new Problem(i, "expression", "'" + items.get(i).id() + "' depends on itself ("
                        + String.join(" -> ", cycle) + ") (expected: no cycles)"));
            }
        }
        return problems;
    }

    /** The path from {@code id} back to an id already on {@code path}, or null when its references end. */
    private static List<String> cycle(String id, Map<String, Expression> parsed, List<String> path) {
        if (path.contains(id)) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            c.add(id);
            return c;
        }
        Expression e = parsed.get(id);
        if (e == null) {
            return null;
        }
        path.add(id);
        for (String ref : e.references()) {
            List<String> c = cycle(ref, parsed, path);
            if (c != null) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        return null;
    }
}
