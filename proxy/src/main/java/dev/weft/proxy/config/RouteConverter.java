package dev.weft.proxy.config;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import dev.weft.proxy.route.ClusterSpecifier;
import dev.weft.proxy.route.HashPolicy;
import dev.weft.proxy.route.HeaderMatcher;
import dev.weft.proxy.route.HeaderMutation;
import dev.weft.proxy.route.MirrorPolicy;
import dev.weft.proxy.route.RegexRewrite;
import dev.weft.proxy.route.RetryPolicy;
import dev.weft.proxy.route.PathMatcher;
import dev.weft.proxy.route.QueryParameterMatcher;
import dev.weft.proxy.route.Route;
import dev.weft.proxy.route.RouteAction;
import dev.weft.proxy.route.RouteMatch;
import dev.weft.proxy.route.RouteTable;
import dev.weft.proxy.route.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * RouteConfiguration (RDS, or inline in a connection manager) to a {@link RouteTable}, with Envoy's
 * validation: unique domains, one path specifier per match, valid RE2 regexes, positive weight sums.
 * Match criteria this proxy cannot evaluate are refused, not ignored (ignoring one would make a
 * route match more than it says).
 */
public final class RouteConverter {

    /** Envoy's default route timeout. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private RouteConverter() {
    }

    public static RouteTable convert(RouteConfiguration config) throws ConversionException {
        if (config.hasVhds()) {
            // The only source here is the ADS stream; Envoy also requires it to be delta (AdsClient checks).
            Protos.unsupported(!config.getVhds().getConfigSource().hasAds(), "vhds.config_source (only ads is supported)");
        }
        return convert(config, List.of());
    }

    /**
     * A VirtualHost delivered by VHDS, converted once when it arrives (so a bad one is refused then):
     * its domains, routes and its own settings. The route configuration's settings (its header
     * mutations) are added when it is joined into its table ({@link #convert(RouteConfiguration, List)}).
     */
    public static VirtualHost vhdsVirtualHost(io.envoyproxy.envoy.config.route.v3.VirtualHost virtualHost)
            throws ConversionException {
        String field = "vhds virtual host " + virtualHost.getName();
        checkDomains(virtualHost, field);
        return virtualHost(virtualHost, field, Levels.NONE);
    }

    /**
     * VHDS: the route configuration's own virtual hosts, then {@code vhds} (those VHDS delivered,
     * converted by {@link #vhdsVirtualHost}), as one table; the route configuration's header
     * mutations apply to every route of both, after the route's and its virtual host's. Domains must
     * be unique across all of them.
     */
    public static RouteTable convert(RouteConfiguration config, List<VirtualHost> vhds) throws ConversionException {
        List<VirtualHost> virtualHosts = new ArrayList<>();
        Map<String, String> domainOwners = new HashMap<>();
        Levels global = new Levels(
                HeaderMutations.convert(config.getRequestHeadersToAddList(), config.getRequestHeadersToRemoveList(),
                        "request_headers"),
                HeaderMutations.convert(config.getResponseHeadersToAddList(), config.getResponseHeadersToRemoveList(),
                        "response_headers"),
                Optional.empty(), RouteAction.AttemptCount.NONE);
        for (int v = 0; v < config.getVirtualHostsCount(); v++) {
            var virtualHost = config.getVirtualHosts(v);
            String field = "virtual_hosts[" + v + "]";
            checkDomains(virtualHost, field);
            checkUnique(virtualHost.getName(), virtualHost.getDomainsList(), field, domainOwners);
            virtualHosts.add(virtualHost(virtualHost, field, global));
        }
        for (VirtualHost virtualHost : vhds) {
            checkUnique(virtualHost.name(), virtualHost.domains(), "vhds virtual host " + virtualHost.name(),
                    domainOwners);
            virtualHosts.add(virtualHost.withOutermostHeaders(global.request(), global.response()));
        }
        return new RouteTable(config.getName(), virtualHosts, config.hasVhds());
    }

