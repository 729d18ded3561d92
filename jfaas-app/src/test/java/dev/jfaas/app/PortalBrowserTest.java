package dev.jfaas.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in a real headless browser (Debian's chromium through chromedriver), against a real
 * gateway: log in, deploy through the form, invoke sync and async, see a dead letter and replay it,
 * watch a chart update, delete the function. Screenshots of each page (1280×800) go to
 * target/screenshots. Without chromium the test says so and is skipped, except under CI=true.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Alone: Chromium drops what is in flight (ERR_NETWORK_CHANGED: a failed deploy, a page that never
// draws) whenever the host's interfaces change, and every replica another class starts adds a veth link.
@Isolated
class PortalBrowserTest {

    /** On a failure: the page as it was, and what the browser's console said. */
    @RegisterExtension
    final AfterTestExecutionCallback onFailure = context -> {
        if (browser == null) {
            return;
        }
        var console = browser.manage().logs().get(LogType.BROWSER).getAll();
        if (context.getExecutionException().isPresent()) {
            screenshot("FAILED-" + context.getRequiredTestMethod().getName());
            console.forEach(entry -> System.err.println("browser console: " + entry));
            // the screenshot stays on this machine; what the page said goes into the report
            System.err.println("page at " + browser.getCurrentUrl() + ": " + ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeScript("return document.body.innerText.slice(0, 2000)"));
            return;
        }
        // A page that works but logs errors (a bad input pattern, a failed request) fails too. Not a
        // request the browser itself dropped as the host's interfaces changed: here it runs on the
        // gateway's host, where each replica's start adds a veth link (a user's browser is elsewhere).
        assertThat(console.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(Object::toString)
                .filter(line -> !line.contains("net::ERR_NETWORK_CHANGED")))
                .as("errors in the browser's console").isEmpty();
    };

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass(Map.of("JFAAS_AUTOSCALE", "false"));

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static WebDriver browser;
    static WebDriverWait wait;
    static Path screenshots;

    @BeforeAll
    static void openBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("chromium and chromium-driver must be installed on CI").isTrue();
        }
        assumeTrue(present, "chromium or chromedriver is not installed: the portal's browser test is skipped");
        var options = new ChromeOptions().setBinary(CHROMIUM.toString()).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--user-data-dir=" + Files.createTempDirectory("jfaas-chromium"));
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // Generous: with the whole suite running beside it on 2 cores, a deploy through the form
        // and the first page of a new function once took over 20 s (four tests failed their first try).
        wait = new WebDriverWait(browser, Duration.ofSeconds(45));
        screenshots = Path.of("target/screenshots");
        Files.createDirectories(screenshots);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    static void open(String page) {
        browser.get("http://" + TestGateway.USER + ":" + TestGateway.PASSWORD + "@127.0.0.1:" + gateway.port() + "/ui/#/" + page);
        browser.navigate().refresh();
        if (browser.getPageSource().contains("ERR_NETWORK_CHANGED")) {
            // the load itself dropped as this class's own replica added its veth link: Chromium's error page, not the portal's
            browser.navigate().refresh();
        }
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
    }

    /** Every input on the page has a label a screen reader can read. */
    static void assertEveryInputIsLabelled() {
        var unlabelled = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("""
                return Array.from(document.querySelectorAll('input, select, textarea'))
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                  .map(e => e.outerHTML);""");
        assertThat((java.util.List<?>) unlabelled).as("inputs without a label").isEmpty();
    }

    /** The pictures docs/ shows, by the screenshot they are: refreshed when JFAAS_DOCS_SCREENSHOTS is set. */
    static final Map<String, String> DOCS = Map.of("overview-traffic", "portal-overview.png", "invoke", "portal-invoke.png",
            "queues", "portal-queues.png", "function-load", "portal-function.png");

    static void screenshot(String name) throws Exception {
        var png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(screenshots.resolve(name + ".png"), png);
        if (System.getenv("JFAAS_DOCS_SCREENSHOTS") != null && DOCS.containsKey(name)) {
            Files.write(Path.of("..", "docs", DOCS.get(name)), png);
        }
    }

    /** Clicks what the selector finds, finding it again if the page redrew it meanwhile. */
    static void click(String css) {
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    static void type(String css, String text) {
        var element = browser.findElement(By.cssSelector(css));
        element.clear();
        element.sendKeys(text);
    }

    @Test
    @Order(1)
    void loggedInTheOverviewShowsLiveCharts() throws Exception {
        open("overview");
        wait.until(d -> Integer.parseInt(d.findElement(By.id("page")).getDomAttribute("data-ticks") == null ? "0"
                : d.findElement(By.id("page")).getDomAttribute("data-ticks")) >= 2);
        assertThat(browser.findElements(By.cssSelector(".uplot canvas"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElement(By.id("o-health")).getText()).contains("healthy", "sandbox bwrap");
        screenshot("overview");
    }

    @Test
    @Order(2)
    void aFunctionIsDeployedThroughTheForm() throws Exception {
        open("deploy");
        assertEveryInputIsLabelled();
        type("input[name=service]", "ui-echo");
        type("input[name=image]", Functions.write(Map.of("README", "cat echoes the body\n")).toString());
        type("input[name=envProcess]", "cat");
        type("textarea[name=labels]", "team=portal");
        assertThat(browser.findElement(By.id("deploy-json")).getText()).contains("\"service\": \"ui-echo\"", "\"team\": \"portal\"");
        screenshot("deploy");
        // a mistake first: the gateway's answer stays beside the form
        browser.findElement(By.cssSelector("input[name=envProcess]")).clear();
        browser.findElement(By.cssSelector("input[name=image]")).clear();
        type("input[name=image]", "local/nowhere");
        browser.findElement(By.cssSelector("#deploy-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("deploy-error"), "image not found"));
        browser.manage().logs().get(LogType.BROWSER); // the 400 the browser logged was asked for: not a page error
        browser.findElement(By.cssSelector("input[name=image]")).clear();
        type("input[name=image]", Functions.write(Map.of("README", "cat echoes the body\n")).toString());
        type("input[name=envProcess]", "cat");
        assertThat(browser.findElement(By.id("deploy-error")).getText()).as("cleared as the form changes").isEmpty();
        browser.findElement(By.cssSelector("#deploy-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("replicas"), "1 ready of 1"));
        screenshot("function");
        open("functions");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main table"), "ui-echo"));
        screenshot("functions");
    }

    @Test
    @Order(3)
    void theConsoleInvokesSyncAndAsync() throws Exception {
        open("invoke/ui-echo");
        assertEveryInputIsLabelled();
        type("#invoke-body", "{\"hello\": \"from the browser\"}");
        browser.findElement(By.id("invoke-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invoke-output"), "from the browser"));
        assertThat(browser.findElement(By.id("invoke-status")).getText()).startsWith("200");
        assertThat(browser.findElement(By.id("invoke-curl")).getText()).contains("curl -i -X POST", "/function/ui-echo");
        screenshot("invoke");
        browser.findElement(By.id("invoke-async")).click();
        type("#invoke-body", "later, from the queue");
        browser.findElement(By.id("invoke-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invoke-async-result"), "later, from the queue"));
        assertThat(browser.findElement(By.id("invoke-call")).getText()).contains("succeeded");

        // The browser sends the admin's credentials with every request to the gateway: a function
        // invoked from the console, even one that asks for them, never receives them.
        var guarded = Functions.forking("ui-env", "env");
        guarded.put("annotations", Map.of("com.jfaas.auth", "basic"));
        gateway.deploy(guarded);
        open("invoke/ui-env");
        browser.findElement(By.id("invoke-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invoke-output"), "Http_Method"));
        assertThat(browser.findElement(By.id("invoke-output")).getText()).doesNotContain("Http_Authorization", TestGateway.PASSWORD);
        assertThat(gateway.system("DELETE", "/system/functions", Map.of("functionName", "ui-env")).statusCode()).isEqualTo(202);
    }

    @Test
    @Order(4)
    void theChartsFollowTraffic() throws Exception {
        open("overview");
        var load = load("ui-echo", 20);
        try {
            wait.until(d -> Double.parseDouble(d.findElement(By.id("o-rate")).getText().replace("–", "0")) > 1);
            assertThat(browser.findElement(By.id("o-functions")).getText()).isEqualTo("1");
            assertThat(browser.findElement(By.id("o-health")).getText()).contains("store (sqlite): healthy", "queue (sqlite): healthy");
        } finally {
            load.interrupt();
            load.join();
        }
        screenshot("overview-traffic");
        // opened again, the overview starts from the history the gateway keeps, not from nothing
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            open("overview");
            wait.until(d -> d.findElement(By.id("page")).getDomAttribute("data-history") != null);
            return Integer.parseInt(browser.findElement(By.id("page")).getDomAttribute("data-history")) >= 1;
        });
    }

    @Test
    @Order(5)
    void aFunctionsPageChartsItsCallsAndItsReplicasCpuAndMemoryAtTheWindowsWidth() throws Exception {
        var load = load("ui-echo", 50);
        try {
            open("function/ui-echo");
            wait.until(d -> Integer.parseInt(java.util.Objects.requireNonNullElse(
                    d.findElement(By.id("page")).getDomAttribute("data-samples"), "0")) >= 3);
            for (var chart : List.of("f-calls", "f-latency", "f-cpu", "f-memory")) {
                assertThat(browser.findElements(By.cssSelector("#" + chart + " .uplot canvas"))).as(chart).isNotEmpty();
            }
            var usage = TestGateway.parse(gateway.system("GET", "/system/function/ui-echo", null).body()).path("usage");
            if (!usage.isMissingNode() && !usage.isNull()) {
                wait.until(d -> Double.parseDouble(java.util.Objects.requireNonNullElse(
                        d.findElement(By.id("page")).getDomAttribute("data-memory"), "0")) > 0);
            }
            wait.until(d -> Double.parseDouble(java.util.Objects.requireNonNullElse(
                    d.findElement(By.id("page")).getDomAttribute("data-rate"), "0")) > 0);
            screenshot("function-load");
            // narrower window, narrower charts: they follow the page instead of a fixed 580 px
            int wide = chartWidth();
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(640, 800));
            wait.until(d -> chartWidth() < Math.min(wide, 620));
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
            load.interrupt();
            load.join();
        }
        // one time zone: every time on the pages is a <time> with its UTC instant, shown in the browser's zone
        open("calls");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main table time")));
        var shown = browser.findElement(By.cssSelector("main table time"));
        assertThat(shown.getDomAttribute("datetime")).endsWith("Z");
        assertThat(shown.getText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
    }

    /** Calls {@code function} every {@code pauseMillis} until interrupted (or the gateway closes). */
    static Thread load(String function, long pauseMillis) {
        return Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    gateway.call("POST", "/function/" + function, "load");
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException | RuntimeException e) {
                    return;
                }
            }
        });
    }

    static int chartWidth() {
        return ((Number) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.querySelector('#f-calls canvas').getBoundingClientRect().width")).intValue();
    }

    @Test
    @Order(6)
    void aDeadLetterAppearsAndIsReplayed() throws Exception {
        // Fails the first time, succeeds after: its dead letter, replayed, succeeds.
        var flaky = Functions.inDirectory("ui-flaky", "sh run.sh", Map.of(),
                Map.of("run.sh", "if [ -e ran ]; then echo fine now; else touch ran; exit 1; fi\n"));
        flaky.put("annotations", Map.of("com.openfaas.retry.attempts", "1"));
        gateway.deploy(flaky);
        var id = gateway.call("POST", "/async-function/ui-flaky", "order 66").headers().firstValue("X-Call-Id").orElseThrow();
        open("queues");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-dead='" + id + "']")));
        // and its function's line in the queue, by function: one dead letter, not held back
        var line = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-function='faas-request/ui-flaky.openfaas-fn']")));
        assertThat(line.getText()).contains("ui-flaky.openfaas-fn", "—");
        click("[data-preview='" + id + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-kept='" + id + "'] pre"), "order 66"));
        screenshot("queues");
        click("[data-replay='" + id + "']");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                TestGateway.parse(gateway.system("GET", "/system/calls/" + id, null).body()).path("status").asText().equals("succeeded"));
        open("calls/" + id);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "fine now"));
        assertThat(browser.findElements(By.id("call-cancel"))).as("a call that succeeded has nothing to cancel").isEmpty();
        assertThat(browser.findElements(By.id("call-replay"))).as("nor to replay").isEmpty();
        screenshot("call");
    }

    @Test
    @Order(7)
    void theTriggersPageShowsASchedulesNextFiring() throws Exception {
        var cron = Functions.forking("ui-cron", "cat");
        cron.put("annotations", Map.of("topic", "cron-function", "schedule", "0 9 * * 1-5", "com.jfaas.schedule.timezone", "Europe/Berlin"));
        gateway.deploy(cron);
        open("triggers");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main table"), "0 9 * * 1-5 (Europe/Berlin)"));
        assertThat(browser.findElement(By.cssSelector("[data-trigger='ui-cron/cron-function']")).getText()).contains("scheduled");
        screenshot("triggers");
        gateway.system("DELETE", "/system/functions", Map.of("functionName", "ui-cron"));
    }

    @Test
    @Order(8)
    void secretsShowNamesOnly() throws Exception {
        open("secrets");
        assertEveryInputIsLabelled();
        type("input[name=name]", "ui-secret");
        type("input[name=value]", "never-shown");
        // by keyboard: Enter in the last field submits the form
        browser.findElement(By.cssSelector("input[name=value]")).sendKeys(org.openqa.selenium.Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main table"), "ui-secret"));
        assertThat(browser.getPageSource()).doesNotContain("never-shown");
        screenshot("secrets");
    }

    @Test
    @Order(9)
    void aPageLeftWhileItLoadsDrawsNothingBesideTheNext() throws Exception {
        // a function of its own, as the next test: each can run again alone (surefire reruns a failed method by itself)
        gateway.deploy(Functions.forking("ui-left", "cat"));
        open("functions");
        // two routes in one go: the function page is still waiting for its function when the secrets page starts
        // (the second set once the router has taken the first: the app's listener runs before this one)
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "addEventListener('hashchange', () => { location.hash = '#/secrets'; }, { once: true });"
                        + " location.hash = '#/function/ui-left';");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), "Secrets"));
        // long enough for the function page's answer to have come and been drawn, had it anywhere to go
        wait.until(d -> ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return performance.getEntriesByType('resource').some(r => r.name.includes('/system/function/ui-left'))"));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
                browser.findElements(By.cssSelector("main h1")).stream().map(org.openqa.selenium.WebElement::getText).toList(),
                java.util.function.Predicate.isEqual(List.of("Secrets")));
        assertThat(browser.findElements(By.id("log"))).as("the function page's log is not shown, nor followed").isEmpty();
        gateway.system("DELETE", "/system/functions", Map.of("functionName", "ui-left"));
    }

    @Test
    @Order(10)
    void aReadTheBrowserDroppedIsAskedAgainAChangeIsNot() throws Exception {
        open("secrets");
        // the page's own fetch() rejected as Chromium rejects it on ERR_NETWORK_CHANGED, for the first `drops` calls
        String drop = "const [path, method, drops, done] = arguments; const real = window.fetch; let calls = 0;"
                + " window.fetch = (...a) => ++calls <= drops ? Promise.reject(new TypeError('Failed to fetch')) : real(...a);"
                + " import('./api.js').then((m) => m.request(path, { method }))"
                + "   .then((r) => ({ status: r.status, calls }), (e) => ({ error: String(e), calls }))"
                + "   .then((r) => { window.fetch = real; done(r); });";
        var js = (org.openqa.selenium.JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        var read = (Map<String, Object>) js.executeAsyncScript(drop, "/system/info", "GET", 2);
        assertThat(read).containsEntry("status", 200L).containsEntry("calls", 3L);
        @SuppressWarnings("unchecked")
        var lost = (Map<String, Object>) js.executeAsyncScript(drop, "/system/info", "GET", 3);
        assertThat(lost).containsEntry("calls", 3L).containsKey("error");
        @SuppressWarnings("unchecked")
        var change = (Map<String, Object>) js.executeAsyncScript(drop, "/system/secrets", "POST", 1);
        assertThat(change).containsEntry("calls", 1L).containsKey("error");
    }

    @Test
    @Order(11)
    void aFunctionIsDeletedFromItsPage() throws Exception {
        gateway.deploy(Functions.forking("ui-doomed", "cat"));
        open("function/ui-doomed");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("delete"))).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.urlContains("#/functions"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                gateway.system("GET", "/system/function/ui-doomed", null).statusCode() == 404);
    }
}
