package dev.jfaas.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "login", mixinStandardHelpOptions = true, description = "Store credentials for a gateway (as faas-cli does).",
        footer = {"", "Example:", "  jfaas login -g http://127.0.0.1:8080 -p \"$(cat .jfaas/basic-auth-password)\""})
final class LoginCommand extends ClientCommand {

    @Option(names = {"-u", "--username"}, defaultValue = "admin", description = "user (default: admin)")
    String username;

    @Option(names = {"-p", "--password"}, description = "password")
    String password;

    @Option(names = "--password-stdin", description = "read the password from stdin")
    boolean passwordStdin;

    @Override
    int run() throws IOException {
        if (passwordStdin) {
            password = new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        if (password == null || password.isBlank()) {
            throw new CliError("a password is needed: -p PASSWORD or --password-stdin");
        }
        var header = "Basic " + java.util.Base64.getEncoder().encodeToString((username + ":" + password.strip()).getBytes());
        new GatewayClient(gatewayUrl(), header).expect("GET", "/system/functions", null);
        config().save(gatewayUrl(), username, password.strip());
        out().println("credentials saved for " + username + " at " + CliConfig.normalise(gatewayUrl()));
        return 0;
    }
}
