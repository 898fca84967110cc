package dev.weft.bench.proxy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * One row's figures (what the JSON holds, one object per row).
 *
 * @param rps wrk's Requests/sec (closed loop, keep-alive)
 * @param p50 and the other percentiles: milliseconds at the constant rate, from intended send time
 * @param cpuSecondsPer1k user+system CPU seconds of the row's proxy processes per 1,000 requests of
 *     the constant-rate run; null for direct (no proxy)
 * @param rssMb the highest sum of the proxy processes' VmRSS sampled during that run (MiB); null for direct
 * @param contextSwitchesPerRequest the proxy processes' context switches (all threads, voluntary and not) per
 *     request of the constant-rate run; null for direct
 * @param cpuSecondsByThread the proxy processes' CPU seconds over the constant-rate run by thread kind
 *     (event loops, GC, JIT compiler threads...), largest first; null for direct
 * @param syscallsPerRequest with {@code --strace-seconds}: system calls per request by name ("total" first;
 *     "read errors" etc. the failed ones, mostly EAGAIN) over a separate traced stretch at the same rate; else null
 */
@JsonPropertyOrder({"name", "rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "cpu_s_per_1k", "rss_mb", "ctx_switches_per_req",
    "cpu_s_by_thread", "syscalls_per_req"})
record RowResult(
    String name,
    double rps,
    @JsonProperty("p50_ms") double p50,
    @JsonProperty("p90_ms") double p90,
    @JsonProperty("p99_ms") double p99,
    @JsonProperty("p999_ms") double p999,
    @JsonProperty("cpu_s_per_1k") Double cpuSecondsPer1k,
    @JsonProperty("rss_mb") Double rssMb,
    @JsonProperty("ctx_switches_per_req") Double contextSwitchesPerRequest,
    @JsonProperty("cpu_s_by_thread") Map<String, Double> cpuSecondsByThread,
    @JsonProperty("syscalls_per_req") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> syscallsPerRequest,
    @JsonIgnore long wrkErrors,
    @JsonIgnore long rateDue,
    @JsonIgnore long rateOk,
    @JsonIgnore long rateErrors) {}
