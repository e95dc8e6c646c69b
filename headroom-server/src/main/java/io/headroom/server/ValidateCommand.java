package io.headroom.server;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.ConfigError;
import io.headroom.core.config.HeadroomConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code headroom validate FILE}: every error with its path and exit 1, or a one-line summary and exit 0. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a config file and print every error with its path.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "The YAML config file.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            spec.commandLine().getErr().println(file + ": no such file");
            return 1;
        }
        try {
            HeadroomConfig c = ConfigLoader.load(file, Variables.forConfig());
            spec.commandLine().getOut().println(file + ": OK — " + summary(c));
            return 0;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                spec.commandLine().getErr().println(error);
            }
            spec.commandLine().getErr().println(file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            return 1;
        }
    }

    /** "1 load balancer (1 listener, 3 rules), 2 target groups, 1 launch template, 1 auto scaling group". */
    static String summary(HeadroomConfig c) {
        int listeners = c.loadBalancers().stream().mapToInt(lb -> lb.listeners().size()).sum();
        int rules = c.loadBalancers().stream().flatMap(lb -> lb.listeners().stream()).mapToInt(l -> l.rules().size()).sum();
        return plural(c.loadBalancers().size(), "load balancer") + " (" + plural(listeners, "listener") + ", "
                + plural(rules, "rule") + "), " + plural(c.targetGroups().size(), "target group") + ", "
                + plural(c.launchTemplates().size(), "launch template") + ", "
                + plural(c.autoScalingGroups().size(), "auto scaling group");
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
