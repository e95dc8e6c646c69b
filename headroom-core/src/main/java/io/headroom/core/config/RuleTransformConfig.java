package io.headroom.core.config;

/**
 * A listener rule's transform (AWS's {@code RuleTransform}): before a forwarded request goes to its target, the
 * first match of {@code regex} in the Host header ({@code host-header-rewrite}) or in the request URL, path and
 * query ({@code url-rewrite}), is replaced by {@code replace}. AWS's API takes a list of rewrites per transform;
 * Headroom takes exactly one.
 *
 * @param regex   RE2 syntax without Unicode classes, at most 1,024 characters
 * @param replace the replacement, with {@code $1}..{@code $9} for capture groups; at most 1,024 characters
 */
public record RuleTransformConfig(Type type, String regex, String replace) {

    /** AWS's transform types. */
    public enum Type {
        HOST_HEADER_REWRITE("host-header-rewrite", "hostHeaderRewriteConfig"),
        URL_REWRITE("url-rewrite", "urlRewriteConfig");

        private final String awsName;
        private final String configKey;

        Type(String awsName, String configKey) {
            this.awsName = awsName;
            this.configKey = configKey;
        }

        /** As AWS spells it in {@code Type}: {@code host-header-rewrite}, {@code url-rewrite}. */
        public String awsName() {
            return awsName;
        }

        /** The key of this type's rewrite configuration: {@code hostHeaderRewriteConfig}, {@code urlRewriteConfig}. */
        public String configKey() {
            return configKey;
        }
    }
}
