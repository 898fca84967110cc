package dev.weft.proxy.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * What one {@link UpstreamStream} reports, in order: ready (the request head is on its way, the
 * body may follow), the response headers, body chunks, the end (with trailers); or a failure at
 * any point. A listener, not a future of a whole response, because bodies stream both ways (Envoy's
 * UpstreamRequest callbacks): nothing waits for a whole body. Called on the upstream connection's
 * event loop (usually the downstream's own, see the pools' affinity); references passed in belong to
 * the listener.
 */
public interface UpstreamResponseListener {

    /** The stream has a connection and its request head was written: body chunks may be written now. */
    void onReady(UpstreamStream stream);

    /** The response head (a {@code FullHttpResponse} when the whole response came at once: its body and trailers included). */
    void onHeaders(HttpResponse head);

    void onBody(HttpContent chunk);

    /** The last chunk (possibly empty, possibly with trailers): the response is complete. */
    void onEnd(LastHttpContent last);

    /** The upstream read a batch: a good moment to flush what was written downstream. */
    void onReadComplete();

    /** The upstream can take more request body (after it could not). */
    void onWritable();

    /** No (more) response: before the headers a local reply or a retry may follow; after them the downstream is reset. */
    void onFailure(UpstreamFailure failure);
}
