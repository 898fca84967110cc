package dev.weft.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Virtual host selection and route matching with Envoy's rules. */
class RouteTableTest {

    /** A request as route matching sees it. */
    record Request(String authority, String path, String method, Map<String, List<String>> headers,
            Map<String, List<String>> query) implements RequestView {

        static Request of(String host, String path) {
            return new Request(host, path, "GET", new HashMap<>(), new HashMap<>());
        }

        Request header(String name, String... values) {
            headers.put(name, List.of(values));
            return this;
        }

        Request query(String name, String... values) {
            query.put(name, List.of(values));
            return this;
        }

        @Override
        public List<String> headerValues(String lowerCaseName) {
            return headers.getOrDefault(lowerCaseName, List.of());
        }

        @Override
        public List<String> queryValues(String name) {
            return query.getOrDefault(name, List.of());
        }
    }

    private static Route to(String cluster, PathMatcher path, HeaderMatcher... headers) {
        return new Route("", new RouteMatch(path, List.of(headers), List.of()),
                new RouteAction.Forward(new ClusterSpecifier.Single(cluster), null, null, Duration.ofSeconds(15)));
    }

    private static VirtualHost host(String name, String... domains) {
        return new VirtualHost(name, List.of(domains), List.of(to(name, new PathMatcher.Prefix("", true))));
    }

    private static Optional<String> virtualHost(RouteTable table, String host) {
        return table.virtualHost(host).map(VirtualHost::name);
    }

    @Test
    void domainsExactThenLongestSuffixThenLongestPrefixThenAny() {
        RouteTable table = new RouteTable("r", List.of(
                host("exact", "api.example.com"),
                host("suffix-short", "*.com"),
                host("suffix-long", "*.example.com"),
                host("suffix-dash", "*-bar.example.com"),
                host("prefix-short", "api.*"),
                host("prefix-long", "api.example.*"),
                host("any", "*")));

        assertThat(virtualHost(table, "api.example.com")).contains("exact");
        assertThat(virtualHost(table, "API.Example.COM")).contains("exact");
        assertThat(virtualHost(table, "www.example.com")).contains("suffix-long");
        assertThat(virtualHost(table, "foo-bar.example.com")).contains("suffix-dash");
        assertThat(virtualHost(table, "foo.org.com")).contains("suffix-short");
        assertThat(virtualHost(table, "api.example.org")).contains("prefix-long");
        assertThat(virtualHost(table, "api.other.org")).contains("prefix-short");
        assertThat(virtualHost(table, "elsewhere")).contains("any");
        // A wildcard stands for at least one character.
        assertThat(virtualHost(table, ".example.com")).contains("suffix-short");
    }

    @Test
    void withoutACatchAllAnUnknownHostHasNoVirtualHostAndThePortCountsUnlessStripped() {
        RouteTable table = new RouteTable("r", List.of(host("a", "a.example.com"), host("a-port", "a.example.com:8080")));
        assertThat(virtualHost(table, "b.example.com")).isEmpty();
        assertThat(virtualHost(table, "a.example.com:8080")).contains("a-port");
        assertThat(virtualHost(table, "a.example.com:9090")).isEmpty();
        assertThat(table.route(Request.of("a.example.com:9090", "/"), true).map(Route::action)
                .map(RouteAction::clusters)).contains(List.of("a"));
        assertThat(RouteTable.withoutPort("[::1]:80")).isEqualTo("[::1]");
        assertThat(RouteTable.withoutPort("[::1]")).isEqualTo("[::1]");
    }

    @Test
    void pathMatchersPrefixExactRegexAndCase() {
        assertThat(new PathMatcher.Prefix("/api", true).matches("/api/v1")).isTrue();
        assertThat(new PathMatcher.Prefix("/api", true).matches("/API/v1")).isFalse();
        assertThat(new PathMatcher.Prefix("/api", false).matches("/API/v1")).isTrue();
        assertThat(new PathMatcher.Exact("/login", true).matches("/login")).isTrue();
        assertThat(new PathMatcher.Exact("/login", true).matches("/login/")).isFalse();
        assertThat(new PathMatcher.SeparatedPrefix("/api", true).matches("/api")).isTrue();
        assertThat(new PathMatcher.SeparatedPrefix("/api", true).matches("/api/x")).isTrue();
        assertThat(new PathMatcher.SeparatedPrefix("/api", true).matches("/apix")).isFalse();
        // safe_regex matches the whole path, not a substring.
        PathMatcher regex = new PathMatcher.Regex(new StringMatcher.Regex(Pattern.compile("/users/[0-9]+")));
        assertThat(regex.matches("/users/42")).isTrue();
        assertThat(regex.matches("/users/42/edit")).isFalse();
    }

