package dev.weft.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static RetryPolicy on(Set<Integer> codes, RetryPolicy.RetryOn... conditions) {
        Set<RetryPolicy.RetryOn> set = EnumSet.noneOf(RetryPolicy.RetryOn.class);
        set.addAll(java.util.List.of(conditions));
        return new RetryPolicy(set, 2, Duration.ZERO, codes,
                Duration.ofMillis(25), Duration.ofMillis(250), true, 5);
    }

    @Test
    void responsesAreRetriedByTheirConditions() {
        RetryPolicy fiveXx = on(Set.of(), RetryPolicy.RetryOn.FIVE_XX);
        assertThat(fiveXx.retriableResponse(500, -1)).isTrue();
        assertThat(fiveXx.retriableResponse(404, -1)).isFalse();

        RetryPolicy gateway = on(Set.of(), RetryPolicy.RetryOn.GATEWAY_ERROR);
        assertThat(gateway.retriableResponse(503, -1)).isTrue();
        assertThat(gateway.retriableResponse(500, -1)).isFalse();

        RetryPolicy conflict = on(Set.of(), RetryPolicy.RetryOn.RETRIABLE_4XX);
        assertThat(conflict.retriableResponse(409, -1)).isTrue();
        assertThat(conflict.retriableResponse(400, -1)).isFalse();

        RetryPolicy codes = on(Set.of(418), RetryPolicy.RetryOn.RETRIABLE_STATUS_CODES);
        assertThat(codes.retriableResponse(418, -1)).isTrue();
        assertThat(codes.retriableResponse(503, -1)).isFalse();
        assertThat(on(Set.of(418)).retriableResponse(418, -1)).as("codes without the condition").isFalse();

        RetryPolicy grpc = on(Set.of(), RetryPolicy.RetryOn.GRPC_UNAVAILABLE, RetryPolicy.RetryOn.GRPC_CANCELLED);
        assertThat(grpc.retriableResponse(200, 14)).isTrue();
        assertThat(grpc.retriableResponse(200, 1)).isTrue();
        assertThat(grpc.retriableResponse(200, 13)).isFalse();
    }

    @Test
    void resetsAreRetriedByTheirConditionsButNeverAnOverflow() {
        RetryPolicy connect = on(Set.of(), RetryPolicy.RetryOn.CONNECT_FAILURE);
        assertThat(connect.retriableReset(RetryPolicy.Reset.CONNECT_FAILURE)).isTrue();
        assertThat(connect.retriableReset(RetryPolicy.Reset.CONNECTION_RESET)).isFalse();

        RetryPolicy reset = on(Set.of(), RetryPolicy.RetryOn.RESET);
        assertThat(reset.retriableReset(RetryPolicy.Reset.CONNECTION_RESET)).isTrue();
        assertThat(reset.retriableReset(RetryPolicy.Reset.PER_TRY_TIMEOUT)).isTrue();

        RetryPolicy fiveXx = on(Set.of(), RetryPolicy.RetryOn.FIVE_XX);
        assertThat(fiveXx.retriableReset(RetryPolicy.Reset.CONNECT_FAILURE)).isTrue();
        assertThat(fiveXx.retriableReset(RetryPolicy.Reset.OVERFLOW)).isFalse();

        assertThat(on(Set.of(504), RetryPolicy.RetryOn.RETRIABLE_STATUS_CODES)
                .retriableReset(RetryPolicy.Reset.PER_TRY_TIMEOUT)).isTrue();
        assertThat(on(Set.of(), RetryPolicy.RetryOn.REFUSED_STREAM)
                .retriableReset(RetryPolicy.Reset.REFUSED_STREAM)).isTrue();
    }

    @Test
    void headerMutationsFollowTheAppendActions() {
        var headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        headers.add("keep", "1").add("over", "old").add("gone", "x").add("app", "a");
        new HeaderMutation(java.util.List.of("gone"), java.util.List.of(
                new HeaderMutation.Add("app", "b", HeaderMutation.AppendAction.APPEND_IF_EXISTS_OR_ADD, false),
                new HeaderMutation.Add("keep", "2", HeaderMutation.AppendAction.ADD_IF_ABSENT, false),
                new HeaderMutation.Add("new", "n", HeaderMutation.AppendAction.ADD_IF_ABSENT, false),
                new HeaderMutation.Add("over", "new", HeaderMutation.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, false),
                new HeaderMutation.Add("only-if", "y", HeaderMutation.AppendAction.OVERWRITE_IF_EXISTS, false),
                new HeaderMutation.Add("empty", "", HeaderMutation.AppendAction.APPEND_IF_EXISTS_OR_ADD, false)))
                .applyTo(headers);
        assertThat(headers.getAll("app")).containsExactly("a", "b");
        assertThat(headers.getAll("keep")).containsExactly("1");
        assertThat(headers.get("new")).isEqualTo("n");
        assertThat(headers.getAll("over")).containsExactly("new");
        assertThat(headers.contains("only-if")).isFalse();
        assertThat(headers.contains("gone")).isFalse();
        assertThat(headers.contains("empty")).isFalse();
    }

    @Test
    void regexRewriteUsesEnvoysGroupSyntax() {
        RegexRewrite rewrite = RegexRewrite.of(com.google.re2j.Pattern.compile("^/service/([^/]+)(/.*)$"),
                "\\2/instance/\\1");
        assertThat(rewrite.apply("/service/foo/v1/api")).isEqualTo("/v1/api/instance/foo");
        assertThat(PathRewrite.apply("/service/foo/v1?x=$1", new PathMatcher.Prefix("/", true), null,
                java.util.Optional.of(rewrite))).isEqualTo("/v1/instance/foo?x=$1");
        assertThat(PathRewrite.apply("/old/x?q", new PathMatcher.Prefix("/old", true), "/new",
                java.util.Optional.empty())).isEqualTo("/new/x?q");
    }
}
