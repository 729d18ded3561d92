package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "triggers", mixinStandardHelpOptions = true,
        description = "Show schedules (next firing) and topic subscriptions (state, messages) of the functions.")
final class TriggersCommand extends ClientCommand {

    @Override
    int run() throws IOException {
        var body = client().expect("GET", "/system/triggers", null);
        if (json) {
            out().println(body);
            return 0;
        }
        var answer = parse(body);
        var brokers = new ArrayList<String>();
        answer.path("brokers").forEach(b -> brokers.add(b.asText()));
        out().println("Brokers: " + (brokers.isEmpty() ? "none (JFAAS_TRIGGERS)" : String.join(", ", brokers)));
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("Function", "Trigger", "Topic/Schedule", "Next", "Messages", "State"));
        for (var t : answer.path("triggers")) {
            boolean schedule = t.path("kind").asText().equals("schedule");
            rows.add(List.of(t.path("function").asText() + "." + t.path("namespace").asText(),
                    t.path("trigger").asText("any"),
                    schedule ? t.path("schedule").asText() + " (" + t.path("timezone").asText() + ")" : t.path("topic").asText(),
                    schedule ? t.path("next").asText("") : "", t.path("messages").asText(), t.path("state").asText()));
        }
        table(rows);
        return 0;
    }
}
