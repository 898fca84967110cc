package dev.weft.controlplane.store;

import java.util.Locale;

/** What a write did to one resource (kubectl's words). */
public enum Action {
  CREATED,
  CONFIGURED,
  UNCHANGED,
  DELETED,
  NOT_FOUND;

  /** "created", "configured", "unchanged", "deleted", "not found". */
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
