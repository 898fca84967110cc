package dev.weft.cli.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Istio's Bookinfo as {@code weft up} runs it (samples/bookinfo/platform/kube/bookinfo.yaml): the
 * Java sample application ({@code samples-app}), one workload per Deployment, labels app/version,
 * namespace default, service account bookinfo-&lt;app&gt;, service port 9080.
 */
public final class BookinfoDemo {
  private BookinfoDemo() {}

  static final String MAIN = "dev.weft.sample.bookinfo.BookinfoMain";
  /**
   * The workload whose application records the sample apps' AOT cache when it is missing: the
   * product page uses the most classes (the JDK's HTTP server and client, the HTML templates).
   */
  static final String TRAINER = "productpage-v1";

  public static List<WorkloadSpec> workloads() {
    List<WorkloadSpec> out = new ArrayList<>();
    out.add(spec("details", "v1"));
    out.add(spec("ratings", "v1"));
    out.add(spec("reviews", "v1"));
    out.add(spec("reviews", "v2"));
    out.add(spec("reviews", "v3"));
    out.add(spec("productpage", "v1"));
    return out;
  }

  private static WorkloadSpec spec(String app, String version) {
    return new WorkloadSpec(app + "-" + version, app, "default", "bookinfo-" + app, Map.of("app", app, "version", version),
        9080, 0, "/health", (address, port) -> {
          List<String> args = new ArrayList<>(List.of(app, "--bind", address, "--port", Integer.toString(port)));
          if (app.equals("reviews")) {
            args.addAll(List.of("--version", version));
          }
          boolean trainer = (app + "-" + version).equals(TRAINER);
          return JavaLauncher.cached(JavaLauncher.Cache.SAMPLE_APP, MAIN, args, trainer && JavaLauncher.Cache.SAMPLE_APP.missing());
        });
  }
}
