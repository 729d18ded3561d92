package dev.jfaas.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "result", mixinStandardHelpOptions = true, description = "Print an async call's response body (exit 2 while it is not done).")
final class ResultCommand extends ClientCommand {

    @Parameters(paramLabel = "ID") String id;

    @Override
    int run() throws IOException {
        var response = client().send("GET", "/system/calls/" + id + "/result", null, List.of());
        if (response.statusCode() == 202) {
            err().println("call " + id + " has not finished yet");
            return 2;
        }
        if (response.statusCode() == 404 || response.statusCode() == 401) {
            throw CliError.fromResponse(response.statusCode(), response.body());
        }
        out().print(response.body());
        out().flush();
        return response.statusCode() < 400 ? 0 : 1;
    }
}
