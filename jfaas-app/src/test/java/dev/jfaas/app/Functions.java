package dev.jfaas.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/** Deployments of real function processes the end-to-end tests use. */
final class Functions {

    private Functions() {}

    /** A forking function running {@code command} (split on spaces, no shell). */
    static Map<String, Object> forking(String name, String command, Map<String, String> envVars) {
        var d = new HashMap<String, Object>();
        d.put("service", name);
        d.put("image", "local/test");
        d.put("envProcess", command);
        d.put("envVars", envVars);
        return d;
    }

    static Map<String, Object> forking(String name, String command) {
        return forking(name, command, Map.of());
    }

    /** A function whose working directory holds {@code files}, run as {@code command}. */
    static Map<String, Object> inDirectory(String name, String command, Map<String, String> envVars, Map<String, String> files) {
        var d = forking(name, command, envVars);
        d.put("image", write(files).toString());
        return d;
    }

    /** An http-mode replica: a small Python server that echoes what it got, answers /redirect with 302 and /slow slowly. */
    static Map<String, Object> httpEcho(String name, Map<String, String> extraEnv) {
        var env = new HashMap<>(extraEnv);
        env.put("mode", "http");
        return inDirectory(name, "python3 -u server.py", env, Map.of("server.py", ECHO_SERVER));
    }

    /**
     * A directory the function's user (an unprivileged uid of its own, in the sandbox) may read and
     * write, as an operator would make one for a function that keeps files there.
     */
    static Path write(Map<String, String> files) {
        try {
            var dir = Files.createTempDirectory("jfaas-fn");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            for (var file : files.entrySet()) {
                var path = dir.resolve(file.getKey());
                Files.writeString(path, file.getValue());
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String ECHO_SERVER = """
            import http.server, json, os, sys, time

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def answer(self):
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length) if length else b""
                    if self.path.startswith("/redirect"):
                        self.send_response(302)
                        self.send_header("Location", "/elsewhere")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if self.path.startswith("/slow"):
                        time.sleep(5)
                    if self.path.startswith("/crash"):
                        os._exit(3)
                    out = json.dumps({
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body.decode("utf-8", "replace"),
                        "port": os.environ.get("PORT"),
                    }).encode()
                    print("handled", self.command, self.path, flush=True)
                    self.send_response(201 if self.command == "POST" else 200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("X-Echo", "yes")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(out)

                do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = answer

                def log_message(self, *args):
                    pass

            print("listening on", os.environ["PORT"], flush=True)
            class Listener(http.server.ThreadingHTTPServer):
                request_queue_size = 1024  # as real function servers do; Python's 5 drops a burst's handshakes

            Listener(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
            """;
}
