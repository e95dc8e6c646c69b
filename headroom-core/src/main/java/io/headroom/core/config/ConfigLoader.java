package io.headroom.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a Headroom YAML file into a validated {@link HeadroomConfig} (keys: {@code docs/configuration.md}).
 *
 * <p>The YAML is parsed into a tree and bound by walking it, so that every problem is reported at once, each
 * with its path: {@code targetGroups[1].healthCheck.intervalSeconds: 0 (expected: 5..300)}. A YAML syntax
 * error is reported as {@code file:LINE:COLUMN: message}. {@code ${VAR}} in string values expands from
 * {@code variables}, except {@code ${PORT}} and {@code ${INSTANCE_ID}}, which the process provider fills in
 * when it launches an instance. Absent keys get AWS's documented defaults.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "key:" with no value is absent
                    .build());

    private ConfigLoader() {}

    /** Reads and validates {@code file}; errors name the file only for YAML syntax problems. */
    public static HeadroomConfig load(Path file, Map<String, String> variables) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), "cannot read the file (" + e + ")")));
        }
        return parse(text, file.toString(), variables);
    }

    /** Parses and validates {@code yaml}; {@code sourceName} names it in syntax errors. */
    public static HeadroomConfig parse(String yaml, String sourceName, Map<String, String> variables)
            throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(syntaxError(e, sourceName)));
        }
        Errors errors = new Errors(variables == null ? Map.of() : variables);
        HeadroomConfig config = new ConfigBinder(errors).bind(root);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.list());
        }
        return config;
    }

    /** Where the YAML parser saw the problem (SnakeYAML's problem mark when there is one) and what it was. */
    private static ConfigError syntaxError(JsonProcessingException e, String sourceName) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            String what = m.getProblem() != null ? m.getProblem() : m.getContext();
            if (m.getContext() != null && m.getProblem() != null) {
                what = m.getProblem() + " (" + m.getContext() + ")";
            }
            return new ConfigError(sourceName + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1), firstLine(what));
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? sourceName : sourceName + ":" + at.getLineNr() + ":" + at.getColumnNr();
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Duplicate field ")) {
            message = "key " + message.substring("Duplicate field ".length()) + " appears twice in one mapping";
        }
        return new ConfigError(where, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid YAML";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
