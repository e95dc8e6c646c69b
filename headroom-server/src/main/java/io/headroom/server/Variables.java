package io.headroom.server;

import java.util.HashMap;
import java.util.Map;

/** The variables a config file may use as {@code ${NAME}}: the environment plus Headroom's built-ins. */
public final class Variables {
    private Variables() {}

    /**
     * The environment, plus {@code HEADROOM_JAVA} (this JVM's java binary) and {@code HEADROOM_CLASSPATH} (this
     * program's class path), so that a launch template can start {@code headroom demo-app} as an instance.
     */
    public static Map<String, String> forConfig() {
        Map<String, String> vars = new HashMap<>(System.getenv());
        vars.put("HEADROOM_JAVA", ProcessHandle.current().info().command().orElse("java"));
        vars.put("HEADROOM_CLASSPATH", System.getProperty("java.class.path"));
        return vars;
    }
}
