package dev.jfaas.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Print an async call's response body (exit 2 while it is not done, unless --wait).",
        footer = {"", "Examples:", "  jfaas result 0195a1b2-...", "  jfaas result --wait $(jfaas invoke rev --async -d hi)"})
final class ResultCommand extends ClientCommand {

    @Option(names = {"-w", "--wait"}, description = "wait for the call to finish") boolean await;
    @Option(names = "--timeout", defaultValue = "5m", description = "with --wait: how long at most (default: ${DEFAULT-VALUE})")
    String timeout;

    @Parameters(paramLabel = "ID", description = "the call id an async call was accepted with (X-Call-Id)") String id;

    @Override
    int run() throws IOException {
        var client = client();
        var response = client.send("GET", "/system/calls/" + id + "/result", null, List.of());
        if (await) {
            long deadline = System.nanoTime() + dev.jfaas.function.DurationText.parse("--timeout", timeout).toNanos();
            long pause = 50;
            while (response.statusCode() == 202 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliError("interrupted");
                }
                pause = Math.min(1000, pause * 2);
                response = client.send("GET", "/system/calls/" + id + "/result", null, List.of());
            }
        }
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
