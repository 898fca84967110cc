package dev.weft.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, or "dev" when run from classes. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"weft " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
  }
}
