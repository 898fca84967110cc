package dev.weft.proxy.config;

import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;

/**
 * Envoy's {@code Http2ProtocolOptions}, the parts this proxy applies, for a downstream connection
 * manager or an upstream cluster. Defaults are Envoy's, except {@code max_concurrent_streams} on
 * the downstream side: each stream may hold up to its window of request body (1 MiB by default) while
 * the upstream is slower, so a connection is bounded to
 * {@link #DOWNSTREAM_MAX_CONCURRENT_STREAMS} streams unless the configuration asks for a number.
 *
 * @param maxConcurrentStreams          SETTINGS_MAX_CONCURRENT_STREAMS we announce
 * @param initialStreamWindowSize       SETTINGS_INITIAL_WINDOW_SIZE
 * @param initialConnectionWindowSize   the connection's flow-control window
 * @param maxOutboundControlFrames      queued PING/SETTINGS/RST acks before GOAWAY (outbound control flood)
 * @param maxConsecutiveEmptyFrames     inbound frames without payload in a row before GOAWAY
 */
public record Http2Options(int maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize,
        int maxOutboundControlFrames, int maxConsecutiveEmptyFrames) {

    /** Like nginx's 128: bounded memory per connection (see the class comment). */
    public static final int DOWNSTREAM_MAX_CONCURRENT_STREAMS = 128;
    private static final int ENVOY_STREAM_WINDOW = 268_435_456;
    private static final int ENVOY_CONNECTION_WINDOW = 268_435_456;

    /** Downstream defaults (see the class comment). */
    public static final Http2Options DOWNSTREAM = new Http2Options(DOWNSTREAM_MAX_CONCURRENT_STREAMS,
            1024 * 1024, 1024 * 1024, 1000, 1);

    /** Upstream defaults: Envoy's (the upstream's own SETTINGS bound the streams). */
    public static final Http2Options UPSTREAM = new Http2Options(Integer.MAX_VALUE, ENVOY_STREAM_WINDOW,
            ENVOY_CONNECTION_WINDOW, 1000, 1);

    static Http2Options of(Http2ProtocolOptions options, Http2Options defaults, String field)
            throws ConversionException {
        Protos.unsupported(options.getAllowConnect(), field + ".allow_connect");
        Protos.unsupported(options.hasOverrideStreamErrorOnInvalidHttpMessage()
                && options.getOverrideStreamErrorOnInvalidHttpMessage().getValue(),
                field + ".override_stream_error_on_invalid_http_message");
        int streams = options.hasMaxConcurrentStreams()
                ? ClusterConverter.uint32(options.getMaxConcurrentStreams().getValue()) : defaults.maxConcurrentStreams();
        if (streams < 1) {
            throw new ConversionException(field + ".max_concurrent_streams: must be at least 1");
        }
        int streamWindow = options.hasInitialStreamWindowSize()
                ? window(options.getInitialStreamWindowSize().getValue(), field + ".initial_stream_window_size")
                : defaults.initialStreamWindowSize();
        int connectionWindow = options.hasInitialConnectionWindowSize()
                ? window(options.getInitialConnectionWindowSize().getValue(), field + ".initial_connection_window_size")
                : defaults.initialConnectionWindowSize();
        int control = options.hasMaxOutboundControlFrames()
                ? Math.max(1, ClusterConverter.uint32(options.getMaxOutboundControlFrames().getValue()))
                : defaults.maxOutboundControlFrames();
        int empty = options.hasMaxConsecutiveInboundFramesWithEmptyPayload()
                ? ClusterConverter.uint32(options.getMaxConsecutiveInboundFramesWithEmptyPayload().getValue())
                : defaults.maxConsecutiveEmptyFrames();
        return new Http2Options(streams, streamWindow, connectionWindow, control, empty);
    }

    // Envoy: 65535 .. 2^31-1.
    private static int window(int value, String field) throws ConversionException {
        if (value < 65_535 || value < 0) {
            throw new ConversionException(field + ": must be in [65535, 2147483647], not " + Integer.toUnsignedString(value));
        }
        return value;
    }
}
