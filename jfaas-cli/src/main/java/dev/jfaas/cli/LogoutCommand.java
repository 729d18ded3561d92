package dev.jfaas.cli;

import java.io.IOException;
import picocli.CommandLine.Command;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the credentials stored for a gateway.")
final class LogoutCommand extends ClientCommand {

    @Override
    int run() throws IOException {
        if (!config().forget(gatewayUrl())) {
            throw new CliError("no credentials stored for " + gatewayUrl());
        }
        out().println("credentials removed for " + CliConfig.normalise(gatewayUrl()));
        return 0;
    }
}
