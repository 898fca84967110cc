package dev.weft.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5's "Done means" scenario, shared by both modes of {@code weft up}: {@code weft up} run as
 * a new user runs it (a subprocess from the built artifact), on its own random loopback range, then
 * Istio's Bookinfo tasks with Istio's own YAML through the ingress gateway: request routing (all
 * v1; jason to v2), traffic shifting (50% v3), fault injection (the 7 s ratings delay for jason ends
 * in productpage's own timeout; the abort shows the ratings error), request timeouts (0.5 s on
 * reviews against a 2 s ratings delay), retries (per-try timeouts counted), circuit breaking (productpage at the gateway) and mirroring
 * (reviews v1 mirrored to v2), and {@code weft down} leaves no process behind. Subclasses add the
 * mode's own flags ({@link #modeArgs}) and checks (order 7, and 21+ after {@code weft down}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
abstract class BookinfoScenario {

  static final Duration START = Duration.ofSeconds(240);
  static final Duration CONFIG = Duration.ofSeconds(60);
  static final Path NETWORKING = Weft.ROOT.resolve("samples/bookinfo/networking");

  /** Under target/, kept after the run: the processes' logs are what explains a failure. */
  protected Path tmp;
  protected Path runDir;
  protected Process up;
  protected Process weftRun;
  private Path upLog;
  private String gateway;
  private String server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What the reviews part of a product page shows. */
  enum Reviews { NO_STARS, BLACK, RED, UNAVAILABLE, RATINGS_UNAVAILABLE, OTHER }

  /** The flags of this mode ({@code --transparent}...), after the common ones. */
  abstract List<String> modeArgs();

  /** Skips the class (JUnit Assumptions) when this machine cannot run the mode. */
  void assumeCanRun() {}