    private static void checkDomains(io.envoyproxy.envoy.config.route.v3.VirtualHost virtualHost, String field)
            throws ConversionException {
        if (virtualHost.getDomainsCount() == 0) {
            throw new ConversionException(field + ".domains: at least one domain is required");
        }
        for (String domain : virtualHost.getDomainsList()) {
            if (domain.indexOf('*') > 0 && domain.indexOf('*') < domain.length() - 1 || domain.chars()
                    .filter(c -> c == '*').count() > 1) {
                throw new ConversionException(field + ".domains: '" + domain + "': a wildcard must be the "
                        + "first or the last character");
            }
        }
    }

    private static void checkUnique(String name, List<String> domains, String field, Map<String, String> owners)
            throws ConversionException {
        for (String domain : domains) {
            String previous = owners.putIfAbsent(domain.toLowerCase(Locale.ROOT), name);
            if (previous != null) {
                throw new ConversionException(field + ".domains: only unique values for domains are permitted; "
                        + "duplicate entry of domain " + domain + " (also in virtual host " + previous + ")");
            }
        }
    }

    private static VirtualHost virtualHost(io.envoyproxy.envoy.config.route.v3.VirtualHost virtualHost, String field,
            Levels global) throws ConversionException {
        Map<String, HttpFilterConfig> hostOverrides = overrides(virtualHost.getTypedPerFilterConfigMap(),
                field + ".typed_per_filter_config");
        Protos.unsupported(virtualHost.hasCors(), field + ".cors (deprecated: use typed_per_filter_config)");
        Protos.unsupported(virtualHost.hasHedgePolicy(), field + ".hedge_policy");
        Levels hostLevels = new Levels(
                HeaderMutations.convert(virtualHost.getRequestHeadersToAddList(),
                        virtualHost.getRequestHeadersToRemoveList(), field + ".request_headers"),
                HeaderMutations.convert(virtualHost.getResponseHeadersToAddList(),
                        virtualHost.getResponseHeadersToRemoveList(), field + ".response_headers"),
                virtualHost.hasRetryPolicy()
                        ? Optional.of(RetryPolicies.convert(virtualHost.getRetryPolicy(), field + ".retry_policy"))
                        : Optional.empty(),
                new RouteAction.AttemptCount(virtualHost.getIncludeRequestAttemptCount(),
                        virtualHost.getIncludeAttemptCountInResponse()));
        List<Route> routes = new ArrayList<>();
        for (int r = 0; r < virtualHost.getRoutesCount(); r++) {
            routes.add(route(virtualHost.getRoutes(r), field + ".routes[" + r + "]", hostOverrides, hostLevels,
                    global));
        }
        boolean requireTls = switch (virtualHost.getRequireTls()) {
            case NONE -> false;
            case ALL, EXTERNAL_ONLY -> true;
            case UNRECOGNIZED -> throw new ConversionException(field + ".require_tls: unknown value");
        };
        return new VirtualHost(virtualHost.getName(), virtualHost.getDomainsList(), routes, requireTls);
    }

    private static Map<String, HttpFilterConfig> overrides(Map<String, com.google.protobuf.Any> configs,
            String field) throws ConversionException {
        Map<String, HttpFilterConfig> result = new HashMap<>();
        for (var entry : new java.util.TreeMap<>(configs).entrySet()) {
            HttpFilters.parsePerRoute(entry.getKey(), entry.getValue(), field + "[" + entry.getKey() + "]")
                    .ifPresent(config -> result.put(entry.getKey(), config));
        }
        return result;
    }

    /** What a virtual host (or the route configuration) gives each of its routes. */
    private record Levels(HeaderMutation request, HeaderMutation response, Optional<RetryPolicy> retryPolicy,
            RouteAction.AttemptCount attemptCount) {

        /** A level that adds nothing (a VHDS virtual host's route configuration, until the join). */
        static final Levels NONE = new Levels(HeaderMutation.NONE, HeaderMutation.NONE, Optional.empty(),
                RouteAction.AttemptCount.NONE);
    }

