package dev.balancer.admin;

import static dev.balancer.admin.StatusEndpointTest.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.balancer.backend.BackendPool;
import dev.balancer.backend.BackendStatus;
import dev.balancer.testing.FrontEnd;
import dev.balancer.testing.HeadlessChromium;
import dev.balancer.testing.Http;
import dev.balancer.testing.TestBackend;
import dev.balancer.testing.TestBalancer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): the rendered DOM shows every backend with its state, and the drain and enable
 * buttons change it. Screenshots land in {@code target/} for a person to look at.
 */
class StatusPageBrowserTest {
    private final List<AutoCloseable> servers = new ArrayList<>();
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        chromium = new HeadlessChromium(1600, 520);
        browser = chromium.driver();
    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T keep(T server) {
        servers.add(server);
        return server;
    }

    private WebElement row(String backendId) {
        return browser.findElement(By.cssSelector("tr[data-backend='" + backendId + "']"));
    }

    private String shownState(String backendId) {
        return row(backendId).findElement(By.cssSelector("td.state .badge")).getText();
    }

    /** Accepts the page's confirmation, which must start with {@code question}. */
    private void accept(String question) {
        Alert alert = await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> browser.switchTo().alert(), a -> true);
        assertThat(alert.getText()).startsWith(question);
        alert.accept();
    }

    private void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }

    @Test
    void pageShowsEveryBackendWithItsStateAndDrainAndEnableChangeIt() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBackend b = keep(new TestBackend("b"));
        TestBackend c = keep(new TestBackend("c"));
        TestBackend d = keep(new TestBackend("d"));
        TestBalancer balancer = keep(new TestBalancer(FrontEnd.SERVLET, Map.of("backends",
                a.url() + " weight=2, " + b.url() + ", " + c.url() + ", " + d.url() + " backup",
                "healthCheckPath", "/health", "healthCheckInterval", "1s", "healthCheckTimeout", "500ms")));
        BackendPool pool = balancer.pool();
        // What passive outlier detection does after repeated failures; active probes leave an ejection alone.
        pool.transition(pool.find(id(c)).orElseThrow(), BackendStatus.EJECTED, "3 failures in 10s");
        await().until(() -> pool.find(id(b)).orElseThrow().lastProbe() != null);
        for (int i = 0; i < 9; i++) {
            Http.get(balancer.url() + "/x");
        }
        Http.get(balancer.url() + "/status/500");

        browser.get(balancer.url() + "/_balancer/");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(By.cssSelector("#backends tbody tr")).size() == 4);
        assertThat(browser.findElements(By.cssSelector("#backends tbody tr")))
                .extracting(r -> r.getAttribute("data-backend")).containsExactly(id(a), id(b), id(c), id(d));
        assertThat(shownState(id(a))).isEqualTo("healthy");
        assertThat(shownState(id(b))).isEqualTo("healthy");
        assertThat(shownState(id(c))).isEqualTo("ejected");
        assertThat(shownState(id(d))).isEqualTo("backup");
        assertThat(row(id(c)).findElement(By.cssSelector("td.state .reason")).getText()).startsWith("3 failures in 10s");
        assertThat(row(id(b)).findElement(By.cssSelector("td.probe")).getText()).startsWith("✓ status 200");
        assertThat(row(id(a)).findElement(By.cssSelector("td.weight")).getText()).isEqualTo("2");
        // The colour comes from the state: a healthy badge is green, an ejected one is not.
        String healthyColour = row(id(a)).findElement(By.cssSelector(".badge")).getCssValue("background-color");
        assertThat(healthyColour).isEqualTo("rgba(26, 127, 55, 1)");
        assertThat(row(id(c)).findElement(By.cssSelector(".badge")).getCssValue("background-color")).isNotEqualTo(healthyColour);
        // The live numbers: the last request reached the status page's counts.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Long.parseLong(row(id(a)).findElement(By.cssSelector("td.total")).getText())
                        + Long.parseLong(row(id(b)).findElement(By.cssSelector("td.total")).getText())).isEqualTo(10));
        assertThat(browser.findElement(By.id("summary")).getText()).contains("round-robin").contains("2 of 4 backends available");

        WebElement drain = row(id(a)).findElement(By.cssSelector("button[data-action='drain']"));
        assertThat(drain.isDisplayed()).isTrue();
        assertThat(row(id(a)).findElement(By.cssSelector("button[data-action='enable']")).isDisplayed()).isFalse();
        drain.click();
        accept("Drain " + id(a) + "?");
        await().atMost(Duration.ofSeconds(10)).until(() -> shownState(id(a)).equals("draining"));
        assertThat(pool.snapshot().state(pool.find(id(a)).orElseThrow()).status()).isEqualTo(BackendStatus.DRAINING);
        assertThat(row(id(a)).findElement(By.cssSelector("td.state .reason")).getText()).startsWith("drained by operator");
        screenshot("status-page.png");

        row(id(a)).findElement(By.cssSelector("button[data-action='enable']")).click();
        accept("Enable " + id(a) + "?");
        await().atMost(Duration.ofSeconds(10)).until(() -> shownState(id(a)).equals("healthy"));
        assertThat(pool.snapshot().available()).extracting(backend -> backend.id()).contains(id(a));
    }

    @Test
    void withATokenThePageAsksForItAndThenShowsTheBackends() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBalancer balancer = keep(new TestBalancer(FrontEnd.SERVLET, Map.of("backends", a.url(), "adminToken", "page-token")));

        browser.get(balancer.url() + "/_balancer/");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(browser.findElement(By.id("backends")).isDisplayed()).isFalse();

        browser.findElement(By.id("token")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("login-message")).getText().contains("refused"));

        browser.findElement(By.id("token")).sendKeys("page-token");
        browser.findElement(By.cssSelector("#login button")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("tr[data-backend]")).isEmpty());
        assertThat(shownState(id(a))).isEqualTo("healthy");
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        screenshot("status-page-token.png");
    }
    @Test
    void thePageAddsReweighsAndRemovesBackendsAfterAConfirmationAndChartsTheirHistory() throws Exception {
        TestBackend a = keep(new TestBackend("a"));
        TestBackend b = keep(new TestBackend("b"));
        TestBackend c = keep(new TestBackend("c"));
        TestBalancer balancer = keep(new TestBalancer(FrontEnd.HANDLER, Map.of("backends", a.url() + "," + b.url())));
        BackendPool pool = balancer.pool();
        browser.get(balancer.url() + "/_balancer/");
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(By.cssSelector("#backends tbody tr")).size() == 2);

        browser.findElement(By.id("add-url")).sendKeys(c.url());
        browser.findElement(By.id("add-weight")).clear();
        browser.findElement(By.id("add-weight")).sendKeys("2");
        browser.findElement(By.cssSelector("#add button")).click();
        accept("Add " + c.url() + " with weight 2?");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("tr[data-backend='" + id(c) + "']")).isEmpty());
        assertThat(pool.find(id(c)).orElseThrow().weight()).isEqualTo(2);

        row(id(a)).findElement(By.cssSelector("button[data-action='weight']")).click();
        Alert prompt = await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> browser.switchTo().alert(), x -> true);
        prompt.sendKeys("3");
        prompt.accept();
        accept("Set the weight of " + id(a) + " to 3?");
        await().atMost(Duration.ofSeconds(10)).until(() -> row(id(a)).findElement(By.cssSelector("td.weight")).getText().equals("3"));
        assertThat(pool.find(id(a)).orElseThrow().weight()).isEqualTo(3);

        // Cancelled: nothing happens.
        row(id(b)).findElement(By.cssSelector("button[data-action='remove']")).click();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> browser.switchTo().alert(), x -> true).dismiss();
        assertThat(pool.find(id(b))).isPresent();
        row(id(b)).findElement(By.cssSelector("button[data-action='remove']")).click();
        accept("Remove " + id(b) + "?");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("tr[data-backend='" + id(b) + "']")).isEmpty());
        assertThat(pool.find(id(b))).isEmpty();

        // Charts: the second sample (5 s apart) is the first point; traffic keeps flowing until one is drawn.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Http.get(balancer.url() + "/load");
            return !row(id(a)).findElements(By.cssSelector("svg.chart[data-metric='rps'] :is(polyline, circle)")).isEmpty()
                    && !row(id(a)).findElement(By.cssSelector("svg.chart[data-metric='rps'] title")).getAttribute("textContent")
                            .contains("latest 0.0/s");
        });
        assertThat(row(id(a)).findElements(By.cssSelector("svg.chart"))).extracting(e -> e.getAttribute("data-metric"))
                .containsExactly("rps", "errorRate", "p99Ms");
        assertThat(row(id(a)).findElement(By.cssSelector("svg.chart[data-metric='p99Ms'] title")).getAttribute("textContent"))
                .startsWith("p99 · latest ").endsWith(" ms");
        screenshot("status-page-actions.png");
    }
}
