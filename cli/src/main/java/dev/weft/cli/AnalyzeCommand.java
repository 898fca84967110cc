package dev.weft.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weft analyze -f ...}: cross-resource checks with istioctl's message codes. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Cross-resource analysis with istioctl's message codes (IST0101, ...). Exit code 1 on any Error.")
final class AnalyzeCommand implements Callable<Integer> {
  @Mixin ConfigInputs inputs;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("analyze is not implemented yet");
  }
}
