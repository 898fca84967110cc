package dev.weft.sample.bookinfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request headers each original service copies onto the calls it makes. The proxies create the
 * spans; the application has to carry the context from its inbound request to its outbound ones or
 * the spans do not join into one trace. End-user (set by productpage from the login) is what
 * Istio's request-routing task matches on.
 */
final class Propagation {
    private Propagation() {}

    /**
     * productpage.py's getForwardHeaders list. Its OpenTracing B3 codec re-emits the incoming
     * x-b3-* headers with the same ids (an RPC_SERVER span joins the caller's span), so they are
     * copied here verbatim. The single-header "b3" form is not on the original's list.
     */
    static final List<String> PRODUCTPAGE = List.of(
            "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
            "x-request-id",
            "x-ot-span-context",
            "x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-sampling-priority",
            "traceparent", "tracestate",
            "x-cloud-trace-context",
            "grpc-trace-bin",
            "sw8",
            "user-agent",
            "cookie", "authorization", "jwt");

    /** reviews' (LibertyRestEndpoint) headers_to_propagate, in the original's order. */
    static final List<String> REVIEWS = List.of(
            "x-request-id",
            "x-ot-span-context",
            "x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-sampling-priority",
            "traceparent", "tracestate",
            "x-cloud-trace-context",
            "grpc-trace-bin",
            "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
            "sw8",
            "end-user", "user-agent",
            "cookie", "authorization", "jwt");

    /** The headers of {@code names} that {@code request} carries, with their values. */
    static Map<String, String> copy(HttpService.Request request, List<String> names) {
        var headers = new LinkedHashMap<String, String>();
        for (String name : names) {
            String value = request.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }
}