    private static Route route(io.envoyproxy.envoy.config.route.v3.Route route, String field,
            Map<String, HttpFilterConfig> hostOverrides, Levels host, Levels global) throws ConversionException {
        Map<String, HttpFilterConfig> filterOverrides = new HashMap<>(hostOverrides);
        filterOverrides.putAll(overrides(route.getTypedPerFilterConfigMap(), field + ".typed_per_filter_config"));
        RouteMatch match = match(route.getMatch(), field + ".match");
        RouteAction action = switch (route.getActionCase()) {
            case ROUTE -> forward(route.getRoute(), field + ".route", host);
            case DIRECT_RESPONSE -> {
                var direct = route.getDirectResponse();
                if (direct.getStatus() < 200 || direct.getStatus() >= 600) {
                    throw new ConversionException(field + ".direct_response.status: must be in [200, 600), not "
                            + direct.getStatus());
                }
                var body = direct.getBody();
                String text = switch (body.getSpecifierCase()) {
                    case INLINE_STRING -> body.getInlineString();
                    case INLINE_BYTES -> body.getInlineBytes().toStringUtf8();
                    case SPECIFIER_NOT_SET -> "";
                    default -> throw new ConversionException(field + ".direct_response.body."
                            + body.getSpecifierCase().name().toLowerCase(Locale.ROOT)
                            + ": not supported by weft-proxy (inline_string, inline_bytes)");
                };
                if (text.length() > 4096) {
                    throw new ConversionException(field + ".direct_response.body: " + text.length()
                            + " bytes, more than Envoy's max_direct_response_body_size_bytes default 4096");
                }
                yield new RouteAction.DirectResponse(direct.getStatus(), text);
            }
            case REDIRECT -> Redirects.convert(route.getRedirect(), match.path(), field + ".redirect");
            case FILTER_ACTION, NON_FORWARDING_ACTION -> throw new ConversionException(field + "."
                    + route.getActionCase().name().toLowerCase(Locale.ROOT) + ": not supported by weft-proxy yet");
            case ACTION_NOT_SET -> throw new ConversionException(field + ": one of route, direct_response, "
                    + "redirect is required");
        };
        HeaderMutation request = HeaderMutations.convert(route.getRequestHeadersToAddList(),
                route.getRequestHeadersToRemoveList(), field + ".request_headers");
        HeaderMutation response = HeaderMutations.convert(route.getResponseHeadersToAddList(),
                route.getResponseHeadersToRemoveList(), field + ".response_headers");
        return new Route(route.getName(), match, action, filterOverrides,
                List.of(request, host.request(), global.request()),
                List.of(response, host.response(), global.response()));
    }

    private static RouteMatch match(io.envoyproxy.envoy.config.route.v3.RouteMatch match, String field)
            throws ConversionException {
        boolean caseSensitive = !match.hasCaseSensitive() || match.getCaseSensitive().getValue();
        PathMatcher path = switch (match.getPathSpecifierCase()) {
            case PREFIX -> new PathMatcher.Prefix(match.getPrefix(), caseSensitive);
            case PATH -> new PathMatcher.Exact(match.getPath(), caseSensitive);
            case SAFE_REGEX -> new PathMatcher.Regex(Matchers.regex(match.getSafeRegex(), field + ".safe_regex"));
            case PATH_SEPARATED_PREFIX -> new PathMatcher.SeparatedPrefix(match.getPathSeparatedPrefix(),
                    caseSensitive);
            case CONNECT_MATCHER, PATH_MATCH_POLICY -> throw new ConversionException(field + "."
                    + match.getPathSpecifierCase().name().toLowerCase(Locale.ROOT) + ": not supported by weft-proxy yet");
            case PATHSPECIFIER_NOT_SET -> throw new ConversionException(field + ": one of prefix, path, safe_regex, "
                    + "path_separated_prefix is required");
        };
        Protos.unsupported(match.hasRuntimeFraction(), field + ".runtime_fraction");
        Protos.unsupported(match.hasGrpc(), field + ".grpc");
        Protos.unsupported(match.getDynamicMetadataCount() > 0, field + ".dynamic_metadata");
        Protos.unsupported(match.getFilterStateCount() > 0, field + ".filter_state");
        Protos.unsupported(match.hasTlsContext(), field + ".tls_context");
        List<HeaderMatcher> headers = new ArrayList<>();
        for (int h = 0; h < match.getHeadersCount(); h++) {
            headers.add(Matchers.header(match.getHeaders(h), field + ".headers[" + h + "]"));
        }
        List<QueryParameterMatcher> queries = new ArrayList<>();
        for (int q = 0; q < match.getQueryParametersCount(); q++) {
            queries.add(Matchers.queryParameter(match.getQueryParameters(q), field + ".query_parameters[" + q + "]"));
        }
        return new RouteMatch(path, headers, queries);
    }

