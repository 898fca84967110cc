package dev.weft.proxy.config;

import com.google.protobuf.Any;
import dev.weft.proxy.http.filter.CorsConfig;
import dev.weft.proxy.http.filter.FaultConfig;
import dev.weft.proxy.http.filter.HttpFilterConfig;
import dev.weft.proxy.http.filter.RouterConfig;
import dev.weft.proxy.route.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP filters this proxy has, by typed config type URL (one line each in {@link #parse}). An
 * unknown filter is refused unless marked {@code is_optional}, as Envoy does.
 */
final class HttpFilters {

    private static final String ROUTER_NAME = "envoy.filters.http.router";

    private HttpFilters() {
    }

    /** The filter's config, or empty for an optional filter this proxy does not have. */
    static Optional<HttpFilterConfig> parse(HttpFilter filter, String field) throws ConversionException {
        Protos.unsupported(filter.hasConfigDiscovery(), field + ".config_discovery");
        if (filter.getDisabled()) {
            return Optional.empty();
        }
        String typeUrl = filter.hasTypedConfig() ? filter.getTypedConfig().getTypeUrl() : "";
        if (typeUrl.isEmpty() && filter.getName().equals(ROUTER_NAME)) {
            typeUrl = RouterConfig.TYPE_URL;
        }
        return switch (typeUrl) {
            case RouterConfig.TYPE_URL -> Optional.of(new RouterConfig(filter.getName()));
            case FaultConfig.TYPE_URL -> Optional.of(fault(filter.getName(), filter.getTypedConfig(),
                    field + ".typed_config"));
            case CorsConfig.TYPE_URL -> Optional.of(new CorsConfig(filter.getName()));
            default -> {
                if (filter.getIsOptional()) {
                    yield Optional.empty();
                }
                throw new ConversionException(field + ": unsupported http filter '" + filter.getName() + "'"
                        + (typeUrl.isEmpty() ? " without typed_config" : " of type " + typeUrl)
                        + " (set is_optional to skip it)");
            }
        };
    }

    private static final String FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig";

    /**
     * One entry of a route's or virtual host's {@code typed_per_filter_config}: a config that
     * replaces the named filter's own for that route. Empty when there is nothing to apply (the
     * router's, or an optional one this proxy does not have).
     */
    static Optional<HttpFilterConfig> parsePerRoute(String filterName, Any config, String field)
            throws ConversionException {
        boolean optional = false;
        if (config.getTypeUrl().equals(FILTER_CONFIG)) {
            var wrapper = Protos.unpack(config, io.envoyproxy.envoy.config.route.v3.FilterConfig.class, field);
            if (wrapper.getDisabled()) {
                throw new ConversionException(field + ".disabled: disabling a filter per route is not supported "
                        + "by weft-proxy yet");
            }
            optional = wrapper.getIsOptional();
            config = wrapper.getConfig();
        }
        return switch (config.getTypeUrl()) {
            case FaultConfig.TYPE_URL -> Optional.of(fault(filterName, config, field));
            case CorsConfig.POLICY_TYPE_URL -> Optional.of(new CorsConfig(filterName,
                    Optional.of(corsPolicy(config, field))));
            case RouterConfig.TYPE_URL -> Optional.empty();
            default -> {
                if (optional) {
                    yield Optional.empty();
                }
                throw new ConversionException(field + ": per-route config of type " + config.getTypeUrl()
                        + " is not supported by weft-proxy yet");
            }
        };
    }

    static boolean isTerminal(HttpFilterConfig config) {
        return config instanceof RouterConfig;
    }

    private static FaultConfig fault(String name, Any typedConfig, String field) throws ConversionException {
        HTTPFault fault = Protos.unpack(typedConfig, HTTPFault.class, field);
        Protos.unsupported(fault.hasResponseRateLimit(), field + ".response_rate_limit");
        Protos.unsupported(fault.getDownstreamNodesCount() > 0, field + ".downstream_nodes");
        Optional<FaultConfig.Delay> delay = Optional.empty();
        if (fault.hasDelay()) {
            Protos.unsupported(fault.getDelay().hasHeaderDelay(), field + ".delay.header_delay");
            if (!fault.getDelay().hasFixedDelay()) {
                throw new ConversionException(field + ".delay.fixed_delay: required");
            }
            delay = Optional.of(new FaultConfig.Delay(Protos.duration(fault.getDelay().getFixedDelay()),
                    fraction(fault.getDelay().getPercentage())));
        }
        Optional<FaultConfig.Abort> abort = Optional.empty();
        if (fault.hasAbort()) {
            var faultAbort = fault.getAbort();
            Protos.unsupported(faultAbort.hasHeaderAbort(), field + ".abort.header_abort");
            Protos.unsupported(faultAbort.hasGrpcStatus(), field + ".abort.grpc_status");
            int status = faultAbort.getHttpStatus();
            if (status < 200 || status >= 600) {
                throw new ConversionException(field + ".abort.http_status: must be in [200, 600), not " + status);
            }
            abort = Optional.of(new FaultConfig.Abort(status, fraction(faultAbort.getPercentage())));
        }
        List<HeaderMatcher> headers = new ArrayList<>();
        for (int h = 0; h < fault.getHeadersCount(); h++) {
            headers.add(Matchers.header(fault.getHeaders(h), field + ".headers[" + h + "]"));
        }
        return new FaultConfig(name, delay, abort, headers,
                fault.hasMaxActiveFaults() ? Optional.of(fault.getMaxActiveFaults().getValue()) : Optional.empty(),
                fault.getUpstreamCluster());
    }

    private static CorsConfig.Policy corsPolicy(Any typedConfig, String field) throws ConversionException {
        var policy = Protos.unpack(typedConfig, io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.class,
                field);
        Protos.unsupported(policy.hasShadowEnabled(), field + ".shadow_enabled");
        Protos.unsupported(policy.hasAllowPrivateNetworkAccess() && policy.getAllowPrivateNetworkAccess().getValue(),
                field + ".allow_private_network_access");
        List<dev.weft.proxy.route.StringMatcher> origins = new ArrayList<>();
        for (int o = 0; o < policy.getAllowOriginStringMatchCount(); o++) {
            origins.add(Matchers.string(policy.getAllowOriginStringMatch(o), field + ".allow_origin_string_match[" + o + "]"));
        }
        FaultConfig.Fraction enabled = policy.hasFilterEnabled()
                ? fraction(policy.getFilterEnabled().getDefaultValue()) : new FaultConfig.Fraction(100, 100);
        return new CorsConfig.Policy(origins, policy.getAllowMethods(), policy.getAllowHeaders(),
                policy.getExposeHeaders(), policy.getMaxAge(),
                policy.hasAllowCredentials() && policy.getAllowCredentials().getValue(), enabled,
                !policy.hasForwardNotMatchingPreflights() || policy.getForwardNotMatchingPreflights().getValue());
    }

    private static FaultConfig.Fraction fraction(FractionalPercent percent) {
        int denominator = switch (percent.getDenominator()) {
            case TEN_THOUSAND -> 10_000;
            case MILLION -> 1_000_000;
            default -> 100;
        };
        return new FaultConfig.Fraction(percent.getNumerator(), denominator);
    }
}
