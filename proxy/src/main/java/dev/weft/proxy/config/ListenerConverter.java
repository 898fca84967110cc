package dev.weft.proxy.config;

import dev.weft.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** LDS Listener (listener filters, filter chains with their matches and network filters) to {@link ListenerConfig}. */
public final class ListenerConverter {

    static final String HCM_NAME = "envoy.filters.network.http_connection_manager";
    static final String HCM_TYPE_URL = ProtoTypes.typeUrl(HttpConnectionManager.class);
    static final String TCP_PROXY_NAME = "envoy.filters.network.tcp_proxy";
    static final String TCP_PROXY_TYPE_URL = ProtoTypes.typeUrl(TcpProxy.class);
    static final String ORIGINAL_DST_NAME = "envoy.filters.listener.original_dst";
    static final String ORIGINAL_DST_TYPE_URL = ProtoTypes.typeUrl(OriginalDst.class);
    static final String TLS_INSPECTOR_NAME = "envoy.filters.listener.tls_inspector";
    static final String TLS_INSPECTOR_TYPE_URL = ProtoTypes.typeUrl(TlsInspector.class);
    static final String HTTP_INSPECTOR_NAME = "envoy.filters.listener.http_inspector";
    static final String HTTP_INSPECTOR_TYPE_URL = ProtoTypes.typeUrl(HttpInspector.class);

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
        // What one downstream connection may buffer of a request body (kept for retries and mirrors,
        // or waiting for the upstream): the listener's per_connection_buffer_limit_bytes, Envoy's 1 MiB unset.
        int bufferLimit = ClusterConverter.perConnectionBufferLimit(listener.hasPerConnectionBufferLimitBytes(),
                listener.getPerConnectionBufferLimitBytes().getValue());
        if (bufferLimit == 0) {
            bufferLimit = ProxyLimits.Http.DEFAULTS.bodyBufferLimitBytes();
        }
        List<ListenerConfig.FilterChainConfig> chains = new ArrayList<>();
        for (int c = 0; c < listener.getFilterChainsCount(); c++) {
            chains.add(chain(listener.getFilterChains(c), "filter_chains[" + c + "]", bufferLimit));
        }
        Optional<ListenerConfig.FilterChainConfig> defaultChain = Optional.empty();
        if (listener.hasDefaultFilterChain()) {
            defaultChain = Optional.of(chain(listener.getDefaultFilterChain(), "default_filter_chain", bufferLimit));
        }
        FilterChainMatches.checkDistinct(chains);
        boolean bind = !listener.hasBindToPort() || listener.getBindToPort().getValue();
        boolean useOriginalDst = listener.hasUseOriginalDst() && listener.getUseOriginalDst().getValue();
        boolean inbound = listener.getTrafficDirection() == TrafficDirection.INBOUND;
        return new ListenerConfig(listener.getName(), socket.getAddress(), socket.getPortValue(), bind, useOriginalDst,
                listenerFilters(listener), chains, defaultChain, inbound);
    }

    private static ListenerFiltersConfig listenerFilters(Listener listener) throws ConversionException {
        boolean originalDst = false;
        boolean tls = false;
        boolean http = false;
        for (int i = 0; i < listener.getListenerFiltersCount(); i++) {
            ListenerFilter filter = listener.getListenerFilters(i);
            String field = "listener_filters[" + i + "]";
            Protos.unsupported(filter.hasFilterDisabled(), field + ".filter_disabled");
            String kind = filter.hasTypedConfig() ? filter.getTypedConfig().getTypeUrl() : filter.getName();
            if (kind.equals(ORIGINAL_DST_TYPE_URL) || kind.equals(ORIGINAL_DST_NAME)) {
                originalDst = true;
            } else if (kind.equals(TLS_INSPECTOR_TYPE_URL) || kind.equals(TLS_INSPECTOR_NAME)) {
                tls = true;
            } else if (kind.equals(HTTP_INSPECTOR_TYPE_URL) || kind.equals(HTTP_INSPECTOR_NAME)) {
                http = true;
            } else {
                throw new ConversionException(field + ": listener filter " + filter.getName()
                        + (filter.hasTypedConfig() ? " (" + kind + ")" : "") + " is not supported by weft-proxy yet");
            }
        }
        Duration timeout = listener.hasListenerFiltersTimeout()
                ? Protos.duration(listener.getListenerFiltersTimeout()) : Duration.ofSeconds(15);
        if (timeout.isNegative()) {
            throw new ConversionException("listener_filters_timeout: must not be negative");
        }
        return new ListenerFiltersConfig(originalDst, tls, http, timeout, listener.getContinueOnListenerFiltersTimeout());
    }

    private static ListenerConfig.FilterChainConfig chain(FilterChain chain, String field, int bufferLimit)
            throws ConversionException {
        if (chain.getFiltersCount() == 0) {
            throw new ConversionException(field + ".filters: a filter chain needs a terminal network filter");
        }
        NetworkFilterConfig terminal = null;
        for (int f = 0; f < chain.getFiltersCount(); f++) {
            Filter filter = chain.getFilters(f);
            String filterField = field + ".filters[" + f + "]";
            String kind = filter.hasTypedConfig() ? filter.getTypedConfig().getTypeUrl() : filter.getName();
            if (terminal != null) {
                throw new ConversionException(filterField + ": " + filter.getName()
                        + " follows the terminal filter of the chain");
            }
            if (kind.equals(HCM_TYPE_URL) || kind.equals(HCM_NAME)) {
                String hcmField = filterField + ".typed_config";
                terminal = http(Protos.unpack(filter.getTypedConfig(), HttpConnectionManager.class, hcmField), hcmField,
                        bufferLimit);
            } else if (kind.equals(TCP_PROXY_TYPE_URL) || kind.equals(TCP_PROXY_NAME)) {
                String tcpField = filterField + ".typed_config";
                terminal = TcpProxyConverter.convert(Protos.unpack(filter.getTypedConfig(), TcpProxy.class, tcpField),
                        tcpField);
            } else {
                throw new ConversionException(filterField + ": network filter " + filter.getName()
                        + (filter.hasTypedConfig() ? " (" + kind + ")" : "") + " is not supported by weft-proxy yet");
            }
        }
        FilterChainMatchConfig match = FilterChainMatches.convert(chain.getFilterChainMatch(),
                field + ".filter_chain_match");
        Optional<TransportSocketConfig> transportSocket = Optional.empty();
        if (chain.hasTransportSocket()) {
            transportSocket = TransportSockets.convert(chain.getTransportSocket(), field + ".transport_socket");
        }
        return new ListenerConfig.FilterChainConfig(chain.getName(), match, terminal, transportSocket);
    }

    static HttpConnectionManagerConfig http(HttpConnectionManager hcm, String field) throws ConversionException {
        return http(hcm, field, ProxyLimits.Http.DEFAULTS.bodyBufferLimitBytes());
    }

    static HttpConnectionManagerConfig http(HttpConnectionManager hcm, String field, int bufferLimit)
            throws ConversionException {
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
        ProxyLimits.Http limits = limits(hcm, field, bufferLimit);
        Optional<AccessLogConfig> accessLog = accessLog(hcm, field);
        Http2Options http2 = hcm.hasHttp2ProtocolOptions()
                ? Http2Options.of(hcm.getHttp2ProtocolOptions(), Http2Options.DOWNSTREAM, field + ".http2_protocol_options")
                : Http2Options.DOWNSTREAM;
        boolean allowAbsoluteUrl = hcm.hasHttpProtocolOptions() && hcm.getHttpProtocolOptions().getAllowAbsoluteUrl().getValue();
        return new HttpConnectionManagerConfig(hcm.getStatPrefix(), routes, filters, hcm.getStripAnyHostPort(),
                limits, accessLog, upgrades(hcm, field), http2, allowAbsoluteUrl);
    }

    private static ProxyLimits.Http limits(HttpConnectionManager hcm, String field, int bufferLimit)
            throws ConversionException {
        ProxyLimits.Http defaults = ProxyLimits.Http.DEFAULTS;
        int headersKb = hcm.hasMaxRequestHeadersKb() ? hcm.getMaxRequestHeadersKb().getValue()
                : defaults.maxRequestHeadersKb();
        if (headersKb <= 0 || headersKb > 8192) {
            throw new ConversionException(field + ".max_request_headers_kb: must be in [1, 8192], not " + headersKb);
        }
        var common = hcm.getCommonHttpProtocolOptions();
        int headersCount = common.hasMaxHeadersCount() ? common.getMaxHeadersCount().getValue()
                : defaults.maxHeadersCount();
        if (headersCount < 1) {
            throw new ConversionException(field + ".common_http_protocol_options.max_headers_count: must be at least 1");
        }
        // Envoy: an explicit zero disables a timeout; unset takes the default.
        Duration headersTimeout = hcm.hasRequestHeadersTimeout() ? Protos.duration(hcm.getRequestHeadersTimeout())
                : defaults.requestHeadersTimeout();
        Duration requestTimeout = hcm.hasRequestTimeout() ? Protos.duration(hcm.getRequestTimeout())
                : defaults.requestTimeout();
        Duration idleTimeout = common.hasIdleTimeout() ? Protos.duration(common.getIdleTimeout())
                : defaults.idleTimeout();
        Duration streamIdle = hcm.hasStreamIdleTimeout() ? Protos.duration(hcm.getStreamIdleTimeout())
                : defaults.streamIdleTimeout();
        for (var timeout : java.util.Map.of("request_headers_timeout", headersTimeout, "request_timeout",
                requestTimeout, "common_http_protocol_options.idle_timeout", idleTimeout, "stream_idle_timeout",
                streamIdle).entrySet()) {
            if (timeout.getValue().isNegative()) {
                throw new ConversionException(field + "." + timeout.getKey() + ": must not be negative");
            }
        }
        return new ProxyLimits.Http(defaults.maxRequestLineBytes(), headersKb, headersCount,
                bufferLimit, headersTimeout, requestTimeout, idleTimeout, streamIdle);
    }

    /** The first {@code envoy.access_loggers.file} log; other loggers and filters are refused, not ignored. */
    private static Optional<AccessLogConfig> accessLog(HttpConnectionManager hcm, String field)
            throws ConversionException {
        Optional<AccessLogConfig> result = Optional.empty();
        for (int i = 0; i < hcm.getAccessLogCount(); i++) {
            var log = hcm.getAccessLog(i);
            String logField = field + ".access_log[" + i + "]";
            Protos.unsupported(log.hasFilter(), logField + ".filter");
            String typeUrl = log.getTypedConfig().getTypeUrl();
            if (!log.hasTypedConfig() || !typeUrl.endsWith("/" + ProtoTypes.fullName(FileAccessLog.class))) {
                throw new ConversionException(logField + ": only " + AccessLogConfig.FILE_LOGGER
                        + " is supported by weft-proxy, not " + (log.hasTypedConfig() ? typeUrl : log.getName()));
            }
            FileAccessLog file = Protos.unpack(log.getTypedConfig(), FileAccessLog.class, logField + ".typed_config");
            Protos.unsupported(file.hasLogFormat() || file.getAccessLogFormatCase()
                    != FileAccessLog.AccessLogFormatCase.ACCESSLOGFORMAT_NOT_SET,
                    logField + ".typed_config.log_format (only Envoy's default format)");
            if (file.getPath().isEmpty()) {
                throw new ConversionException(logField + ".typed_config.path: must not be empty");
            }
            if (result.isEmpty()) {
                result = Optional.of(new AccessLogConfig(file.getPath()));
            }
        }
        return result;
    }

    /** {@code upgrade_configs} that are enabled, lower case; only websocket is supported. */
    private static java.util.Set<String> upgrades(HttpConnectionManager hcm, String field) throws ConversionException {
        java.util.Set<String> upgrades = new java.util.TreeSet<>();
        for (int i = 0; i < hcm.getUpgradeConfigsCount(); i++) {
            var upgrade = hcm.getUpgradeConfigs(i);
            String upgradeField = field + ".upgrade_configs[" + i + "]";
            Protos.unsupported(upgrade.getFiltersCount() > 0, upgradeField + ".filters");
            String type = upgrade.getUpgradeType().toLowerCase(java.util.Locale.ROOT);
            if (!type.equals("websocket")) {
                throw new ConversionException(upgradeField + ".upgrade_type: " + upgrade.getUpgradeType()
                        + " is not supported by weft-proxy yet (only websocket)");
            }
            if (!upgrade.hasEnabled() || upgrade.getEnabled().getValue()) {
                upgrades.add(type);
            }
        }
        return upgrades;
    }
}
