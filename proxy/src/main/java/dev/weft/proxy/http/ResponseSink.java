package dev.weft.proxy.http;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Where one exchange's response goes, as it streams: the connection manager writes it to the
 * downstream (HTTP/1.1 connection or HTTP/2 stream). Headers first (a {@code FullHttpResponse} is
 * the whole response), then chunks, then the end; or a reset when the upstream failed midway, so
 * that a cut body never looks complete. References passed in belong to the sink.
 */
interface ResponseSink {

    void headers(HttpResponse head);

    void body(HttpContent chunk);

    void end(LastHttpContent last);

    void flush();

    /** HTTP/2: RST_STREAM; HTTP/1.1: close the connection. */
    void reset();

    /** Whether the downstream takes more now (false: its socket or stream window is full). */
    boolean writable();

    /** Runs {@code action} once when the downstream becomes writable again. */
    void whenWritable(Runnable action);
}
