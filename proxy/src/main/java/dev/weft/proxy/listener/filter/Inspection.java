package dev.weft.proxy.listener.filter;

import java.util.List;

/** What an inspecting listener filter made of a connection's first bytes so far. */
public sealed interface Inspection {

    /** Not decided yet: read more (up to the listener's bound). */
    record NeedMore() implements Inspection {
    }

    /** Decided: not this filter's protocol, nothing learnt. */
    record NotDetected() implements Inspection {
    }

    /** TLS ClientHello: its SNI (lower case, empty when absent) and ALPN list. */
    record Tls(String serverName, List<String> applicationProtocols) implements Inspection {
        public Tls {
            applicationProtocols = List.copyOf(applicationProtocols);
        }
    }

    /** Plain HTTP: "http/1.0", "http/1.1" or "h2c". */
    record Http(String protocol) implements Inspection {
    }

    Inspection NEED_MORE = new NeedMore();
    Inspection NOT_DETECTED = new NotDetected();
}