    private static RouteAction.Forward forward(io.envoyproxy.envoy.config.route.v3.RouteAction action, String field,
            Levels host) throws ConversionException {
        ClusterSpecifier target = switch (action.getClusterSpecifierCase()) {
            case CLUSTER -> {
                if (action.getCluster().isEmpty()) {
                    throw new ConversionException(field + ".cluster: must not be empty");
                }
                yield new ClusterSpecifier.Single(action.getCluster());
            }
            case WEIGHTED_CLUSTERS -> weighted(action.getWeightedClusters(), field + ".weighted_clusters");
            default -> throw new ConversionException(field + "."
                    + action.getClusterSpecifierCase().name().toLowerCase(Locale.ROOT)
                    + ": not supported by weft-proxy yet (cluster or weighted_clusters)");
        };
        Optional<RegexRewrite> regexRewrite = regexRewrite(action.hasRegexRewrite(), action.getRegexRewrite(),
                field + ".regex_rewrite");
        Protos.unsupported(action.hasPathRewritePolicy(), field + ".path_rewrite_policy");
        String prefixRewrite = action.getPrefixRewrite().isEmpty() ? null : action.getPrefixRewrite();
        if (prefixRewrite != null && regexRewrite.isPresent()) {
            throw new ConversionException(field + ": only one of prefix_rewrite and regex_rewrite may be set");
        }
        String hostRewrite = switch (action.getHostRewriteSpecifierCase()) {
            case HOST_REWRITE_LITERAL -> action.getHostRewriteLiteral();
            case HOSTREWRITESPECIFIER_NOT_SET -> null;
            default -> throw new ConversionException(field + "."
                    + action.getHostRewriteSpecifierCase().name().toLowerCase(Locale.ROOT)
                    + ": not supported by weft-proxy yet");
        };
        Duration timeout = action.hasTimeout() ? Protos.duration(action.getTimeout()) : DEFAULT_TIMEOUT;
        if (timeout.isNegative()) {
            throw new ConversionException(field + ".timeout: must not be negative");
        }
        Optional<RetryPolicy> retry = action.hasRetryPolicy()
                ? Optional.of(RetryPolicies.convert(action.getRetryPolicy(), field + ".retry_policy"))
                : host.retryPolicy();
        Protos.unsupported(action.hasHedgePolicy(), field + ".hedge_policy");
        List<MirrorPolicy> mirrors = new ArrayList<>();
        for (int m = 0; m < action.getRequestMirrorPoliciesCount(); m++) {
            mirrors.add(mirror(action.getRequestMirrorPolicies(m), field + ".request_mirror_policies[" + m + "]"));
        }
        List<HashPolicy> hashPolicies = new ArrayList<>();
        for (int h = 0; h < action.getHashPolicyCount(); h++) {
            hashPolicies.add(hashPolicy(action.getHashPolicy(h), field + ".hash_policy[" + h + "]"));
        }
        Optional<Duration> grpcTimeoutHeaderMax = action.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()
                ? Optional.of(Protos.duration(action.getMaxStreamDuration().getGrpcTimeoutHeaderMax()))
                : Optional.empty();
        return new RouteAction.Forward(target, prefixRewrite, hostRewrite, timeout, regexRewrite, retry,
                host.attemptCount(), mirrors, hashPolicies, grpcTimeoutHeaderMax);
    }

    static Optional<RegexRewrite> regexRewrite(boolean set,
            io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute rewrite, String field)
            throws ConversionException {
        if (!set) {
            return Optional.empty();
        }
        return Optional.of(RegexRewrite.of(Matchers.regex(rewrite.getPattern(), field + ".pattern").pattern(),
                rewrite.getSubstitution()));
    }

