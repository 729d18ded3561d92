package dev.jfaas.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List, replay or purge the dead letters of a queue.",
        footer = {"", "Examples:", "  jfaas dead-letters list", "  jfaas dead-letters replay --function resize",
            "  jfaas dead-letters replay 0195a1b2-...   # one call, by id"})
final class DeadLettersCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, replay or purge") String action;
    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "with replay: only this call") String id;
    @Option(names = "--queue", defaultValue = "faas-request", description = "queue (default faas-request)") String queue;
    @Option(names = "--function", description = "only this function's") String function;

    @Override
    int run() throws IOException {
        var filter = function == null ? "" : "?function=" + function;
        var client = client();
        switch (action) {
            case "list" -> {
                var calls = new CallsCommand();
                calls.spec = spec;
                calls.gateway = gateway;
                calls.configDir = configDir;
                calls.json = json;
                calls.status = "dead";
                calls.function = function;
                calls.limit = 1000;
                return calls.run();
            }
            case "replay" -> {
                var body = id != null ? client.expect("POST", "/system/calls/" + id + "/replay", null)
                        : client.expect("POST", "/system/queues/" + queue + "/dead-letters/replay" + filter, null);
                out().println(json ? body : "replayed " + parse(body).path("replayed").asLong() + " call(s)");
            }
            case "purge" -> {
                var body = client.expect("DELETE", "/system/queues/" + queue + "/dead-letters" + filter, null);
                out().println(json ? body : "purged " + parse(body).path("purged").asLong() + " dead letter(s)");
            }
            default -> throw new CliError("unknown action " + action + ": use list, replay or purge");
        }
        return 0;
    }
}