  @BeforeAll
  void up() throws Exception {
    assumeCanRun();
    tmp = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("weft-up-" + System.currentTimeMillis()));
    runDir = tmp.resolve("run");
    upLog = tmp.resolve("up.log");
    // A range of our own: neither another test run nor a user's mesh uses it.
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String prefix = "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 255) + ".";
    String mesh = prefix + "1";
    gateway = "http://" + mesh + ":8080";
    server = "http://" + mesh + ":15014";
    List<String> args = new ArrayList<>(List.of("up", "--run-dir", runDir.toString(), "--ip-range", prefix + "0/24",
        "--controlplane-address", mesh, "--gateway-address", mesh, "--start-timeout", "200"));
    args.addAll(modeArgs());
    up = Weft.start(upLog, args.toArray(String[]::new));
    long deadline = System.nanoTime() + START.toNanos();
    while (!log().contains("Product page:")) {
      assertThat(up.isAlive()).as("weft up exited early:\n%s", log()).isTrue();
      assertThat(System.nanoTime() < deadline).as("weft up not ready in %s:\n%s", START, log()).isTrue();
      Thread.sleep(250);
    }
    afterUp();
  }

  /** Called once {@code weft up} is ready. */
  void afterUp() throws Exception {}

  /** Called last, whatever happened: removes what the mode made if {@code weft down} did not. */
  void cleanUpMode() throws Exception {}

  String log() throws IOException {
    return Files.readString(upLog);
  }

  @AfterAll
  void down() throws Exception {
    if (weftRun != null && weftRun.isAlive()) {
      weftRun.toHandle().descendants().forEach(ProcessHandle::destroy);
      weftRun.destroy();
    }
    if (up != null && up.isAlive()) {
      Weft.run(Duration.ofSeconds(180), "down", "--run-dir", runDir.toString());
      if (up.isAlive()) {
        up.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        up.destroyForcibly();
      }
    }
    cleanUpMode();
  }

  HttpResponse<String> productPage(String user) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + "/productpage")).timeout(Duration.ofSeconds(30));
    if (user != null) {
      b.header("Cookie", "user=" + user);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static Reviews reviews(String page) {
    if (page.contains("Sorry, product reviews are currently unavailable")) {
      return Reviews.UNAVAILABLE;
    }
    if (page.contains("Ratings service is currently unavailable")) {
      return Reviews.RATINGS_UNAVAILABLE;
    }
    boolean black = page.contains("<font color=\"black\">");
    boolean red = page.contains("<font color=\"red\">");
    if (black == red) {
      return black ? Reviews.OTHER : page.contains("Reviewer1") ? Reviews.NO_STARS : Reviews.OTHER;
    }
    return black ? Reviews.BLACK : Reviews.RED;
  }

  private Reviews reviewsFor(String user) throws IOException, InterruptedException {
    HttpResponse<String> r = productPage(user);
    assertThat(r.statusCode()).as("product page for %s", user).isEqualTo(200);
    return reviews(r.body());
  }

  private void apply(String... files) throws Exception {
    List<String> args = new ArrayList<>(List.of("apply", "--server", server));
    for (String f : files) {
      args.add("-f");
      args.add(NETWORKING.resolve(f).toString());
    }
    Weft.Result r = Weft.run(Duration.ofSeconds(60), args.toArray(String[]::new));
    assertThat(r.exit()).as("weft apply: %s", r.output()).isZero();
  }

  /** Waits (bounded) until {@code times} pages in a row for {@code user} satisfy {@code expected}. */
  private void eventually(String user, int times, Predicate<Reviews> expected, String what) throws Exception {
    long deadline = System.nanoTime() + CONFIG.toNanos();
    int inRow = 0;
    Reviews last = null;
    while (inRow < times) {
      assertThat(System.nanoTime() < deadline).as("%s: last page showed %s", what, last).isTrue();
      last = reviewsFor(user);
      inRow = expected.test(last) ? inRow + 1 : 0;
    }
  }

  @Test
  @Order(1)
  void productPageThroughTheGatewayFromEveryReviewsVersion() throws Exception {
    HttpResponse<String> r = productPage(null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("The Comedy of Errors", "Book Details");
    // No VirtualService yet: reviews round-robins over v1, v2 and v3.
    EnumMap<Reviews, Integer> seen = new EnumMap<>(Reviews.class);
    for (int i = 0; i < 30 && seen.size() < 3; i++) {
      seen.merge(reviewsFor(null), 1, Integer::sum);
    }
    assertThat(seen).containsOnlyKeys(Reviews.NO_STARS, Reviews.BLACK, Reviews.RED);
  }

  @Test
  @Order(2)
  void allV1() throws Exception {
    apply("destination-rule-all.yaml", "virtual-service-all-v1.yaml");
    eventually(null, 10, r -> r == Reviews.NO_STARS, "virtual-service-all-v1: no stars");
  }

  @Test
  @Order(3)
  void jasonToV2() throws Exception {
    apply("virtual-service-reviews-test-v2.yaml");
    eventually("jason", 5, r -> r == Reviews.BLACK, "reviews-test-v2: jason sees black stars");
    for (int i = 0; i < 5; i++) {
      assertThat(reviewsFor(null)).isEqualTo(Reviews.NO_STARS);
      assertThat(reviewsFor("someone")).isEqualTo(Reviews.NO_STARS);
    }
  }

  @Test
  @Order(4)
  void fiftyPercentV3() throws Exception {
    apply("virtual-service-reviews-50-v3.yaml");
    eventually(null, 1, r -> r == Reviews.RED, "reviews-50-v3: some red stars");
    Map<Reviews, Integer> counts = new EnumMap<>(Reviews.class);
    for (int i = 0; i < 400; i++) {
      counts.merge(reviewsFor(null), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys(Reviews.NO_STARS, Reviews.RED);
    // Binomial(400, 0.5): sd 10; 120..280 is 8 sd either side, never a flake, yet far from all-or-nothing.
    assertThat(counts.get(Reviews.RED)).isBetween(120, 280);
  }

  @Test
  @Order(5)
  void delayForJasonEndsInProductpagesOwnTimeout() throws Exception {
    // Istio's fault-injection task: all v1, jason to v2, then a 7 s ratings delay for jason. reviews
    // v2 waits 10 s for ratings, but productpage gives up on reviews after 3 s + one retry: jason
    // sees "Sorry, product reviews are currently unavailable for this book."
    apply("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-delay.yaml");
    eventually("jason", 1, r -> r == Reviews.UNAVAILABLE, "ratings-test-delay: jason's reviews time out");
    long t0 = System.nanoTime();
    assertThat(reviewsFor("jason")).isEqualTo(Reviews.UNAVAILABLE);
    // About 6 s (two 3 s attempts); bounded loosely below only: the machine may be slow, never fast.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(5_500));
    assertThat(reviewsFor(null)).isEqualTo(Reviews.NO_STARS);
  }

  @Test
  @Order(6)
  void abortForJasonShowsTheRatingsError() throws Exception {
    apply("virtual-service-ratings-test-abort.yaml");
    eventually("jason", 3, r -> r == Reviews.RATINGS_UNAVAILABLE, "ratings-test-abort: jason sees the ratings error");
    assertThat(reviewsFor(null)).isEqualTo(Reviews.NO_STARS);
  }

  /** Inline YAML (Istio's tasks show some of theirs inline) as a file to apply, as a user would. */
  private String yamlFile(String name, String yaml) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, yaml);
    return file.toString();
  }

  private static final String REVIEWS_V2_RATINGS_DELAY = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v2}
          %s
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: ratings}
      spec:
        hosts: [ratings]
        http:
        - fault:
            delay: {percentage: {value: 100}, fixedDelay: 2s}
          route:
          - destination: {host: ratings, subset: v1}
      """;

  @Test
  @Order(10)
  void requestTimeoutOnReviewsShowsReviewsUnavailable() throws Exception {
    // Istio's "Request Timeouts" task: reviews to v2, a 2 s delay on ratings: black stars after 2 s;
    // then a 0.5 s timeout on the reviews route: the sidecar answers 504 (UT) before ratings does,
    // and productpage shows "Sorry, product reviews are currently unavailable for this book."
    apply("virtual-service-all-v1.yaml", yamlFile("reviews-v2-ratings-delay.yaml", REVIEWS_V2_RATINGS_DELAY.formatted("")));
    eventually(null, 2, r -> r == Reviews.BLACK, "ratings delay 2 s, no timeout: black stars");
    apply(yamlFile("reviews-timeout.yaml", REVIEWS_V2_RATINGS_DELAY.formatted("timeout: 0.5s")));
    eventually(null, 3, r -> r == Reviews.UNAVAILABLE, "reviews timeout 0.5 s: reviews unavailable");
  }

  @Test
  @Order(11)
  void circuitBreakerOnProductpageAnswers503Overflow() throws Exception {
    // Istio's "Circuit Breaking" task, on productpage at the gateway: one connection, one pending
    // request; 10 concurrent clients (each page takes about 1 s with the delay above) overflow it.
    apply(yamlFile("productpage-circuit-breaker.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: productpage}
        spec:
          host: productpage
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 1}
              http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
          subsets:
          - {name: v1, labels: {version: v1}}
        """));
    long deadline = System.nanoTime() + CONFIG.toNanos();
    int overflow = 0;
    int ok = 0;
    while (overflow == 0 || ok == 0) {
      assertThat(System.nanoTime() < deadline).as("no 503 UO among concurrent requests (ok %d)", ok).isTrue();
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway + "/productpage")).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (var f : inFlight) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        if (r.statusCode() == 503 && r.headers().firstValue("x-weft-response-flags").orElse("").contains("UO")) {
          overflow++;
        } else if (r.statusCode() == 200) {
          ok++;
        }
      }
    }
  }

  @Test
  @Order(12)
  void mirrorSendsACopyToV2WhileThePageShowsV1() throws Exception {
    // Istio's "Mirroring" task on reviews: all traffic to v1, a copy of each request to v2 (and
    // productpage's DestinationRule back as the walkthrough had it, without the circuit breaker).
    apply("destination-rule-all.yaml", "virtual-service-all-v1.yaml", yamlFile("reviews-mirror.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
            mirror: {host: reviews, subset: v2}
            mirrorPercentage: {value: 100}
        """));
    Path v2Log = runDir.resolve("logs/reviews-v2.log");
    long deadline = System.nanoTime() + CONFIG.toNanos();
    long before = reviewsRequests(v2Log);
    int pages = 0;
    while (reviewsRequests(v2Log) < before + 3) {
      assertThat(System.nanoTime() < deadline).as("reviews v2 got no mirrored copies (%d pages)", pages).isTrue();
      assertThat(reviewsFor(null)).isEqualTo(Reviews.NO_STARS); // the answer is v1's, never the mirror's
      pages++;
    }
  }

  @Test
  @Order(13)
  void retriesOnReviewsAreCountedByProductpagesSidecar() throws Exception {
    // The walkthrough's "Retries" step: reviews v2 with a 2 s ratings delay, each try cut at 0.5 s
    // and retried on gateway errors (a per-try timeout is one, as in Envoy): the page shows
    // reviews unavailable and productpage's sidecar counts the retries on the reviews v2 cluster.
    apply("virtual-service-all-v1.yaml", yamlFile("reviews-retries.yaml",
        REVIEWS_V2_RATINGS_DELAY.formatted("retries: {attempts: 2, perTryTimeout: 0.5s, retryOn: gateway-error}")));
    eventually(null, 2, r -> r == Reviews.UNAVAILABLE, "reviews retries with per-try timeout 0.5 s: reviews unavailable");
    String admin = new ObjectMapper().readTree(runDir.resolve("state/mesh.json").toFile()).get("processes").valueStream()
        .filter(p -> p.get("name").asText().equals("productpage-v1-sidecar")).findFirst().orElseThrow().get("address").asText();
    String stats = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + ":15000/stats")).timeout(Duration.ofSeconds(10)).GET()
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    String name = "cluster.outbound|9080|v2|reviews.default.svc.cluster.local.upstream_rq_retry:";
    long retries = stats.lines().filter(l -> l.startsWith(name)).mapToLong(l -> Long.parseLong(l.substring(name.length()).strip()))
        .sum();
    assertThat(retries).as("%s in productpage's sidecar stats", name).isGreaterThan(0);
  }

  private static long reviewsRequests(Path log) throws IOException {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("GET /reviews/")).count();
    }
  }

  @Test
  @Order(20)
  void statusThenDownLeavesNoProcess() throws Exception {
    Weft.Result status = Weft.run(Duration.ofSeconds(60), "status", "--run-dir", runDir.toString());
    assertThat(status.exit()).as(status.output()).isZero();
    assertThat(status.output()).contains("productpage-v1-sidecar", "istio-ingressgateway", "controlplane");

    JsonNode state = new ObjectMapper().readTree(runDir.resolve("state/mesh.json").toFile());
    List<Long> pids = new ArrayList<>();
    state.get("processes").forEach(p -> pids.add(p.get("pid").asLong()));
    pids.add(state.get("supervisorPid").asLong());
    assertThat(pids).hasSize(15); // control plane, gateway, 6 applications, 6 sidecars, weft up itself
    Path hello = runDir.resolve("state/hello.json");
    if (Files.exists(hello)) { // weft run: its program, its sidecar, itself
      JsonNode run = new ObjectMapper().readTree(hello.toFile());
      run.get("processes").forEach(p -> pids.add(p.get("pid").asLong()));
      pids.add(run.get("supervisorPid").asLong());
      assertThat(status.output()).contains("hello-sidecar");
    }

    Weft.Result down = Weft.run(Duration.ofSeconds(180), "down", "--run-dir", runDir.toString());
    assertThat(down.exit()).as(down.output()).isZero();
    assertThat(up.waitFor(30, TimeUnit.SECONDS)).as("weft up exits after weft down").isTrue();
    if (weftRun != null) {
      assertThat(weftRun.waitFor(30, TimeUnit.SECONDS)).as("weft run exits after weft down").isTrue();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d after weft down", pid).isEmpty();
    }
    assertThat(runDir.resolve("state/mesh.json")).doesNotExist();
  }

  static boolean sleep() throws InterruptedException {
    Thread.sleep(250);
    return true;
  }
}
