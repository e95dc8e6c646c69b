package io.headroom.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A YAML mapping being bound, at a path. Unknown keys are reported when it is opened; every accessor reports
 * a problem to {@link Errors} and returns a placeholder, so binding goes on and finds every error in one pass.
 */
final class Node {
    final Errors errors;
    final String path;
    private final JsonNode node; // an object, or null when the mapping is absent or not a mapping

    private Node(Errors errors, String path, JsonNode node) {
        this.errors = errors;
        this.path = path;
        this.node = node;
    }

    /** Opens {@code value} at {@code path} as a mapping that may hold only {@code keys}. */
    static Node open(Errors errors, String path, JsonNode value, List<String> keys) {
        if (absent(value)) {
            return new Node(errors, path, null);
        }
        if (!value.isObject()) {
            errors.add(path, describe(value) + " (expected: a mapping with keys " + String.join(", ", keys) + ")");
            return new Node(errors, path, null);
        }
        value.properties().forEach(e -> {
            String k = e.getKey();
            if (!keys.contains(k)) {
                errors.add(child(path, k), "unknown key (expected one of: " + String.join(", ", keys) + ")");
            }
        });
        return new Node(errors, path, value);
    }

    static Node open(Errors errors, String path, JsonNode value, String... keys) {
        return open(errors, path, value, List.of(keys));
    }

    /** An empty list item ("- " with nothing after it); other non-mappings are reported by {@link #open}. */
    static void reportEmptyItem(Errors errors, String path, JsonNode value) {
        if (absent(value)) {
            errors.add(path, "null (expected: a mapping)");
        }
    }

    static boolean absent(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** How a value reads in a message: strings quoted, numbers and booleans as written. */
    static String describe(JsonNode v) {
        if (absent(v)) {
            return "null";
        }
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.asText();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** How many keys the mapping has (0 when absent). */
    int keyCount() {
        return node == null ? 0 : node.size();
    }

    boolean present() {
        return node != null;
    }

    boolean has(String key) {
        return node != null && !absent(node.get(key));
    }

    /** The raw value of {@code key}, or null when absent. */
    JsonNode raw(String key) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(key);
        return absent(v) ? null : v;
    }

    String at(String key) {
        return child(path, key);
    }

    Node obj(String key, String... keys) {
        return open(errors, at(key), raw(key), List.of(keys));
    }

    void missing(String key) {
        errors.add(at(key), "required key is missing");
    }

    // ---- strings

    String str(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            errors.add(at(key), describe(v) + " (expected: a string)");
            return def;
        }
        return errors.expand(at(key), v.textValue());
    }

    /** A string that may also be written as a number (a version, a status code, an environment value). */
    String scalar(String key, String def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        return scalarValue(at(key), v, def);
    }

    String scalarValue(String p, JsonNode v, String def) {
        if (v.isTextual()) {
            return errors.expand(p, v.textValue());
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        errors.add(p, describe(v) + " (expected: a string)");
        return def;
    }

    String reqStr(String key) {
        if (!has(key)) {
            if (node != null) {
                missing(key);
            }
            return null;
        }
        String s = str(key, null);
        if (s != null && s.isBlank()) {
            errors.add(at(key), "\"\" (expected: a non-empty string)");
            return null;
        }
        return s;
    }

    // ---- numbers

    /** An integer in min..max; {@code def} when absent. */
    int integer(String key, int def, int min, int max) {
        Integer v = optInt(key, min, max);
        return v == null ? def : v;
    }

    Integer optInt(String key, int min, int max) {
        JsonNode v = raw(key);
        return v == null ? null : intValue(at(key), v, min, max, rangeText(min, max));
    }

    Integer reqInt(String key, int min, int max) {
        if (!has(key)) {
            if (node != null) {
                missing(key);
            }
            return null;
        }
        return optInt(key, min, max);
    }

    static String rangeText(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            return min == Integer.MIN_VALUE ? "an integer" : "an integer >= " + min;
        }
        return min + ".." + max;
    }

    Integer intValue(String p, JsonNode v, int min, int max, String expected) {
        long n;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            n = v.longValue();
        } else if (v.isTextual() && v.textValue().contains("${")) {
            String s = errors.expand(p, v.textValue());
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                errors.add(p, quote(s) + " (expected: " + expected + ")");
                return null;
            }
        } else {
            errors.add(p, describe(v) + " (expected: " + expected + ")");
            return null;
        }
        if (n < min || n > max) {
            errors.add(p, n + " (expected: " + expected + ")");
            return null;
        }
        return (int) n;
    }

    /** A number; {@code null} when absent or wrong (reported). */
    Double optDouble(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        } else if (v.isTextual() && v.textValue().contains("${")) {
            String s = errors.expand(at(key), v.textValue());
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                errors.add(at(key), quote(s) + " (expected: a number)");
                return null;
            }
        }
        errors.add(at(key), describe(v) + " (expected: a number)");
        return null;
    }

    Double reqDouble(String key) {
        if (!has(key)) {
            if (node != null) {
                missing(key);
            }
            return null;
        }
        return optDouble(key);
    }

    boolean bool(String key, boolean def) {
        JsonNode v = raw(key);
        if (v == null) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && v.textValue().contains("${")) {
            String s = errors.expand(at(key), v.textValue()).trim();
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            errors.add(at(key), quote(s) + " (expected: true or false)");
            return def;
        }
        errors.add(at(key), describe(v) + " (expected: true or false)");
        return def;
    }

    // ---- names from a fixed set

    /** One of {@code names} (spelled exactly as written in the docs); {@code def} when absent. */
    <E> E choice(String key, Map<String, E> names, E def) {
        String s = str(key, null);
        if (s == null) {
            return def;
        }
        E e = names.get(s);
        if (e == null) {
            errors.add(at(key), quote(s) + " (expected: " + String.join(" | ", names.keySet()) + ")");
            return def;
        }
        return e;
    }

    static <E extends Enum<E>> Map<String, E> names(Class<E> type, Function<E, String> name) {
        Map<String, E> m = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            m.put(name.apply(e), e);
        }
        return m;
    }

    // ---- lists and maps

    /** The items of the list at {@code key}; empty when absent; reported when not a list. */
    List<JsonNode> list(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            errors.add(at(key), describe(v) + " (expected: a list)");
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        v.elements().forEachRemaining(out::add);
        return out;
    }

    /** A list of strings; items that are not strings are reported and left out. */
    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        List<JsonNode> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String p = at(key) + "[" + i + "]";
            if (item.isTextual()) {
                out.add(errors.expand(p, item.textValue()));
            } else {
                errors.add(p, describe(item) + " (expected: a string)");
            }
        }
        return out;
    }

    /** A mapping of names to scalar values (numbers and booleans read as their text). */
    Map<String, String> stringMap(String key) {
        JsonNode v = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            errors.add(at(key), describe(v) + " (expected: a mapping of names to strings)");
            return out;
        }
        v.properties().forEach(e -> {
            String p = at(key) + "." + e.getKey();
            if (absent(e.getValue())) {
                errors.add(p, "null (expected: a string)");
                return;
            }
            String s = scalarValue(p, e.getValue(), null);
            if (s != null) {
                out.put(e.getKey(), s);
            }
        });
        return out;
    }
}
