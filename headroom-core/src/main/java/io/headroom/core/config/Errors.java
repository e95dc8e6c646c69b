package io.headroom.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects the problems found while binding, and expands {@code ${VAR}} in string values. */
final class Errors {
    /** Left for the process provider, which substitutes them when it launches an instance. */
    static final Set<String> LAUNCH_VARIABLES = Set.of("PORT", "INSTANCE_ID");

    private final List<ConfigError> list = new ArrayList<>();
    private final Map<String, String> variables;

    Errors(Map<String, String> variables) {
        this.variables = variables;
    }

    void add(String path, String message) {
        list.add(new ConfigError(path, message));
    }

    List<ConfigError> list() {
        return list;
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /**
     * Replaces {@code ${NAME}} with the variable's value, {@code ${NAME:-fallback}} with the fallback when the
     * variable is not set; {@code $${} writes a literal {@code ${}. {@code ${PORT}}
     * and {@code ${INSTANCE_ID}} stay as written. An undefined variable is reported at {@code path}.
     */
    String expand(String path, String s) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == '$' && s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (ch == '$' && s.startsWith("${", i)) {
                int end = s.indexOf('}', i + 2);
                if (end < 0) {
                    add(path, Node.quote(s) + " has an unterminated ${ (expected: ${NAME})");
                    return s;
                }
                String name = s.substring(i + 2, end);
                String fallback = null;
                int dash = name.indexOf(":-");
                if (dash >= 0) {
                    fallback = name.substring(dash + 2);
                    name = name.substring(0, dash);
                }
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    add(path, "${" + name + "} is not a variable name (expected: letters, digits and _)");
                } else if (LAUNCH_VARIABLES.contains(name)) {
                    out.append("${").append(name).append('}');
                } else if (variables.containsKey(name)) {
                    out.append(variables.get(name));
                } else if (fallback != null) {
                    out.append(fallback);
                } else {
                    add(path, "${" + name + "} is not defined (set the environment variable " + name + ")");
                }
                i = end + 1;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }
}
