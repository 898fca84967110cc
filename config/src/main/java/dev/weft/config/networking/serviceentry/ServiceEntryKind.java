package dev.weft.config.networking.serviceentry;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of ServiceEntry with the loader. */
public final class ServiceEntryKind {
  public static final KindHandler<ServiceEntry> HANDLER =
      KindHandler.istio(Kind.SERVICE_ENTRY, ServiceEntry.class, ServiceEntryParser::parse, new ServiceEntryValidator());

  private ServiceEntryKind() {}
}
