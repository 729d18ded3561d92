package dev.jfaas.cli;

import java.io.IOException;
import picocli.CommandLine.Command;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the CLI's version and the gateway's.")
final class VersionCommand extends ClientCommand {

    static final String VERSION = "0.1.0";

    @Override
    int run() throws IOException {
        out().println("jfaas CLI " + VERSION);
        try {
            var info = parse(client().expect("GET", "/system/info", null));
            out().println("gateway " + CliConfig.normalise(gatewayUrl()) + ": " + info.path("provider").path("provider").asText()
                    + " " + info.path("version").path("release").asText());
        } catch (CliError e) {
            out().println("gateway " + CliConfig.normalise(gatewayUrl()) + ": " + e.getMessage());
        }
        return 0;
    }
}
