package dev.weft.bench.proxy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One row's figures (what the JSON holds, one object per row).
 *
 * @param rps wrk's Requests/sec (closed loop, keep-alive)
 * @param p50 and the other percentiles: milliseconds at the constant rate, from intended send time
 * @param cpuSecondsPer1k user+system CPU seconds of the row's proxy processes per 1,000 requests of
 *     the constant-rate run; null for direct (no proxy)
 * @param rssMb the highest sum of the proxy processes' VmRSS sampled during that run (MiB); null for direct
 */
@JsonPropertyOrder({"name", "rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "cpu_s_per_1k", "rss_mb"})
record RowResult(
    String name,
    double rps,
    @JsonProperty("p50_ms") double p50,
    @JsonProperty("p90_ms") double p90,
    @JsonProperty("p99_ms") double p99,
    @JsonProperty("p999_ms") double p999,
    @JsonProperty("cpu_s_per_1k") Double cpuSecondsPer1k,
    @JsonProperty("rss_mb") Double rssMb,
    @JsonIgnore long wrkErrors,
    @JsonIgnore long rateDue,
    @JsonIgnore long rateOk,
    @JsonIgnore long rateErrors) {}
