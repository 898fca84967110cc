package dev.weft.config.networking.destinationrule;

import dev.weft.config.networking.PortSelector;
import dev.weft.config.model.WorkloadSelector;
import dev.weft.config.networking.destinationrule.LoadBalancer.ConsistentHash;
import dev.weft.config.networking.destinationrule.LoadBalancer.HashAlgorithm;
import dev.weft.config.networking.destinationrule.LoadBalancer.HashKey;
import dev.weft.config.read.MapReader;

/**
 * Reads a DestinationRule spec. The policy parts (connection pool, client TLS) are public: Sidecar
 * and other kinds embed the same messages.
 */
public final class DestinationRuleParser {
  private DestinationRuleParser() {}

  public static DestinationRule parse(MapReader spec) {
    return new DestinationRule(
        spec.string("host"),
        spec.object("trafficPolicy", DestinationRuleParser::trafficPolicy),
        spec.list("subsets", s -> new DestinationRule.Subset(
            s.string("name"), s.stringMap("labels"), s.object("trafficPolicy", DestinationRuleParser::trafficPolicy))),
        spec.strings("exportTo"),
        spec.object("workloadSelector", WorkloadSelector::readMatchLabels));
  }

  public static TrafficPolicy trafficPolicy(MapReader p) {
    return new TrafficPolicy(
        p.object("loadBalancer", DestinationRuleParser::loadBalancer),
        p.object("connectionPool", DestinationRuleParser::connectionPool),
        p.object("outlierDetection", DestinationRuleParser::outlierDetection),
        p.object("tls", DestinationRuleParser::clientTls),
        p.list("portLevelSettings", pl -> new TrafficPolicy.PortTrafficPolicy(
            pl.object("port", PortSelector::read),
            pl.object("loadBalancer", DestinationRuleParser::loadBalancer),
            pl.object("connectionPool", DestinationRuleParser::connectionPool),
            pl.object("outlierDetection", DestinationRuleParser::outlierDetection),
            pl.object("tls", DestinationRuleParser::clientTls))),
        p.object("tunnel", t -> new TrafficPolicy.Tunnel(t.string("protocol"), t.string("targetHost"), t.integer("targetPort"))),
        p.object("proxyProtocol", pp -> {
          TrafficPolicy.ProxyProtocol.Version version = pp.enumValue("version", TrafficPolicy.ProxyProtocol.Version.class);
          return new TrafficPolicy.ProxyProtocol(version == null ? TrafficPolicy.ProxyProtocol.Version.V1 : version);
        }));
  }

  static LoadBalancer loadBalancer(MapReader lb) {
    lb.oneOf("simple", "consistentHash");
    LoadBalancer.SimpleLb simple = lb.enumValue("simple", LoadBalancer.SimpleLb.class);
    ConsistentHash hash = lb.object("consistentHash", DestinationRuleParser::consistentHash);
    LoadBalancer.Policy policy = simple != null ? new LoadBalancer.Simple(simple) : hash;
    return new LoadBalancer(
        policy,
        lb.object("localityLbSetting", DestinationRuleParser::localityLbSetting),
        lb.duration("warmupDurationSecs"),
        lb.object("warmup", w -> new LoadBalancer.Warmup(w.duration("duration"), w.number("minimumPercent"), w.number("aggression"))));
  }

  static ConsistentHash consistentHash(MapReader ch) {
    ch.oneOf("httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName");
    ch.oneOf("ringHash", "maglev");
    HashKey key = null;
    String header = ch.string("httpHeaderName");
    LoadBalancer.HttpCookie cookie = ch.object("httpCookie", c -> new LoadBalancer.HttpCookie(
        c.string("name"), c.string("path"), c.duration("ttl"),
        c.list("attributes", a -> new LoadBalancer.CookieAttribute(a.string("name"), a.string("value")))));
    Boolean sourceIp = ch.bool("useSourceIp");
    String query = ch.string("httpQueryParameterName");
    if (header != null) {
      key = new LoadBalancer.HttpHeaderName(header);
    } else if (cookie != null) {
      key = cookie;
    } else if (sourceIp != null) {
      key = new LoadBalancer.UseSourceIp(sourceIp);
    } else if (query != null) {
      key = new LoadBalancer.HttpQueryParameterName(query);
    }
    LoadBalancer.RingHash ring = ch.object("ringHash", r -> new LoadBalancer.RingHash(r.longValue("minimumRingSize")));
    LoadBalancer.Maglev maglev = ch.object("maglev", m -> new LoadBalancer.Maglev(m.longValue("tableSize")));
    HashAlgorithm algorithm = ring != null ? ring : maglev;
    return new ConsistentHash(key, algorithm, ch.longValue("minimumRingSize"));
  }

  static LoadBalancer.LocalityLbSetting localityLbSetting(MapReader l) {
    return new LoadBalancer.LocalityLbSetting(
        l.list("distribute", d -> new LoadBalancer.Distribute(d.string("from"), d.integerMap("to"))),
        l.list("failover", f -> new LoadBalancer.Failover(f.string("from"), f.string("to"))),
        l.strings("failoverPriority"),
        l.bool("enabled"));
  }

  public static ConnectionPool connectionPool(MapReader cp) {
    return new ConnectionPool(
        cp.object("tcp", t -> new ConnectionPool.Tcp(
            t.integer("maxConnections"),
            t.duration("connectTimeout"),
            t.object("tcpKeepalive", k -> new ConnectionPool.TcpKeepalive(k.longValue("probes"), k.duration("time"), k.duration("interval"))),
            t.duration("maxConnectionDuration"),
            t.duration("idleTimeout"))),
        cp.object("http", h -> new ConnectionPool.Http(
            h.integer("http1MaxPendingRequests"),
            h.integer("http2MaxRequests"),
            h.integer("maxRequestsPerConnection"),
            h.integer("maxRetries"),
            h.duration("idleTimeout"),
            h.enumValue("h2UpgradePolicy", ConnectionPool.H2UpgradePolicy.class),
            h.bool("useClientProtocol", false),
            h.integer("maxConcurrentStreams"))));
  }

  static OutlierDetection outlierDetection(MapReader o) {
    return new OutlierDetection(
        o.bool("splitExternalLocalOriginErrors", false),
        o.longValue("consecutiveLocalOriginFailures"),
        o.longValue("consecutiveGatewayErrors"),
        o.longValue("consecutive5xxErrors"),
        o.integer("consecutiveErrors"),
        o.duration("interval"),
        o.duration("baseEjectionTime"),
        o.integer("maxEjectionPercent"),
        o.integer("minHealthPercent"));
  }

  public static ClientTls clientTls(MapReader t) {
    ClientTls.Mode mode = t.enumValue("mode", ClientTls.Mode.class);
    return new ClientTls(
        mode == null ? ClientTls.Mode.DISABLE : mode,
        t.string("clientCertificate"),
        t.string("privateKey"),
        t.string("caCertificates"),
        t.string("credentialName"),
        t.strings("subjectAltNames"),
        t.string("sni"),
        t.bool("insecureSkipVerify"),
        t.string("caCrl"));
  }
}
