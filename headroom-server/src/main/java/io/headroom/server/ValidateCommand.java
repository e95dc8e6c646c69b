package io.headroom.server;

import io.headroom.core.config.ConfigException;
import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.ConfigError;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.LoadBalancerConfig;
import io.headroom.core.config.TargetGroupConfig;
import io.headroom.proxy.tls.TlsContexts;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code headroom validate FILE}: every error with its path and exit 1, or a one-line summary and exit 0. Besides the
 * config itself it reads the files the config names for TLS (certificates, private keys, mutual TLS trust stores
 * and revocation lists, target groups' CA files), as {@code up} and a reload would, so that a config that passes
 * here is not refused there for them.
 */
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
            List<String> fileErrors = tlsFileErrors(c);
            if (!fileErrors.isEmpty()) {
                fileErrors.forEach(spec.commandLine().getErr()::println);
                spec.commandLine().getErr().println(file + ": " + fileErrors.size()
                        + (fileErrors.size() == 1 ? " error" : " errors"));
                return 1;
            }
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

    /**
     * Builds the TLS contexts of every HTTPS and TLS listener and HTTPS target group, as the proxy does at start and
     * reload (which reads their files: PEM certificates and keys, trust store bundles, CRLs, CA files); each failure
     * is a message that starts with the config path and names the file. Self-signed certificates are generated.
     */
    static List<String> tlsFileErrors(HeadroomConfig c) {
        TlsContexts tls = new TlsContexts();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < c.loadBalancers().size(); i++) {
            LoadBalancerConfig lb = c.loadBalancers().get(i);
            for (int j = 0; j < lb.listeners().size(); j++) {
                ListenerConfig l = lb.listeners().get(j);
                if (l.protocol() == ListenerConfig.Protocol.HTTPS || l.protocol() == ListenerConfig.Protocol.TLS) {
                    String where = "loadBalancers[" + i + "].listeners[" + j + "]";
                    try {
                        tls.server(where, l, l.protocol() == ListenerConfig.Protocol.HTTPS
                                ? TlsContexts.HTTP_1_1 : List.of());
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                }
            }
        }
        for (int i = 0; i < c.targetGroups().size(); i++) {
            TargetGroupConfig g = c.targetGroups().get(i);
            if (g.protocol() == TargetGroupConfig.Protocol.HTTPS) {
                try {
                    tls.client("targetGroups[" + i + "]", g.tlsVerify(), g.tlsCaFile());
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                }
            }
        }
        return errors;
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
