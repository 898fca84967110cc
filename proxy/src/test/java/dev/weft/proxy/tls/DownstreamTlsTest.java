package dev.weft.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** SNI -> context, in Envoy's filter chain order: exact, longest wildcard, chain without names, else refused. */
class DownstreamTlsTest {

    private static SslContext context() throws SSLException {
        return SslContextBuilder.forClient().build(); // any distinct context will do for selection
    }

    @Test
    void exactThenLongestWildcardThenTheChainWithoutNames() throws SSLException {
        SslContext a = context();
        SslContext wildcard = context();
        SslContext deeper = context();
        SslContext fallback = context();
        DownstreamTls tls = new DownstreamTls(List.of(
                new DownstreamTls.Chain(List.of("A.example.com"), a),
                new DownstreamTls.Chain(List.of("*.example.com"), wildcard),
                new DownstreamTls.Chain(List.of("*.b.example.com"), deeper),
                new DownstreamTls.Chain(List.of(), fallback)));
        assertThat(tls.select("a.example.com")).containsSame(a);
        assertThat(tls.select("x.example.com")).containsSame(wildcard);
        assertThat(tls.select("x.b.example.com")).containsSame(deeper);
        assertThat(tls.select("other.org")).containsSame(fallback);
        assertThat(tls.select(null)).containsSame(fallback);
    }

    @Test
    void withoutAChainForAnyNameUnknownNamesAndNoSniAreRefused() throws SSLException {
        DownstreamTls tls = new DownstreamTls(List.of(new DownstreamTls.Chain(List.of("a.example.com"), context())));
        assertThat(tls.select("b.example.com")).isEmpty();
        assertThat(tls.select(null)).isEmpty();
        // a wildcard covers subdomains, not the bare domain
        DownstreamTls wildcard = new DownstreamTls(List.of(new DownstreamTls.Chain(List.of("*.example.com"), context())));
        assertThat(wildcard.select("example.com")).isEmpty();
    }
}