    @Test
    void firstMatchingRouteWinsWithHeadersAndQueryParameters() {
        HeaderMatcher canary = new HeaderMatcher("x-canary", new HeaderMatcher.Value(
                new StringMatcher.Exact("yes", false)), false, false);
        Route withHeader = to("canary", new PathMatcher.Prefix("/", true), canary);
        Route withQuery = new Route("", new RouteMatch(new PathMatcher.Prefix("/", true), List.of(),
                List.of(new QueryParameterMatcher("debug", new StringMatcher.Exact("1", false)))),
                new RouteAction.Forward(new ClusterSpecifier.Single("debug"), null, null, Duration.ZERO));
        Route fallback = to("stable", new PathMatcher.Prefix("/", true));
        VirtualHost virtualHost = new VirtualHost("v", List.of("*"), List.of(withHeader, withQuery, fallback));

        assertThat(virtualHost.route(Request.of("h", "/").header("x-canary", "yes"))).contains(withHeader);
        assertThat(virtualHost.route(Request.of("h", "/").header("x-canary", "no"))).contains(fallback);
        assertThat(virtualHost.route(Request.of("h", "/").query("debug", "1"))).contains(withQuery);
        assertThat(virtualHost.route(Request.of("h", "/").query("debug", "2"))).contains(fallback);
    }

    @Test
    void headerMatchersFollowEnvoysMissingHeaderAndInvertRules() {
        HeaderMatcher.Value exact = new HeaderMatcher.Value(new StringMatcher.Exact("v", false));
        assertThat(new HeaderMatcher("h", exact, false, false).matches(List.of())).isFalse();
        assertThat(new HeaderMatcher("h", exact, true, false).matches(List.of())).isFalse();
        assertThat(new HeaderMatcher("h", exact, true, false).matches(List.of("w"))).isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Present(false), false, false).matches(List.of())).isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Present(true), true, false).matches(List.of())).isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Present(true), false, false).matches(List.of("")))
                .isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Value(new StringMatcher.Exact("", false)), false, true)
                .matches(List.of())).isTrue();
        // Several values of one header are joined with ',' first.
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Value(new StringMatcher.Exact("a,b", false)), false,
                false).matches(List.of("a", "b"))).isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Range(10, 20), false, false).matches(List.of("19")))
                .isTrue();
        assertThat(new HeaderMatcher("h", new HeaderMatcher.Range(10, 20), false, false).matches(List.of("20")))
                .isFalse();
    }

    @Test
    void weightedClustersPickByCumulativeWeight() {
        ClusterSpecifier.Weighted weighted = ClusterSpecifier.Weighted.of(List.of(
                new ClusterSpecifier.WeightedCluster("a", 90), new ClusterSpecifier.WeightedCluster("b", 10)));
        assertThat(weighted.totalWeight()).isEqualTo(100);
        assertThat(weighted.pick(bound -> 0)).isEqualTo("a");
        assertThat(weighted.pick(bound -> 89)).isEqualTo("a");
        assertThat(weighted.pick(bound -> 90)).isEqualTo("b");
        assertThat(weighted.pick(bound -> 99)).isEqualTo("b");
        // Zero-weight members never receive traffic.
        ClusterSpecifier.Weighted withZero = ClusterSpecifier.Weighted.of(List.of(
                new ClusterSpecifier.WeightedCluster("zero", 0), new ClusterSpecifier.WeightedCluster("all", 3)));
        for (int point = 0; point < 3; point++) {
            int p = point;
            assertThat(withZero.pick(bound -> p)).isEqualTo("all");
        }
    }
}
