package dev.jfaas.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The portal's files as a browser gets them: every page and module there, under a policy that allows nothing else. */
class PortalTest {

    static Vertx vertx;
    static HttpServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        var router = Router.router(vertx);
        Portal.mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBarePathGoesToThePageWhichMayLoadOnlyItsOwnFilesAndNotBeFramed() throws Exception {
        var bare = get("/ui");
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).contains("/ui/");

        var page = get("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(Portal.POLICY);
        assertThat(Portal.POLICY).contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).contains("app.js");
    }

    @Test
    void everyModuleThePagesImportIsThereAndServedAsJavaScript() throws Exception {
        var seen = new java.util.LinkedHashSet<String>();
        var todo = new java.util.ArrayDeque<>(java.util.List.of("app.js"));
        var imports = Pattern.compile("(?:from|import\\()\\s*[\"']([./][\\w/.-]+\\.js)[\"']");
        while (!todo.isEmpty()) {
            var module = todo.poll();
            if (!seen.add(module)) {
                continue;
            }
            var response = get("/ui/" + module);
            assertThat(response.statusCode()).as(module).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(module).contains("javascript");
            var found = imports.matcher(response.body());
            var base = URI.create("http://x/ui/" + module);
            while (found.find()) {
                todo.add(base.resolve(found.group(1)).getPath().substring("/ui/".length()));
            }
        }
        assertThat(seen).as("app.js, its modules and every page").contains("api.js", "dom.js", "pages/functions.js")
                .hasSizeGreaterThan(8);
    }

    @Test
    void whatIsNotThereIs404() throws Exception {
        assertThat(get("/ui/nothing-here.js").statusCode()).isEqualTo(404);
        assertThat(get("/ui/../../etc/passwd").statusCode()).isNotEqualTo(200);
    }
}
