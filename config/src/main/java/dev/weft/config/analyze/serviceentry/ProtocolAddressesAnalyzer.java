package dev.weft.config.analyze.serviceentry;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.serviceentry.ServiceEntry;
import java.util.Map;

/**
 * IST0134: a ServiceEntry port that is TCP (written so, or with no protocol) needs an address to
 * tell its traffic apart, unless Istio allocated one (status.addresses) or the mesh has the proxies
 * capture DNS and allocate addresses automatically. One message per such port. After Istio's
 * serviceentry.ProtocolAddressesAnalyzer, whose analyzer name is "serviceentry.Analyzer".
 */
public final class ProtocolAddressesAnalyzer implements Analyzer {
  static final String DNS_CAPTURE = "ISTIO_META_DNS_CAPTURE";
  static final String DNS_AUTO_ALLOCATE = "ISTIO_META_DNS_AUTO_ALLOCATE";
  static final String IP_AUTO_ALLOCATE = "PILOT_ENABLE_IP_AUTOALLOCATE";

  @Override
  public String name() {
    return "serviceentry.Analyzer";
  }

  @Override
  public String description() {
    return "Checks the validity of ServiceEntry";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    if (autoAllocated(ctx.mesh().proxyMetadata())) {
      return;
    }
    for (Resource<ServiceEntry> r : ctx.all(Kind.SERVICE_ENTRY, ServiceEntry.class)) {
      ServiceEntry se = r.spec();
      if (!se.addresses().isEmpty() || !se.allocatedAddresses().isEmpty()) {
        continue;
      }
      for (int i = 0; i < se.ports().size(); i++) {
        String protocol = se.ports().get(i).protocol();
        if (protocol == null || protocol.isEmpty() || protocol.equalsIgnoreCase("TCP")) {
          ctx.report(MessageType.SERVICE_ENTRY_ADDRESSES_REQUIRED, r, "spec.ports[" + i + "].name");
        }
      }
    }
  }

  private static boolean autoAllocated(Map<String, String> proxyMetadata) {
    return "true".equals(proxyMetadata.get(DNS_CAPTURE))
        && ("true".equals(proxyMetadata.get(DNS_AUTO_ALLOCATE)) || "true".equals(proxyMetadata.get(IP_AUTO_ALLOCATE)));
  }
}
