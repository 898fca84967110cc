package dev.weft.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * /stats/prometheus: the stats in Prometheus' text format as Envoy prints them: {@code envoy_} prefix,
 * dots to underscores, and Envoy's default tag extraction for the names this proxy has
 * ({@code cluster.<name>.} becomes {@code envoy_cluster_name}, {@code http.<prefix>.}
 * {@code envoy_http_conn_manager_prefix}, {@code listener.<address>.} {@code envoy_listener_address},
 * {@code _rq_200} / {@code _rq_2xx} {@code envoy_response_code} / {@code envoy_response_code_class}).
 */
final class PrometheusText {

    private PrometheusText() {
    }

    /** Envoy's tag extractors (source/common/config/well_known_names.cc), the ones that apply here. */
    private static final List<Extractor> EXTRACTORS = List.of(
            new Extractor("envoy_cluster_name", Pattern.compile("^cluster\\.((.+?(?:\\..+?\\.svc\\.cluster\\.local)?)\\.)")),
            new Extractor("envoy_http_conn_manager_prefix", Pattern.compile("^http\\.((.*?)\\.)")),
            new Extractor("envoy_listener_address",
                    Pattern.compile("^listener\\.(((?:[_.0-9]*|[_\\[\\]aAbBcCdDeEfF0-9]*))\\.)")),
            new Extractor("envoy_response_code", Pattern.compile("_rq(_(\\d{3}))$")),
            new Extractor("envoy_response_code_class", Pattern.compile("_rq(_(\\d)xx)$")));

    private record Extractor(String tag, Pattern pattern) {
    }

    private record Sample(String labels, long value) {
    }

    static String print(Map<String, Long> counters, Map<String, Long> gauges) {
        Map<String, List<Sample>> counterFamilies = families(counters);
        Map<String, List<Sample>> gaugeFamilies = families(gauges);
        StringBuilder out = new StringBuilder();
        write(out, counterFamilies, "counter");
        write(out, gaugeFamilies, "gauge");
        return out.toString();
    }

    private static Map<String, List<Sample>> families(Map<String, Long> stats) {
        Map<String, List<Sample>> families = new TreeMap<>();
        stats.forEach((name, value) -> {
            String rest = name;
            List<String> labels = new ArrayList<>();
            for (Extractor extractor : EXTRACTORS) {
                Matcher m = extractor.pattern.matcher(rest);
                if (m.find()) {
                    labels.add(extractor.tag + "=\"" + escape(m.group(2)) + "\"");
                    // Envoy removes the first group (the tag value with its separator) from the name.
                    rest = rest.substring(0, m.start(1)) + rest.substring(m.end(1));
                }
            }
            // A class like "2xx" leaves "upstream_rq" + "_xx" in Envoy's naming.
            if (labels.stream().anyMatch(l -> l.startsWith("envoy_response_code_class="))) {
                rest = rest + "_xx";
            }
            String metric = "envoy_" + rest.replaceAll("[^a-zA-Z0-9_]", "_");
            families.computeIfAbsent(metric, m -> new ArrayList<>())
                    .add(new Sample(labels.isEmpty() ? "" : "{" + String.join(",", labels.reversed()) + "}", value));
        });
        return families;
    }

    private static void write(StringBuilder out, Map<String, List<Sample>> families, String type) {
        families.forEach((metric, samples) -> {
            out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
            samples.stream().sorted(java.util.Comparator.comparing(Sample::labels)).forEach(sample ->
                    out.append(metric).append(sample.labels).append(' ').append(sample.value).append('\n'));
        });
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
