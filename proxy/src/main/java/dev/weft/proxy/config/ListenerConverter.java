package dev.weft.proxy.config;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** LDS Listener (with its HTTP connection managers) to {@link ListenerConfig}. */
public final class ListenerConverter {

    static final String HCM_NAME = "envoy.filters.network.http_connection_manager";
    static final String HCM_TYPE_URL = "type.googleapis.com/"
            + HttpConnectionManager.getDescriptor().getFullName();

    private ListenerConverter() {
    }

    public static ListenerConfig convert(Listener listener) throws ConversionException {
        if (listener.hasApiListener()) {
            // For proxyless gRPC clients; nothing to bind.
            return new ListenerConfig(listener.getName(), "", 0, false, List.of());
        }
        if (!listener.hasAddress() || !listener.getAddress().hasSocketAddress()) {
            throw new ConversionException("address.socket_address: required");
        }
        var socket = listener.getAddress().getSocketAddress();
        if (socket.getAddress().isEmpty()) {
            throw new ConversionException("address.socket_address.address: required");
        }
        Protos.unsupported(socket.hasNamedPort() || !socket.getResolverName().isEmpty(),
                "address.socket_address.named_port/resolver_name");
        if (socket.getPortValue() > 65535) {
            throw new ConversionException("address.socket_address.port_value: must be at most 65535, not "
                    + socket.getPortValue());
        }
        List<ListenerConfig.FilterChainConfig> chains = new ArrayList<>();
        for (int c = 0; c < listener.getFilterChainsCount(); c++) {
            chains.add(chain(listener.getFilterChains(c), "filter_chains[" + c + "]"));
        }
        if (listener.hasDefaultFilterChain()) {
            chains.add(chain(listener.getDefaultFilterChain(), "default_filter_chain"));
        }
        boolean bind = !listener.hasBindToPort() || listener.getBindToPort().getValue();
        return new ListenerConfig(listener.getName(), socket.getAddress(), socket.getPortValue(), bind, chains);
    }

    private static ListenerConfig.FilterChainConfig chain(FilterChain chain, String field)
            throws ConversionException {
        Optional<HttpConnectionManagerConfig> http = Optional.empty();
        for (int f = 0; f < chain.getFiltersCount(); f++) {
            Filter filter = chain.getFilters(f);
            boolean isHcm = filter.hasTypedConfig() ? filter.getTypedConfig().getTypeUrl().equals(HCM_TYPE_URL)
                    : filter.getName().equals(HCM_NAME);
            if (isHcm && http.isEmpty()) {
                String hcmField = field + ".filters[" + f + "].typed_config";
                http = Optional.of(http(Protos.unpack(filter.getTypedConfig(), HttpConnectionManager.class, hcmField),
                        hcmField));
            }
        }
        var tls = chain.hasTransportSocket() ? TlsConverter.downstream(chain.getTransportSocket(), field + ".transport_socket")
                : Optional.<dev.weft.proxy.tls.TlsContextConfig>empty();
        return new ListenerConfig.FilterChainConfig(chain.getName(), http,
                chain.getFilterChainMatch().getServerNamesList(), tls);
    }

    static HttpConnectionManagerConfig http(HttpConnectionManager hcm, String field) throws ConversionException {
        RouteSource routes = switch (hcm.getRouteSpecifierCase()) {
            case RDS -> {
                if (hcm.getRds().getRouteConfigName().isEmpty()) {
                    throw new ConversionException(field + ".rds.route_config_name: must not be empty");
                }
                yield new RouteSource.Rds(hcm.getRds().getRouteConfigName());
            }
            case ROUTE_CONFIG -> {
                try {
                    yield new RouteSource.Inline(RouteConverter.convert(hcm.getRouteConfig()));
                } catch (ConversionException e) {
                    throw e.under(field + ".route_config");
                }
            }
            case SCOPED_ROUTES -> throw new ConversionException(field + ".scoped_routes: not supported by weft-proxy yet");
            case ROUTESPECIFIER_NOT_SET -> throw new ConversionException(field + ": one of rds or route_config is required");
        };
        List<HttpFilterConfig> filters = new ArrayList<>();
        for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
            String filterField = field + ".http_filters[" + i + "]";
            Optional<HttpFilterConfig> filter = HttpFilters.parse(hcm.getHttpFilters(i), filterField);
            if (filter.isPresent() && HttpFilters.isTerminal(filter.get()) && i != hcm.getHttpFiltersCount() - 1) {
                throw new ConversionException(filterField + ": terminal filter named " + filter.get().name()
                        + " must be the last filter in a http filter chain");
            }
            filter.ifPresent(filters::add);
        }
        int headersKb = hcm.hasMaxRequestHeadersKb() ? hcm.getMaxRequestHeadersKb().getValue() : 60;
        if (headersKb <= 0 || headersKb > 8192) {
            throw new ConversionException(field + ".max_request_headers_kb: must be in [1, 8192], not " + headersKb);
        }
        Duration requestTimeout = hcm.hasRequestTimeout() ? Protos.duration(hcm.getRequestTimeout()) : Duration.ZERO;
        Duration idleTimeout = hcm.hasStreamIdleTimeout() ? Protos.duration(hcm.getStreamIdleTimeout())
                : Duration.ofMinutes(5);
        return new HttpConnectionManagerConfig(hcm.getStatPrefix(), routes, filters, hcm.getStripAnyHostPort(),
                headersKb, requestTimeout, idleTimeout);
    }
}
