package io.headroom.server.cli;

import picocli.CommandLine.Option;

/** {@code --admin URL} and {@code --token}, shared by the commands that talk to a running Headroom. */
public final class AdminOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:9900";

    @Option(names = "--admin", paramLabel = "URL", defaultValue = "${env:HEADROOM_ADMIN:-" + DEFAULT_URL + "}",
            description = "The admin API of the running Headroom (env HEADROOM_ADMIN; default: " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:HEADROOM_ADMIN_TOKEN}",
            description = "The admin token, when admin.token is set (env HEADROOM_ADMIN_TOKEN).")
    String token;

    AdminClient client() {
        return new AdminClient(url == null || url.isBlank() ? DEFAULT_URL : url.strip(), token);
    }
}
