package dev.weft.cli;

import dev.weft.config.load.ConfigLoader;
import dev.weft.config.load.Inputs;
import dev.weft.config.yaml.YamlLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * The inputs' texts (a directory gives its YAML files), each with its read error if it has one:
   * for commands that send the text on, e.g. to the control plane.
   */
  List<Inputs.Text> read(InputStream stdin) {
    return read(files, stdin);
  }

  static List<Inputs.Text> read(List<String> files, InputStream stdin) {
    int max = YamlLimits.DEFAULT.maxBytes();
    List<Inputs.Text> out = new ArrayList<>();
    for (String f : files) {
      if (f.equals("-")) {
        try {
          out.add(Inputs.read(stdin, "-", max));
        } catch (IOException e) {
          out.add(new Inputs.Text("-", null, "cannot read: " + e.getMessage()));
        }
        continue;
      }
      try {
        for (Path p : Inputs.expand(Path.of(f))) {
          out.add(Inputs.readFile(p, p.toString(), max));
        }
      } catch (IOException e) {
        out.add(new Inputs.Text(f, null, "cannot read: " + e.getMessage()));
      }
    }
    return out;
  }

  /** Validates texts read by {@link #read} exactly as {@link #load} would. */
  ConfigLoader validate(List<Inputs.Text> texts) {
    ConfigLoader loader = new ConfigLoader(YamlLimits.DEFAULT, namespace);
    texts.forEach(loader::add);
    return loader;
  }

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
