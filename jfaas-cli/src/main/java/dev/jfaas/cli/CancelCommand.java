package dev.jfaas.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel an async call: it will not run, or is stopped if it runs.",
        footer = {"", "Example:", "  jfaas cancel 0195a1b2-..."})
final class CancelCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", description = "the call id an async call was accepted with (X-Call-Id)") String id;

    @Override
    int run() throws IOException {
        client().expect("DELETE", "/async-function/" + id, null);
        out().println("cancelled " + id);
        return 0;
    }
}
