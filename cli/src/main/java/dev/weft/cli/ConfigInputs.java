package dev.weft.cli;

import dev.weft.config.load.ConfigLoader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -f FILE|DIR|-} options shared by commands that read config. */
final class ConfigInputs {
  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
      description = "YAML file, directory of YAML files, or - for stdin; repeatable")
  List<String> files;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", paramLabel = "NS",
      description = "namespace for resources that name none (default: ${DEFAULT-VALUE})")
  String namespace;

  ConfigLoader load(InputStream stdin) {
    ConfigLoader loader = new ConfigLoader(dev.weft.config.yaml.YamlLimits.DEFAULT, namespace);
    for (String f : files) {
      if (f.equals("-")) {
        loader.addStream(stdin, "-");
      } else {
        loader.addPath(Path.of(f));
      }
    }
    return loader;
  }
}