    private static MirrorPolicy mirror(io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy policy,
            String field) throws ConversionException {
        if (policy.getCluster().isEmpty()) {
            throw new ConversionException(field + ".cluster: must not be empty"
                    + (policy.getClusterHeader().isEmpty() ? "" : " (cluster_header is not supported yet)"));
        }
        Protos.unsupported(policy.hasTraceSampled() && policy.getTraceSampled().getValue(), field + ".trace_sampled");
        if (!policy.hasRuntimeFraction()) {
            return new MirrorPolicy(policy.getCluster(), 100, 100);
        }
        var percent = policy.getRuntimeFraction().getDefaultValue();
        int denominator = switch (percent.getDenominator()) {
            case TEN_THOUSAND -> 10_000;
            case MILLION -> 1_000_000;
            default -> 100;
        };
        return new MirrorPolicy(policy.getCluster(), percent.getNumerator(), denominator);
    }

    private static HashPolicy hashPolicy(io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy policy,
            String field) throws ConversionException {
        boolean terminal = policy.getTerminal();
        return switch (policy.getPolicySpecifierCase()) {
            case HEADER -> {
                Protos.unsupported(policy.getHeader().hasRegexRewrite(), field + ".header.regex_rewrite");
                if (policy.getHeader().getHeaderName().isEmpty()) {
                    throw new ConversionException(field + ".header.header_name: must not be empty");
                }
                yield new HashPolicy.Header(policy.getHeader().getHeaderName().toLowerCase(Locale.ROOT), terminal);
            }
            case COOKIE -> {
                var cookie = policy.getCookie();
                if (cookie.getName().isEmpty()) {
                    throw new ConversionException(field + ".cookie.name: must not be empty");
                }
                List<HashPolicy.CookieAttribute> attributes = new ArrayList<>();
                cookie.getAttributesList().forEach(a -> attributes.add(new HashPolicy.CookieAttribute(a.getName(),
                        a.getValue())));
                yield new HashPolicy.Cookie(cookie.getName(), cookie.hasTtl() ? Protos.duration(cookie.getTtl()) : null,
                        cookie.getPath(), attributes, terminal);
            }
            case CONNECTION_PROPERTIES -> {
                if (!policy.getConnectionProperties().getSourceIp()) {
                    throw new ConversionException(field + ".connection_properties.source_ip: must be true");
                }
                yield new HashPolicy.SourceIp(terminal);
            }
            case QUERY_PARAMETER -> {
                if (policy.getQueryParameter().getName().isEmpty()) {
                    throw new ConversionException(field + ".query_parameter.name: must not be empty");
                }
                yield new HashPolicy.QueryParameter(policy.getQueryParameter().getName(), terminal);
            }
            case FILTER_STATE, POLICYSPECIFIER_NOT_SET -> throw new ConversionException(field + "."
                    + policy.getPolicySpecifierCase().name().toLowerCase(Locale.ROOT)
                    + ": not supported by weft-proxy (header, cookie, connection_properties, query_parameter)");
        };
    }

    private static ClusterSpecifier.Weighted weighted(WeightedCluster weighted, String field)
            throws ConversionException {
        if (weighted.getClustersCount() == 0) {
            throw new ConversionException(field + ".clusters: at least one cluster is required");
        }
        List<ClusterSpecifier.WeightedCluster> targets = new ArrayList<>();
        long sum = 0;
        for (int c = 0; c < weighted.getClustersCount(); c++) {
            var cluster = weighted.getClusters(c);
            String clusterField = field + ".clusters[" + c + "]";
            if (cluster.getName().isEmpty()) {
                throw new ConversionException(clusterField + ".name: must not be empty"
                        + (cluster.getClusterHeader().isEmpty() ? "" : " (cluster_header is not supported yet)"));
            }
            int weight = cluster.hasWeight() ? cluster.getWeight().getValue() : 0;
            sum += weight;
            targets.add(new ClusterSpecifier.WeightedCluster(cluster.getName(), weight,
                    HeaderMutations.convert(cluster.getRequestHeadersToAddList(),
                            cluster.getRequestHeadersToRemoveList(), clusterField + ".request_headers"),
                    HeaderMutations.convert(cluster.getResponseHeadersToAddList(),
                            cluster.getResponseHeadersToRemoveList(), clusterField + ".response_headers")));
        }
        if (sum <= 0 || sum > Integer.MAX_VALUE) {
            throw new ConversionException(field + ": sum of weights in the weighted_cluster must be greater than 0"
                    + " and fit in 32 bits, not " + sum);
        }
        return ClusterSpecifier.Weighted.of(targets);
    }
}
