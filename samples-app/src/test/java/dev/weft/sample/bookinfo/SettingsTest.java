package dev.weft.sample.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreTheOriginals() {
        var s = Settings.parse(List.of("productpage"), Map.of());
        assertThat(s.port()).isEqualTo(9080);
        assertThat(s.details()).isEqualTo(new Settings.Endpoint("details", 9080));
        assertThat(s.reviews()).isEqualTo(new Settings.Endpoint("reviews", 9080));
        assertThat(s.ratings()).isEqualTo(new Settings.Endpoint("ratings", 9080));
        assertThat(s.proxy()).isNull();
    }

    @Test
    void readsTheOriginalsEnvironmentVariables() {
        var s = Settings.parse(List.of("productpage"), Map.of(
                "DETAILS_HOSTNAME", "details-v1", "SERVICES_DOMAIN", "default.svc.cluster.local",
                "REVIEWS_SERVICE_PORT", "9081", "PORT", "8000"));
        assertThat(s.details()).isEqualTo(new Settings.Endpoint("details-v1.default.svc.cluster.local", 9080));
        assertThat(s.reviews()).isEqualTo(new Settings.Endpoint("reviews.default.svc.cluster.local", 9081));
        assertThat(s.port()).isEqualTo(8000);
    }

    @Test
    void flagsWinOverTheEnvironment() {
        var s = Settings.parse(List.of("reviews", "--version", "v2", "--ratings", "127.0.0.1:7000", "--port=7001"),
                Map.of("RATINGS_HOSTNAME", "elsewhere", "SERVICE_VERSION", "v3", "STAR_COLOR", "blue"));
        assertThat(s.ratings()).isEqualTo(new Settings.Endpoint("127.0.0.1", 7000));
        assertThat(s.port()).isEqualTo(7001);
        assertThat(s.ratingsEnabled()).isTrue();
        assertThat(s.starColor()).isEqualTo("blue"); // STAR_COLOR overrides what the version implies
    }

    @Test
    void theReviewsVersionPicksRatingsAndColorAndTheRatingsTimeout() {
        var v1 = Settings.parse(List.of("reviews", "--version", "v1"), Map.of());
        var v2 = Settings.parse(List.of("reviews", "--version", "v2"), Map.of());
        var v3 = Settings.parse(List.of("reviews"), Map.of("SERVICE_VERSION", "v3"));
        assertThat(v1.ratingsEnabled()).isFalse();
        assertThat(v2.ratingsEnabled()).isTrue();
        assertThat(v2.starColor()).isEqualTo("black");
        assertThat(v2.upstreamTimeout()).hasMillis(10_000);
        assertThat(v3.starColor()).isEqualTo("red");
        assertThat(v3.upstreamTimeout()).hasMillis(2_500);
        // The original image for v1 is the same program with ENABLE_RATINGS unset.
        assertThat(Settings.parse(List.of("reviews"), Map.of("ENABLE_RATINGS", "TRUE")).ratingsEnabled()).isTrue();
    }

    @Test
    void theOriginalsPositionalPortIsAccepted() {
        assertThat(Settings.parse(List.of("details", "9082"), Map.of()).port()).isEqualTo(9082);
    }

    @Test
    void mistakesAreReportedInWords() {
        assertThatThrownBy(() -> Settings.parse(List.of(), Map.of())).hasMessage("name the service to run");
        assertThatThrownBy(() -> Settings.parse(List.of("frontpage"), Map.of()))
                .hasMessage("unknown service 'frontpage': expected productpage, details, reviews or ratings");
        assertThatThrownBy(() -> Settings.parse(List.of("reviews", "--version", "v4"), Map.of()))
                .hasMessage("reviews has no version 'v4': expected one of [v1, v2, v3]");
        assertThatThrownBy(() -> Settings.parse(List.of("ratings", "--version", "v2"), Map.of()))
                .hasMessageStartingWith("ratings has no version 'v2'");
        assertThatThrownBy(() -> Settings.parse(List.of("details", "--port", "70000"), Map.of()))
                .hasMessage("--port: '70000' is not a number from 0 to 65535");
        assertThatThrownBy(() -> Settings.parse(List.of("details", "--colour", "red"), Map.of()))
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> Settings.parse(List.of("details", "--port"), Map.of()))
                .hasMessage("option --port needs a value");
        assertThatThrownBy(() -> Settings.parse(List.of("productpage"), Map.of("HTTP_PROXY", "https://proxy:3128")))
                .hasMessage("proxy 'https://proxy:3128': only an http:// proxy is supported");
    }

    @Test
    void theProxyComesFromTheStandardVariablesAndNoProxyBypassesIt() {
        var s = Settings.parse(List.of("productpage"),
                Map.of("HTTP_PROXY", "http://127.0.0.1:15001", "NO_PROXY", "localhost,.example.com"));
        var proxy = s.proxy();
        assertThat(proxy.describe()).isEqualTo("http://127.0.0.1:15001");
        List<Proxy> viaProxy = proxy.select(URI.create("http://reviews:9080/reviews/0"));
        assertThat(viaProxy.getFirst().type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(viaProxy.getFirst().address().toString()).endsWith(":15001");
        assertThat(proxy.select(URI.create("http://localhost:9080/"))).containsExactly(Proxy.NO_PROXY);
        assertThat(proxy.select(URI.create("http://api.example.com/"))).containsExactly(Proxy.NO_PROXY);
        assertThat(proxy.select(URI.create("http://example.com/"))).containsExactly(Proxy.NO_PROXY);
        assertThat(proxy.select(URI.create("http://notexample.com/")).getFirst().type()).isEqualTo(Proxy.Type.HTTP);
        assertThat(proxy.select(URI.create("https://reviews/"))).containsExactly(Proxy.NO_PROXY);
        // lower case is read first, as curl and Python do
        assertThat(Settings.parse(List.of("reviews"), Map.of("http_proxy", "10.0.0.1:3128", "HTTP_PROXY", "x:1"))
                .proxy().describe()).isEqualTo("http://10.0.0.1:3128");
    }
}
