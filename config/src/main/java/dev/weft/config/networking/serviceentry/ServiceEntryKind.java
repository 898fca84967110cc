package dev.weft.config.networking.serviceentry;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of ServiceEntry with the loader (its reader takes the whole document: status.addresses too). */
public final class ServiceEntryKind {
  public static final KindHandler<ServiceEntry> HANDLER =
      new KindHandler<>(Kind.SERVICE_ENTRY, ServiceEntry.class, ServiceEntryParser::read, new ServiceEntryValidator());

  private ServiceEntryKind() {}
}
