package dev.weft.proxy.http2;

import dev.weft.proxy.config.Http2Options;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Netty HTTP/2 frame codecs with the proxy's protections switched on, one place for both sides:
 * rapid reset (CVE-2023-44487: RST_STREAM frames per window), empty DATA frames, small CONTINUATION
 * frames, queued control frames (PING/SETTINGS acks a peer does not read), header list size, and
 * SETTINGS_MAX_CONCURRENT_STREAMS. A peer breaking one gets GOAWAY and the connection is closed.
 */
public final class Http2Codecs {

    /** RST_STREAM frames a peer may send per window before GOAWAY (Netty's default, made explicit). */
    static final int MAX_RST_FRAMES = 200;
    static final int RST_WINDOW_SECONDS = 30;
    /** CONTINUATION frames of less than 8 KiB in a row for one header block. */
    static final int MAX_SMALL_CONTINUATION_FRAMES = 16;
    /** How long a GOAWAY'd connection may finish its streams before it is closed. */
    static final long GRACEFUL_SHUTDOWN_MILLIS = 5_000;

    private Http2Codecs() {
    }

    public static Http2FrameCodec server(Http2Options options, long maxHeaderListBytes) {
        // A request without :method, :scheme or :path (or a CONNECT without :authority) is malformed
        // (RFC 9113 8.3.1): RST_STREAM PROTOCOL_ERROR from the codec, before the stream is converted.
        return limited(Http2FrameCodecBuilder.forServer(), options, maxHeaderListBytes)
                .validateRequiredPseudoHeaders(true)
                .build();
    }

    public static Http2FrameCodec client(Http2Options options, long maxHeaderListBytes) {
        // A client announces no stream limit of its own: servers do not open streams to it.
        return limited(Http2FrameCodecBuilder.forClient(), options, maxHeaderListBytes)
                .initialSettings(Http2Settings.defaultSettings()
                        .pushEnabled(false)
                        .initialWindowSize(options.initialStreamWindowSize())
                        .maxHeaderListSize(maxHeaderListBytes))
                .build();
    }

    private static Http2FrameCodecBuilder limited(Http2FrameCodecBuilder builder, Http2Options options,
            long maxHeaderListBytes) {
        return builder
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(options.maxConcurrentStreams())
                        .initialWindowSize(options.initialStreamWindowSize())
                        .maxHeaderListSize(maxHeaderListBytes))
                .validateHeaders(true)
                .encoderEnforceMaxQueuedControlFrames(options.maxOutboundControlFrames())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(Math.max(1, options.maxConsecutiveEmptyFrames()))
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_FRAMES, RST_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .gracefulShutdownTimeoutMillis(GRACEFUL_SHUTDOWN_MILLIS);
    }
}
