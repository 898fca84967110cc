package dev.weft.config.networking.virtualservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.load.ConfigLoader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each of Istio's VirtualService rules, through the real loader: spec text in, messages out. */
class VirtualServiceValidatorTest {

  /** Loads a VirtualService "vs" in namespace default whose spec is {@code spec} (indented by 2). */
  static List<Diagnostic> diagnostics(String spec) {
    String yaml = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: vs\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    return new ConfigLoader().addText("vs.yaml", yaml).diagnostics().list();
  }

  static List<String> errors(String spec) {
    return diagnostics(spec).stream().filter(d -> d.level() == Level.ERROR).map(d -> d.path() + ": " + d.message()).toList();
  }

  static List<String> warnings(String spec) {
    return diagnostics(spec).stream().filter(d -> d.level() == Level.WARNING).map(d -> d.path() + ": " + d.message()).toList();
  }

  static final String ROUTE = "route: [{destination: {host: r}}]";

  static Stream<Arguments> invalid() {
    return Stream.of(
        // the VirtualService as a whole
        Arguments.of("hosts: [r]", "spec: http, tcp or tls must be provided in virtual service"),
        Arguments.of("hosts: [\"*\"]\nhttp: [{" + ROUTE + "}]",
            "spec.hosts[0]: wildcard host * is not allowed for virtual services bound to the mesh gateway"),
        Arguments.of("hosts: [a.example.com, \"*.example.com\"]\ngateways: [gw]\nhttp: [{" + ROUTE + "}]",
            "spec.hosts[1]: duplicate hosts in virtual service: a.example.com & *.example.com"),
        Arguments.of("hosts: [\"bad_host\"]\nhttp: [{" + ROUTE + "}]", "spec.hosts[0]: invalid host \"bad_host\": each dot-separated label must be 1-63 letters, digits or '-', not starting or ending with '-'"),
        Arguments.of("gateways: [gw]\nhttp: [{" + ROUTE + "}]", "spec.gateways: delegate virtual service must have no gateways specified"),
        Arguments.of("tcp: [{" + ROUTE + "}]", "spec.tcp: delegate virtual service must have no tcp route specified"),
        Arguments.of("tls: [{match: [{sniHosts: [a]}], " + ROUTE + "}]", "spec.tls: delegate virtual service must have no tls route specified"),
        Arguments.of("hosts: [r]\ngateways: [\"ns/\"]\nhttp: [{" + ROUTE + "}]", "spec.gateways[0]: config namespace and gateway name cannot be empty"),
        Arguments.of("hosts: [r]\ngateways: [\"Bad_NS/gw\"]\nhttp: [{" + ROUTE + "}]", "spec.gateways[0]: invalid value for namespace: \"Bad_NS\""),
        Arguments.of("hosts: [r]\ngateways: [\"ns/gw_1\"]\nhttp: [{" + ROUTE + "}]", "spec.gateways[0]: invalid value for gateway name: \"gw_1\""),
        Arguments.of("hosts: [r]\ngateways: [\"gw_1\"]\nhttp: [{" + ROUTE + "}]", "spec.gateways[0]: domain name \"gw_1\" invalid (label \"gw_1\" invalid)"),
        Arguments.of("hosts: [r]\nexportTo: [default, \".\"]\nhttp: [{" + ROUTE + "}]",
            "spec.exportTo[1]: duplicate entries in exportTo: . and current namespace default"),
        Arguments.of("hosts: [r]\nexportTo: [\"*\", a]\nhttp: [{" + ROUTE + "}]",
            "spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource"),
        Arguments.of("hosts: [r]\nexportTo: [\"~\"]\nhttp: [{" + ROUTE + "}]",
            "spec.exportTo[0]: exportTo ~ (none) is not allowed for Istio configuration objects"),
        Arguments.of("hosts: [r]\nhttp:\n- match: [{headers: {\"@request.auth.claims.group\": {exact: a}}}]\n  " + ROUTE,
            "spec.http[0].match[0].headers[\"@request.auth.claims.group\"]: JWT claim based routing (key: @request.auth.claims.group) "
                + "is only supported for gateway, found no gateways: []"),
        // what an HTTP route does
        Arguments.of("hosts: [r]\nhttp: [{name: x}]", "spec.http[0]: HTTP route, redirect or direct_response is required"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {uri: /x}, " + ROUTE + "}]", "spec.http[0].route: HTTP route cannot contain both route and redirect"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {uri: /x}, fault: {abort: {httpStatus: 500}}}]",
            "spec.http[0].fault: HTTP route cannot contain both fault and redirect"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {uri: /x}, rewrite: {uri: /y}}]",
            "spec.http[0].rewrite: HTTP route rule cannot contain both rewrite and redirect"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {uri: /x}, directResponse: {status: 200}}]",
            "spec.http[0].directResponse: HTTP route rule cannot contain both direct_response and redirect"),
        Arguments.of("hosts: [r]\nhttp: [{directResponse: {status: 200}, " + ROUTE + "}]",
            "spec.http[0].route: HTTP route cannot contain both route and direct_response"),
        Arguments.of("hosts: [r]\nhttp: [{name: root, delegate: {name: d}, " + ROUTE + "}]",
            "spec.http[0].route: root HTTP route root must not specify route"),
        Arguments.of("hosts: [r]\nhttp: [{name: root, delegate: {name: d}, redirect: {uri: /x}}]",
            "spec.http[0].redirect: root HTTP route root must not specify redirect"),
        Arguments.of("http: [{delegate: {name: d}, " + ROUTE + "}]", "spec.http[0].delegate: delegate HTTP route cannot contain delegate"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", mirror: {host: m}, mirrors: [{destination: {host: m}}]}]",
            "spec.http[0].mirrors: HTTP route cannot contain both mirror and mirrors"),
        // destinations and weights
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: r}, weight: 60}, {destination: {host: r}, weight: 120}]}]",
            "spec.http[0].route[1].weight: must be 0..100, got 120"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: r}, weight: -1}]}]", "spec.http[0].route[0].weight: must be 0..100, got -1"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: a}}, {destination: {host: b}}]}]",
            "spec.http[0].route: total destination weight = 0"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{weight: 100}]}]", "spec.http[0].route[0].destination: destination is required"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: \"*\"}}]}]", "spec.http[0].route[0].destination.host: invalid destination host *"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {subset: v1}}]}]", "spec.http[0].route[0].destination.host: destination host is required"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: r, subset: v_1}}]}]",
            "spec.http[0].route[0].destination.subset: subset name is invalid: v_1"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: r, port: {number: 0}}}]}]",
            "spec.http[0].route[0].destination.port.number: port must be 1..65535, got 0"),
        // matches
        Arguments.of("hosts: [r]\nhttp: [{match: [{uri: {regex: \"a(b\"}}], " + ROUTE + "}]",
            "spec.http[0].match[0].uri.regex: \"a(b\" is not a valid RE2 regular expression: missing closing )"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{uri: {regex: \"\"}}], " + ROUTE + "}]",
            "spec.http[0].match[0].uri.regex: regex string match should not be empty"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{method: {prefix: \"\"}}], " + ROUTE + "}]",
            "spec.http[0].match[0].method.prefix: prefix string match should not be empty"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{uri: {exact: /a, prefix: /b}}], " + ROUTE + "}]",
            "spec.http[0].match[0].uri: only one of exact, prefix, regex may be set, found exact and prefix"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{headers: {\"bad header\": {exact: a}}}], " + ROUTE + "}]",
            "spec.http[0].match[0].headers[\"bad header\"]: invalid header name \"bad header\""),
        Arguments.of("hosts: [r]\nhttp: [{match: [{port: 70000}], " + ROUTE + "}]", "spec.http[0].match[0].port: port must be 1..65535, got 70000"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{sourceNamespace: Bad_NS}], " + ROUTE + "}]",
            "spec.http[0].match[0].sourceNamespace: sourceNamespace match Bad_NS is invalid"),
        Arguments.of("hosts: [r]\nhttp: [{match: [{sourceLabels: {\"a b\": x}}], " + ROUTE + "}]",
            "spec.http[0].match[0].sourceLabels: invalid label key \"a b\""),
        // policies
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", timeout: 500us}]", "spec.http[0].timeout: duration must be at least 1ms, got 0.0005s"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", retries: {attempts: 3, retryOn: \"5xx,bogus\"}}]",
            "spec.http[0].retries.retryOn: \"bogus\" is not a valid retryOn policy"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", retries: {attempts: -1}}]", "spec.http[0].retries.attempts: attempts cannot be negative"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", retries: {perTryTimeout: 2s}}]",
            "spec.http[0].retries.attempts: http retry policy configured when attempts are set to 0 (disabled)"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {}}]", "spec.http[0].fault: HTTP fault injection must have an abort and/or a delay"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {abort: {httpStatus: 700}}}]",
            "spec.http[0].fault.abort.httpStatus: HTTP status 700 is not in range 200-599"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {abort: {grpcStatus: NOPE}}}]",
            "spec.http[0].fault.abort.grpcStatus: gRPC status \"NOPE\" is not supported. See "
                + "https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {abort: {http2Error: x}}}]",
            "spec.http[0].fault.abort.http2Error: HTTP/2 abort fault injection not supported yet"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {delay: {fixedDelay: 1s, percentage: {value: 150}}}}]",
            "spec.http[0].fault.delay.percentage: percentage 150 is neither 0.0, nor in range [0.0001, 100.0]"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {delay: {exponentialDelay: 1s}}}]",
            "spec.http[0].fault.delay.exponentialDelay: exponentialDelay not supported yet"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", mirror: {host: m}, mirrorPercentage: {value: 101}}]",
            "spec.http[0].mirrorPercentage: mirror_percentage must have a max value of 100 (it has 101.000000)"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", mirror: {host: m}, mirrorPercent: 150}]",
            "spec.http[0].mirrorPercent: mirror_percent must have a max value of 100 (it has 150)"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", mirrors: [{percentage: {value: 5}}]}]",
            "spec.http[0].mirrors[0].destination: destination is required for mirrors"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", mirrors: [{destination: {host: m}, percentage: {value: -5}}]}]",
            "spec.http[0].mirrors[0].percentage: mirror percentage must have a min value of 0 (it has -5.000000)"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {redirectCode: 301}}]", "spec.http[0].redirect: redirect must specify URI, authority, scheme, or port"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {uri: /x, redirectCode: 200}}]",
            "spec.http[0].redirect.redirectCode: 200 is not a valid redirect code, must be 3xx"),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {scheme: ftp}}]", "spec.http[0].redirect.scheme: invalid redirect scheme, must be \"http\" or \"https\""),
        Arguments.of("hosts: [r]\nhttp: [{redirect: {port: 80, derivePort: FROM_REQUEST_PORT}}]",
            "spec.http[0].redirect.derivePort: only one of port, derivePort may be set"),
        Arguments.of("hosts: [r]\nhttp: [{directResponse: {status: 99}}]", "spec.http[0].directResponse.status: HTTP status 99 is not in range 200-599"),
        Arguments.of("hosts: [r]\nhttp: [{directResponse: {body: {string: x}}}]", "spec.http[0].directResponse.status: status is required"),
        Arguments.of("hosts: [r]\nhttp: [{directResponse: {status: 200, body: {bytes: \"!!\"}}}]",
            "spec.http[0].directResponse.body.bytes: bytes must be base64-encoded: Illegal base64 character 21"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", rewrite: {uri: /a, uriRegexRewrite: {match: a, rewrite: b}}}]",
            "spec.http[0].rewrite: rewrite may only contain one of URI or UriRegexRewrite"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", rewrite: {}}]",
            "spec.http[0].rewrite: rewrite must specify at least one of URI, UriRegexRewrite, or authority. "
                + "Only one of URI or UriRegexRewrite may be specified"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", rewrite: {uriRegexRewrite: {match: a}}}]",
            "spec.http[0].rewrite.uriRegexRewrite: UriRegexRewrite requires both Rewrite and Match fields to be specified"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", rewrite: {authority: a}, headers: {request: {set: {host: b}}}}]",
            "spec.http[0].headers.request.set.host: authority header cannot be set multiple times: have \"a\", attempting to set \"b\""),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", headers: {request: {set: {\":path\": /x}}}}]",
            "spec.http[0].headers.request.set[\":path\"]: invalid header \":path\": header cannot have \":\" prefix"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", headers: {response: {set: {Host: x}}}}]",
            "spec.http[0].headers.response.set.Host: invalid header \"Host\": cannot set Host header"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", headers: {request: {remove: [\":authority\"]}}}]",
            "spec.http[0].headers.request.remove[0]: invalid header \":authority\": header cannot have \":\" prefix"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", headers: {request: {add: {x-a: \"50%\"}}}}]",
            "spec.http[0].headers.request.add.x-a: header value configuration: invalid header configuration. Un-escaped %"),
        Arguments.of("hosts: [r]\nhttp: [{route: [{destination: {host: r}, headers: {request: {set: {x-a: \"%FOO\"}}}}]}]",
            "spec.http[0].route[0].headers.request.set.x-a: header value configuration: invalid header configuration. "
                + "Un-terminated variable expression '%FOO'"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {allowOrigins: [{exact: \"\"}]}}]",
            "spec.http[0].corsPolicy.allowOrigins[0]: '' is not a valid match type for CORS allow origins"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {allowMethods: [FETCH]}}]",
            "spec.http[0].corsPolicy.allowMethods[0]: \"FETCH\" is not a supported HTTP method"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {allowHeaders: [\"a b\"]}}]",
            "spec.http[0].corsPolicy.allowHeaders[0]: invalid header name \"a b\""),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {maxAge: 1500ms}}]",
            "spec.http[0].corsPolicy.maxAge: max_age duration is accurate only to seconds precision"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {unmatchedPreflights: DROP}}]",
            "spec.http[0].corsPolicy.unmatchedPreflights: invalid value \"DROP\", must be one of UNSPECIFIED, FORWARD, IGNORE"),
        // TLS and TCP routes
        Arguments.of("hosts: [a.example.com]\ntls: [{" + ROUTE + "}]", "spec.tls[0].match: TLS route must have at least one match condition"),
        Arguments.of("hosts: [a.example.com]\ntls: [{match: [{port: 443}], " + ROUTE + "}]",
            "spec.tls[0].match[0].sniHosts: TLS match must have at least one SNI host"),
        Arguments.of("hosts: [a.example.com]\ntls: [{match: [{sniHosts: [b.example.com]}], " + ROUTE + "}]",
            "spec.tls[0].match[0].sniHosts[0]: SNI host \"b.example.com\" is not a compatible subset of any of the virtual service hosts: [a.example.com]"),
        Arguments.of("hosts: [a.example.com]\ntls: [{match: [{sniHosts: [a.example.com]}]}]", "spec.tls[0].route: TLS route is required"),
        Arguments.of("hosts: [a.example.com]\ntls: [{match: [{sniHosts: [a.example.com], destinationSubnets: [10.0.0.0/33]}], " + ROUTE + "}]",
            "spec.tls[0].match[0].destinationSubnets[0]: 10.0.0.0/33 is not a valid CIDR block"),
        Arguments.of("hosts: [db]\ntcp: [{match: [{port: 3306}]}]", "spec.tcp[0].route: TCP route is required"),
        Arguments.of("hosts: [db]\ntcp: [{match: [{destinationSubnets: [300.1.1.1]}], " + ROUTE + "}]",
            "spec.tcp[0].match[0].destinationSubnets[0]: 300.1.1.1 is not a valid IP"),
        Arguments.of("hosts: [db]\ntcp: [{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 0}]}]",
            "spec.tcp[0].route: total destination weight = 0"),
        // parse-level
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", fault: {abort: {httpStatus: 500, grpcStatus: UNAVAILABLE}}}]",
            "spec.http[0].fault.abort: only one of httpStatus, grpcStatus, http2Error may be set, found httpStatus and grpcStatus"),
        Arguments.of("hosts: [r]\nhttp: [{" + ROUTE + ", timeuot: 1s}]", "spec.http[0].timeuot: unknown field \"timeuot\" (did you mean \"timeout\"?)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void refusesWithIstiosMessage(String spec, String expected) {
    assertThat(errors(spec)).contains(expected);
  }

  static Stream<String> valid() {
    return Stream.of(
        "hosts: [r]\nhttp: [{" + ROUTE + "}]",
        "hosts: [\"*\"]\ngateways: [istio-system/ingress]\nhttp: [{" + ROUTE + "}]",
        "hosts: [10.1.2.3]\ngateways: [gw]\nhttp: [{" + ROUTE + "}]",
        "hosts: [r]\ngateways: [mesh, gw]\nhttp: [{" + ROUTE + "}]",
        "hosts: [r]\nhttp: [{route: [{destination: {host: a}, weight: 0}, {destination: {host: b}, weight: 1}]}]",
        "hosts: [r]\nhttp: [{route: [{destination: {host: \"*.example.com\"}}]}]",
        "hosts: [r]\nhttp: [{match: [{uri: {prefix: \"\"}, headers: {x: {}, \":method\": {exact: GET}}, withoutHeaders: {y: {regex: \"*\"}}}], "
            + ROUTE + "}]",
        "hosts: [r]\ngateways: [gw]\nhttp: [{match: [{headers: {\"@request.auth.claims.group\": {exact: a}}}], " + ROUTE + "}]",
        "hosts: [r]\nhttp: [{" + ROUTE + ", retries: {attempts: 2, retryOn: \"gateway-error,connect-failure,503,retriable-status-codes\"}}]",
        "hosts: [r]\nhttp: [{" + ROUTE + ", retries: {attempts: 0}}]",
        "hosts: [r]\nhttp: [{" + ROUTE + ", headers: {request: {set: {\":authority\": a, x: \"%HOSTNAME% 100%%\"}}}}]",
        "hosts: [r]\nhttp: [{" + ROUTE + ", headers: {request: {add: {x: \"%PER_REQUEST_STATE(a.b)%\"}}}}]",
        "hosts: [r]\nhttp: [{" + ROUTE + ", corsPolicy: {allowOrigins: [{prefix: \"https://\"}], allowMethods: [\"*\"], allowHeaders: [\"*\"], maxAge: 1h}}]",
        "hosts: [r]\nhttp: [{directResponse: {status: 503, body: {string: down}}}]",
        "hosts: [r]\nhttp: [{redirect: {derivePort: FROM_PROTOCOL_DEFAULT}}]",
        "hosts: [r]\nhttp: [{name: root, match: [{uri: {prefix: /a}}], delegate: {name: inner, namespace: ns}}]",
        "http: [{match: [{uri: {prefix: /a/b}}], " + ROUTE + "}]",
        "hosts: [\"*.example.com\"]\ngateways: [gw]\ntls: [{match: [{sniHosts: [a.example.com], destinationSubnets: [\"10.0.0.0/8\", \"::1\"]}], "
            + ROUTE + "}]",
        "hosts: [db]\ntcp: [{match: [{port: 3306, destinationSubnets: [\"2001:db8::/32\"]}], " + ROUTE + "}]",
        "hosts: [r]\nexportTo: [\".\", other]\nhttp: [{" + ROUTE + "}]");
  }

  @ParameterizedTest
  @MethodSource("valid")
  void acceptsWhatIstioAccepts(String spec) {
    assertThat(errors(spec)).isEmpty();
  }

  @Test
  void theWeightMessageNamesFileLineResourceAndPath() {
    List<Diagnostic> d = diagnostics("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 60
          - destination: {host: reviews, subset: v2}
            weight: 120
        """);
    assertThat(d).extracting(Diagnostic::format)
        .containsExactly("vs.yaml:12: VirtualService default/vs: spec.http[0].route[1].weight: must be 0..100, got 120");
  }

  @Test
  void warnsAboutRulesThatCanNeverMatch() {
    assertThat(warnings("""
        hosts: [r]
        http:
        - name: first
          match: [{uri: {prefix: /a}}]
          route: [{destination: {host: r}}]
        - name: second
          match: [{name: again, uri: {prefix: /a}}]
          route: [{destination: {host: r}}]
        - route: [{destination: {host: r}}]
        - route: [{destination: {host: r}}]
        """)).containsExactly(
        "spec.http[1].match[0]: virtualService rule \"second\" match \"again\" is not used (duplicate/overlapping match in rule \"first\")",
        "spec.http[1]: virtualService rule \"second\" not used (all matches used by prior rules)",
        "spec.http[3]: virtualService rule #3 not used (only the last rule can have no matches)");
  }

  @Test
  void warnsAboutPrefixMatchesAnEarlierPrefixCovers() {
    // Istio's overlapping-match check: a longer prefix after a shorter one, same port, and conditions
    // the earlier match covers (no method means GET); exact URIs, other methods and ports are not covered
    assertThat(warnings("""
        hosts: [r]
        http:
        - name: short
          match: [{uri: {prefix: /api}}]
          route: [{destination: {host: r}}]
        - match:
          - uri: {prefix: /api/v1}
            method: {exact: GET}
          - uri: {prefix: /api/v2}
            method: {exact: POST}
          - uri: {prefix: /api/v3}
            port: 8080
          - uri: {exact: /api/v4}
          route: [{destination: {host: r}}]
        """)).containsExactly(
        "spec.http[1].match[0]: virtualService rule #1 match #0 of prefix /api/v1 is not used"
            + " (duplicate/overlapping match in rule #0 of prefix /api on \"short\")");
  }

  @Test
  void warnsAboutLegacyGatewayNamesAndUnsetAbortType() {
    assertThat(warnings("hosts: [r]\ngateways: [gw.istio-system]\nhttp: [{" + ROUTE + ", fault: {abort: {percentage: {value: 1}}}}]"))
        .containsExactly(
            "spec.gateways[0]: using legacy gatewayName format \"gw.istio-system\"; prefer the <namespace>/<name> format: \"istio-system/gw\"",
            "spec.http[0].fault.abort: abort configured, but error type not set");
  }

  @Test
  void everyMistakeOfADocumentIsReported() {
    assertThat(errors("hosts: [r]\nhttp: [{route: [{destination: {host: \"*\"}, weight: 101}], timeout: 0s, retries: {attempts: -2}}]"))
        .containsExactlyInAnyOrder(
            "spec.http[0].route[0].destination.host: invalid destination host *",
            "spec.http[0].route[0].weight: must be 0..100, got 101",
            "spec.http[0].timeout: duration must be at least 1ms, got 0s",
            "spec.http[0].retries.attempts: attempts cannot be negative");
  }
}
