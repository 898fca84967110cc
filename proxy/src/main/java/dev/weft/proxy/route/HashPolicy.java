package dev.weft.proxy.route;

import java.time.Duration;
import java.util.List;

/**
 * One of a route's {@code hash_policy} entries: where the hash of a request comes from for a
 * RING_HASH or MAGLEV cluster. {@code terminal}: when it yields a hash, later policies are skipped.
 */
public sealed interface HashPolicy {

    boolean terminal();

    /** {@code header}: the value of a request header. */
    record Header(String name, boolean terminal) implements HashPolicy {
    }

    /**
     * {@code cookie}: the value of a cookie; when it is absent and {@code ttl} is set, the proxy makes
     * one up and sets it on the response, so the client's next requests hash the same way.
     *
     * @param ttl  null: never generate the cookie
     * @param path the generated cookie's Path ("" for none)
     */
    record Cookie(String name, Duration ttl, String path, List<CookieAttribute> attributes, boolean terminal)
            implements HashPolicy {
        public Cookie {
            attributes = List.copyOf(attributes);
        }
    }

    record CookieAttribute(String name, String value) {
    }

    /** {@code connection_properties.source_ip}: the downstream client's address. */
    record SourceIp(boolean terminal) implements HashPolicy {
    }

    /** {@code query_parameter}: the (first) value of a query parameter. */
    record QueryParameter(String name, boolean terminal) implements HashPolicy {
    }
}
