package dev.jfaas.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Call a function; the body comes from --data or stdin. With --async, prints the call id.",
        footer = {"", "Examples:", "  echo hello | jfaas invoke rev", "  jfaas invoke rev --async --callback http://127.0.0.1:9000/done -d hi"})
final class InvokeCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "the function") String name;
    @Option(names = {"-d", "--data"}, description = "the body (default: read stdin)") String data;
    @Option(names = "--async", description = "queue the call and print its id") boolean async;
    @Option(names = "--callback", description = "URL to POST the result to (async)") String callback;
    @Option(names = "--priority", description = "0..9, higher runs first (async or queued calls)") Integer priority;
    @Option(names = {"-H", "--header"}, description = "header k=v (repeatable)") Map<String, String> headers;
    @Option(names = "--query", description = "query parameter k=v (repeatable)") Map<String, String> query;
    @Option(names = {"-m", "--method"}, defaultValue = "POST", description = "HTTP method (default: POST)") String method;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var body = data != null ? data : (System.console() == null ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : "");
        var target = namespace == null ? name : name + "." + namespace;
        var path = (async ? "/async-function/" : "/function/") + target;
        if (query != null && !query.isEmpty()) {
            path += "?" + query.entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        }
        var headerList = new ArrayList<String>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                headerList.add(k);
                headerList.add(v);
            });
        }
        if (callback != null) {
            headerList.addAll(List.of("X-Callback-Url", callback));
        }
        if (priority != null) {
            headerList.addAll(List.of("X-Priority", priority.toString()));
        }
        var response = client().send(async ? "POST" : method.toUpperCase(), path, body, headerList);
        if (response.statusCode() >= 400) {
            throw CliError.fromResponse(response.statusCode(), response.body());
        }
        if (async) {
            var id = response.header("X-Call-Id").orElse("");
            out().println(json ? "{\"callId\":\"" + id + "\"}" : id);
        } else {
            out().print(response.body());
            out().flush();
        }
        return 0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
