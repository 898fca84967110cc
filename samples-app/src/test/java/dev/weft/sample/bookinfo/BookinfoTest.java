package dev.weft.sample.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The four services on 127.0.0.1, wired to each other (and to fakes) by their ephemeral ports. */
class BookinfoTest {

    private static final String RATINGS_ERROR_HTML = "<p><i>Ratings service is currently unavailable</i></p>";
    private static final String FULL_STAR = "<span class=\"glyphicon glyphicon-star\">&#9733;</span>";
    private static final String EMPTY_STAR = "<span class=\"glyphicon glyphicon-star-empty\">&#9734;</span>";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : started.reversed()) {
            c.close();
        }
        client.close();
    }

    // ---- the page, per reviews version ----

    @Test
    void reviewsV1PageShowsDetailsAndReviewsWithoutStars() throws Exception {
        var page = get(stack("v1").productpage.port(), "/productpage");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<h3 class=\"text-center text-primary\">The Comedy of Errors</h3>")
                .contains("<h4 class=\"text-center text-primary\">Book Details</h4>")
                .contains("<dt>Type:</dt>paperback\n")
                .contains("<dt>Pages:</dt>200\n")
                .contains("<dt>Publisher:</dt>PublisherA\n")
                .contains("<dt>ISBN-13:</dt>123-1234567890\n")
                .contains("<h4 class=\"text-center text-primary\">Book Reviews</h4>")
                .contains("<p>An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!</p>")
                .contains("<small>Reviewer2</small>")
                .doesNotContain("class=\"glyphicon glyphicon-star")
                .doesNotContain("<font color=")
                .doesNotContain("Ratings service is currently unavailable");
    }

    @Test
    void reviewsV2PageShowsBlackStars() throws Exception {
        String body = get(stack("v2").productpage.port(), "/productpage").body();

        assertThat(count(body, "<font color=\"black\">")).isEqualTo(2);
        assertThat(count(body, FULL_STAR)).isEqualTo(5 + 4);
        assertThat(count(body, EMPTY_STAR)).isEqualTo(1);
        assertThat(body).doesNotContain("color=\"red\"");
    }

    @Test
    void reviewsV3PageShowsRedStars() throws Exception {
        String body = get(stack("v3").productpage.port(), "/productpage").body();

        assertThat(count(body, "<font color=\"red\">")).isEqualTo(2);
        assertThat(count(body, FULL_STAR)).isEqualTo(9);
        assertThat(body).doesNotContain("color=\"black\"");
    }

    // ---- login, end-user and trace headers, through a proxy where the sidecar would be ----

    @Test
    void loginSetsUserCookieAndEndUserReachesReviewsAndRatings() throws Exception {
        var proxy = track(FakeServer.forwardProxy());
        var stack = stack("v2", "--proxy", "http://" + proxy.hostPort());

        var login = send(HttpRequest.newBuilder(uri(stack.productpage.port(), "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Referer", "http://bookinfo.example/productpage?u=normal")
                .POST(HttpRequest.BodyPublishers.ofString("username=jason&passwd=")));
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("location")).contains("/productpage?u=normal");
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("user=jason;");

        var page = get(stack.productpage.port(), "/productpage", "Cookie", "user=jason");
        assertThat(page.body()).contains("jason ( <a href=\"logout\">sign out</a> )");

        var toReviews = proxy.requestsTo("/reviews/");
        var toRatings = proxy.requestsTo("/ratings/");
        assertThat(toReviews).hasSize(1);
        assertThat(toReviews.getFirst().header("end-user")).isEqualTo("jason");
        assertThat(toRatings).hasSize(1);
        assertThat(toRatings.getFirst().header("end-user")).isEqualTo("jason");
        // Absolute form: what a proxy (the sidecar) needs to know where the call is going.
        assertThat(toReviews.getFirst().target()).isEqualTo("http://" + "127.0.0.1:" + stack.reviews.port() + "/reviews/0");
        assertThat(proxy.requestsTo("/details/").getFirst().target())
                .isEqualTo("http://127.0.0.1:" + stack.details.port() + "/details/0");
    }

    @Test
    void withoutLoginNoEndUserHeaderAndLogoutClearsTheCookie() throws Exception {
        var proxy = track(FakeServer.forwardProxy());
        var stack = stack("v1", "--proxy", "http://" + proxy.hostPort());

        var page = get(stack.productpage.port(), "/productpage");
        assertThat(page.body()).contains("name=\"username\"");
        assertThat(proxy.requestsTo("/reviews/").getFirst().header("end-user")).isNull();

        var logout = send(HttpRequest.newBuilder(uri(stack.productpage.port(), "/logout"))
                .header("Cookie", "user=jason").header("Referer", "http://h/productpage"));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(logout.headers().firstValue("set-cookie").orElseThrow()).startsWith("user=;").contains("Max-Age=0");
    }

    @Test
    void traceHeadersAreForwardedToEveryService() throws Exception {
        var proxy = track(FakeServer.forwardProxy());
        var stack = stack("v3", "--proxy", "http://" + proxy.hostPort());
        String[] trace = {
            "x-request-id", "7c8b5f8e-2c1d-4b1e-9e3b-5f9b8d7e6a21",
            "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "tracestate", "weft=1",
            "x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7",
            "x-b3-spanid", "e457b5a2e4d86bd1",
            "x-b3-parentspanid", "05e3ac9a4f6e3b90",
            "x-b3-sampled", "1",
            "user-agent", "bookinfo-test/1",
        };

        get(stack.productpage.port(), "/productpage", trace);

        for (var hop : List.of("/details/", "/reviews/", "/ratings/")) {
            var requests = proxy.requestsTo(hop);
            assertThat(requests).as(hop).hasSize(1);
            for (int i = 0; i < trace.length; i += 2) {
                assertThat(requests.getFirst().header(trace[i])).as(hop + " " + trace[i]).isEqualTo(trace[i + 1]);
            }
        }
    }

    @Test
    void singleHeaderB3IsNotOnTheOriginalsListsSoItIsNotForwarded() throws Exception {
        var proxy = track(FakeServer.forwardProxy());
        var stack = stack("v2", "--proxy", "http://" + proxy.hostPort());

        get(stack.productpage.port(), "/productpage", "b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");

        assertThat(proxy.requestsTo("/reviews/").getFirst().header("b3")).isNull();
    }

    // ---- failures ----

    @Test
    void ratingsDownShowsRatingsUnavailableInsteadOfStars() throws Exception {
        var details = start("details");
        var reviews = start("reviews", "--version", "v2", "--ratings", "127.0.0.1:" + closedPort());
        var productpage = start("productpage", "--details", "127.0.0.1:" + details.port(),
                "--reviews", "127.0.0.1:" + reviews.port());

        String body = get(productpage.port(), "/productpage").body();
        assertThat(count(body, RATINGS_ERROR_HTML)).isEqualTo(2);
        assertThat(body).doesNotContain("class=\"glyphicon glyphicon-star").contains("<h4 class=\"text-center text-primary\">Book Reviews</h4>");

        assertThat(get(reviews.port(), "/reviews/0").body()).isEqualTo("{\"id\": \"0\",\"podname\": \"null\","
                + "\"clustername\": \"null\",\"reviews\": [{  \"reviewer\": \"Reviewer1\",  \"text\": \"An extremely"
                + " entertaining play by Shakespeare. The slapstick humour is refreshing!\", \"rating\": {\"error\":"
                + " \"Ratings service is currently unavailable\"}},{  \"reviewer\": \"Reviewer2\",  \"text\":"
                + " \"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by"
                + " Shakespeare.\", \"rating\": {\"error\": \"Ratings service is currently unavailable\"}}]}");
    }

    @Test
    void ratingsAnsweringAnErrorStatusIsTheSameAsRatingsDown() throws Exception {
        var ratings = track(FakeServer.answering(r -> new FakeServer.Answer(503, "application/json",
                "{\"error\":\"Service unavailable\"}")));
        var reviews = start("reviews", "--version", "v3", "--ratings", ratings.hostPort());

        assertThat(count(get(reviews.port(), "/reviews/0").body(), "\"error\": \"Ratings service is currently unavailable\""))
                .isEqualTo(2);
        assertThat(ratings.requests).hasSize(1);
    }

    @Test
    void detailsDownShowsTheDetailsErrorAndStillTheReviews() throws Exception {
        var reviews = start("reviews", "--version", "v1");
        var productpage = start("productpage", "--details", "127.0.0.1:" + closedPort(),
                "--reviews", "127.0.0.1:" + reviews.port());

        var page = get(productpage.port(), "/productpage");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<h4 class=\"text-center text-primary\">Error fetching product details!</h4>\n"
                        + "<p>Sorry, product details are currently unavailable for this book.</p>")
                .doesNotContain("Book Details")
                .contains("<small>Reviewer1</small>");

        var api = get(productpage.port(), "/api/v1/products/0");
        assertThat(api.statusCode()).isEqualTo(500);
        assertThat(api.body()).isEqualTo("{\"error\": \"Sorry, product details are currently unavailable for this book.\"}");
    }

    @Test
    void aBackendErrorStatusIsPassedThroughByTheApi() throws Exception {
        var details = track(FakeServer.answering(r -> new FakeServer.Answer(503, "text/plain", "no healthy upstream")));
        var productpage = start("productpage", "--details", details.hostPort());

        var api = get(productpage.port(), "/api/v1/products/0");
        assertThat(api.statusCode()).isEqualTo(503);
        assertThat(api.body()).isEqualTo("{\"error\": \"Sorry, product details are currently unavailable for this book.\"}");
    }

    @Test
    void reviewsDownShowsTheReviewsErrorAfterTwoAttempts() throws Exception {
        var reviews = track(FakeServer.answering(r -> new FakeServer.Answer(500, "text/plain", "fault filter abort")));
        var details = start("details");
        var productpage = start("productpage", "--details", "127.0.0.1:" + details.port(), "--reviews", reviews.hostPort());

        String body = get(productpage.port(), "/productpage").body();
        assertThat(body).contains("<h4 class=\"text-center text-primary\">Error fetching product reviews!</h4>\n"
                + "<p>Sorry, product reviews are currently unavailable for this book.</p>")
                .contains("Book Details");
        assertThat(reviews.requests).hasSize(2);
    }

    @Test
    void aFailedFirstCallToReviewsIsMadeAgain() throws Exception {
        var calls = new AtomicInteger();
        var reviews = track(FakeServer.answering(r -> calls.incrementAndGet() == 1
                ? new FakeServer.Answer(503, "text/plain", "upstream connect error")
                : new FakeServer.Answer(200, "application/json",
                        "{\"id\": \"0\",\"reviews\": [{\"reviewer\": \"Second\", \"text\": \"try\"}]}")));
        var productpage = start("productpage", "--details", "127.0.0.1:" + closedPort(), "--reviews", reviews.hostPort());

        String body = get(productpage.port(), "/productpage").body();
        assertThat(body).contains("<small>Second</small>").doesNotContain("Error fetching product reviews!");
        assertThat(reviews.requests).hasSize(2);
    }

    @Test
    void slowReviewsTimeOutOnEachOfTheTwoAttempts() throws Exception {
        var reviews = track(FakeServer.answering(r -> {
            Thread.sleep(2_000);
            return new FakeServer.Answer(200, "application/json", "{\"reviews\": []}");
        }));
        var productpage = start("productpage", "--details", "127.0.0.1:" + closedPort(), "--reviews", reviews.hostPort(),
                "--upstream-timeout-ms", "300");

        long startNanos = System.nanoTime();
        String body = get(productpage.port(), "/productpage").body();
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

        assertThat(body).contains("Error fetching product reviews!");
        assertThat(reviews.requests).hasSize(2);
        // Two attempts of 300 ms each; waiting for the fake would take 4 s.
        assertThat(elapsedMillis).isBetween(600L, 3_000L);
    }

    @Test
    void productpageWaitsThreeSecondsByDefaultLikeTheOriginal() {
        var settings = Settings.parse(List.of("productpage"), Map.of());
        assertThat(settings.upstreamTimeout()).hasMillis(3_000);
    }

    @Test
    void slowRatingsTimeOutInReviews() throws Exception {
        var ratings = track(FakeServer.answering(r -> {
            Thread.sleep(3_000);
            return new FakeServer.Answer(200, "application/json", "{\"id\":0,\"ratings\":{\"Reviewer1\":5,\"Reviewer2\":4}}");
        }));
        var reviews = start("reviews", "--version", "v3", "--ratings", ratings.hostPort(), "--upstream-timeout-ms", "200");

        long startNanos = System.nanoTime();
        String body = get(reviews.port(), "/reviews/0").body();
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

        assertThat(count(body, "Ratings service is currently unavailable")).isEqualTo(2);
        assertThat(ratings.requests).hasSize(1);
        assertThat(elapsedMillis).isLessThan(2_500L); // the fake takes 3 s
    }

    // ---- each service's own answers ----

    @Test
    void detailsAnswersAsDetailsRb() throws Exception {
        var details = start("details");
        var ok = get(details.port(), "/details/0");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).contains("application/json");
        assertThat(ok.body()).isEqualTo("{\"id\":0,\"author\":\"William Shakespeare\",\"year\":1595,\"type\":\"paperback\","
                + "\"pages\":200,\"publisher\":\"PublisherA\",\"language\":\"English\",\"ISBN-10\":\"1234567890\","
                + "\"ISBN-13\":\"123-1234567890\"}");
        var bad = get(details.port(), "/details/abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"error\":\"please provide numeric product id\"}");
        assertThat(get(details.port(), "/health").body()).isEqualTo("{\"status\":\"Details is healthy\"}");
    }

    @Test
    void ratingsAnswersAsRatingsJsAndKeepsPostedRatings() throws Exception {
        var ratings = start("ratings");
        assertThat(get(ratings.port(), "/ratings/0").body()).isEqualTo("{\"id\":0,\"ratings\":{\"Reviewer1\":5,\"Reviewer2\":4}}");
        assertThat(get(ratings.port(), "/ratings/7").body()).isEqualTo("{\"id\":7,\"ratings\":{\"Reviewer1\":5,\"Reviewer2\":4}}");
        var bad = get(ratings.port(), "/ratings/x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"error\":\"please provide numeric product ID\"}");

        var posted = send(HttpRequest.newBuilder(uri(ratings.port(), "/ratings/1"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"Reviewer1\": 2, \"Reviewer2\": 3}")));
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).isEqualTo("{\"id\":1,\"ratings\":{\"Reviewer1\":2,\"Reviewer2\":3}}");
        assertThat(get(ratings.port(), "/ratings/1").body()).isEqualTo(posted.body());
        var notJson = send(HttpRequest.newBuilder(uri(ratings.port(), "/ratings/1"))
                .POST(HttpRequest.BodyPublishers.ofString("{oops")));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).isEqualTo("{\"error\":\"please provide valid ratings JSON\"}");
        assertThat(get(ratings.port(), "/health").body()).isEqualTo("{\"status\":\"Ratings is healthy\"}");
    }

    @Test
    void reviewsV1AnswersWithoutRatingsAndDoesNotCallRatings() throws Exception {
        var ratings = track(FakeServer.answering(r -> new FakeServer.Answer(200, "application/json", "{}")));
        var reviews = start("reviews", "--version", "v1", "--ratings", ratings.hostPort());

        String body = get(reviews.port(), "/reviews/0").body();
        assertThat(body).doesNotContain("rating");
        assertThat(ratings.requests).isEmpty();
        assertThat(get(reviews.port(), "/reviews/zero").statusCode()).isEqualTo(404);
        assertThat(get(reviews.port(), "/health").body()).isEqualTo("{\"status\": \"Reviews is healthy\"}");
    }

    @Test
    void productpageApiAndPlainPages() throws Exception {
        var stack = stack("v2");
        int port = stack.productpage.port();

        var products = get(port, "/api/v1/products");
        assertThat(products.headers().firstValue("content-type")).contains("application/json");
        assertThat(products.body()).startsWith("[{\"id\": 0, \"title\": \"The Comedy of Errors\", \"descriptionHtml\": ");
        assertThat(get(port, "/api/v1/products/0").body()).isEqualTo("{\"id\": 0, \"author\": \"William Shakespeare\","
                + " \"year\": 1595, \"type\": \"paperback\", \"pages\": 200, \"publisher\": \"PublisherA\", \"language\":"
                + " \"English\", \"ISBN-10\": \"1234567890\", \"ISBN-13\": \"123-1234567890\"}");
        assertThat(get(port, "/api/v1/products/0/reviews").body())
                .contains("\"rating\": {\"stars\": 5, \"color\": \"black\"}");
        assertThat(get(port, "/api/v1/products/0/ratings").body())
                .isEqualTo("{\"id\": 0, \"ratings\": {\"Reviewer1\": 5, \"Reviewer2\": 4}}");
        assertThat(get(port, "/health").body()).isEqualTo("Product page is healthy");
        assertThat(get(port, "/").body()).contains("<a href=\"/productpage?u=normal\">Normal user</a>");
        assertThat(get(port, "/nothing-here").statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(uri(port, "/productpage"))
                .DELETE()).statusCode()).isEqualTo(405);
    }

    @Test
    void anOversizedRequestBodyIsRefused() throws Exception {
        var productpage = start("productpage");
        var response = send(HttpRequest.newBuilder(uri(productpage.port(), "/login"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[HttpService.MAX_REQUEST_BODY + 1])));
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void userTextIsEscapedInThePage() throws Exception {
        var productpage = start("productpage", "--details", "127.0.0.1:" + closedPort(),
                "--reviews", "127.0.0.1:" + closedPort());
        String body = get(productpage.port(), "/productpage", "Cookie", "user=%3Cscript%3E").body();
        assertThat(body).contains("&lt;script&gt; ( <a href=\"logout\">sign out</a> )").doesNotContain("<script>");
    }

    // ---- helpers ----

    private record Stack(BookinfoMain.Running productpage, BookinfoMain.Running details,
            BookinfoMain.Running reviews, BookinfoMain.Running ratings) {}

    /** All four services; {@code callerArgs} go to productpage and reviews (the two that call others). */
    private Stack stack(String reviewsVersion, String... callerArgs) throws IOException {
        var ratings = start("ratings");
        var details = start("details");
        var reviews = start(concat(new String[] {"reviews", "--version", reviewsVersion,
                "--ratings", "127.0.0.1:" + ratings.port()}, callerArgs));
        var productpage = start(concat(new String[] {"productpage",
                "--details", "127.0.0.1:" + details.port(),
                "--reviews", "127.0.0.1:" + reviews.port(),
                "--ratings", "127.0.0.1:" + ratings.port()}, callerArgs));
        return new Stack(productpage, details, reviews, ratings);
    }

    private BookinfoMain.Running start(String... args) throws IOException {
        var all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--bind", "127.0.0.1", "--port", "0", "--quiet"));
        var running = BookinfoMain.start(Settings.parse(all, Map.of()));
        started.add(running);
        return running;
    }

    private FakeServer track(FakeServer server) {
        started.add(server);
        return server;
    }

    private static String[] concat(String[] a, String[] b) {
        var out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(uri(port, path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(java.time.Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
