#!/usr/bin/env python3
"""One proxy's start and footprint against a running control plane, as the product starts it.

Starts one control plane (Bookinfo's Services, gateway, DestinationRules and VirtualServices from
samples/ in a --config-dir; ephemeral admin port, a free xDS port), then, for each build given
(--build LABEL=CLASSPATH, alternating run by run so that machine load hits all alike), starts
`dev.weft.proxy.ProxyMain --bootstrap` as a sidecar with the proxy's jvm.options flags and the
build's own AOT cache (recorded first by a training run, as `weft up` records
cli/target/weft-proxy.aot), and records from /proc at the first /ready 200:
  ready_s   process start -> /ready 200 (wall)
  cpu_s     utime+stime of the proxy process at ready (and per thread group)
  rss_mb    VmRSS at ready, and again after --idle-seconds (idle)
  threads   at ready
  classes   loaded classes (jcmd VM.classloader_stats, after the figures above are taken)
With --inventory, one more run per build with -Xlog:class+load and -Xlog:class+init writes the
loaded/initialised classes grouped by package. With --nmt, one run with NativeMemoryTracking.
Prints medians and writes JSON (--out).
"""
import argparse
import collections
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
JCMD = os.path.join(os.path.dirname(JAVA), "jcmd")
CLK = os.sysconf("SC_CLK_TCK")
CONFIG = ["platform/kube/bookinfo.yaml", "networking/bookinfo-gateway.yaml",
          "networking/destination-rule-all.yaml", "networking/virtual-service-all-v1.yaml"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launcher_classpath(target):
    jars = sorted(os.path.join(target, "lib", j) for j in os.listdir(os.path.join(target, "lib")) if j.endswith(".jar"))
    main = [os.path.join(target, j) for j in os.listdir(target) if re.match(r"weft-cli-.*\.jar$", j)]
    return ":".join(main + jars)


def jvm_options(path):
    flags = []
    for line in open(path):
        flags += line.split("#", 1)[0].split()
    return flags


def jvm_options_of(cp, default):
    """The jvm.options inside the build's weft-proxy jar (cli/target-like dir), else the file given."""
    import zipfile
    if os.path.isdir(cp):
        for j in os.listdir(os.path.join(cp, "lib")):
            if j.startswith("weft-proxy-") and j.endswith(".jar"):
                with zipfile.ZipFile(os.path.join(cp, "lib", j)) as z:
                    text = z.read("dev/weft/proxy/jvm.options").decode()
                return [f for line in text.splitlines() for f in line.split("#", 1)[0].split()]
    return jvm_options(default)


def get(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except Exception as e:  # 503 before ready, refused before the admin server binds
        return getattr(e, "code", None)


def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / CLK


def threads_cpu(pid):
    groups = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            raw = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        f = raw.rsplit(")", 1)[1].split()
        key = re.sub(r"[-#]?\d+$", "", name) or name
        if key.startswith("C1 CompilerThre") or key.startswith("C2 CompilerThre"):
            key = key[:2] + " compiler"
        groups[key] += (int(f[11]) + int(f[12])) / CLK
    return dict(sorted(((k, round(v, 2)) for k, v in groups.items() if v > 0), key=lambda kv: -kv[1]))


def thread_names(pid):
    names = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            names[re.sub(r"\d+", "N", open(f"/proc/{pid}/task/{tid}/comm").read().strip())] += 1
        except OSError:
            pass
    return dict(sorted(names.items()))


def status(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def loaded_classes(pid):
    out = subprocess.run([JCMD, str(pid), "VM.classloader_stats"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"Total = \d+\s+(\d+)", out)
    return int(m.group(1)) if m else None


def write_bootstrap(path, xds_port, admin_port, name):
    open(path, "w").write(f"""node:
  id: sidecar~127.0.0.1~{name}.default~default.svc.cluster.local
  cluster: productpage.default
  metadata:
    NAMESPACE: default
    SERVICE_ACCOUNT: bookinfo-productpage
    LABELS: {{app: productpage, version: v1}}
xds:
  address: 127.0.0.1:{xds_port}
  reconnect: {{initial: 200ms, max: 5s}}
admin:
  address: 127.0.0.1:{admin_port}
""")


def start_proxy(cp, flags, bootstrap, log):
    cmd = [JAVA, "-Xlog:aot=off", "-Xlog:cds=off"] + flags + ["-cp", cp, "dev.weft.proxy.ProxyMain",
                                                              "--bootstrap", bootstrap]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    return p, t0


def wait_ready(p, t0, admin_port, timeout=240):
    url = f"http://127.0.0.1:{admin_port}/ready"
    while time.monotonic() - t0 < timeout:
        if p.poll() is not None:
            raise RuntimeError(f"proxy exited with {p.returncode}")
        if get(url, 0.5) == 200:
            return time.monotonic() - t0
        time.sleep(0.01)
    raise RuntimeError("proxy not ready in time")


def stop(p, wait=30):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(wait)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", action="append", required=True, help="LABEL=CLASSPATH or LABEL=cli/target dir, optionally |FLAGS for this build only")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--flags", default="", help="extra JVM flags after jvm.options")
    ap.add_argument("--jvm-options", default=os.path.join(ROOT, "proxy/src/main/resources/dev/weft/proxy/jvm.options"))
    ap.add_argument("--idle-seconds", type=float, default=5)
    ap.add_argument("--inventory", action="store_true")
    ap.add_argument("--nmt", action="store_true")
    ap.add_argument("--no-aot", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="proxy-footprint-")
    builds = []
    build_flags = {}
    for b in args.build:
        label, cp = b.split("=", 1)
        cp, _, own = cp.partition("|")  # LABEL=CP|FLAGS: flags for this build only (after jvm.options)
        # Each build runs with its own jvm.options (from its weft-proxy jar), as the product would.
        build_flags[label] = jvm_options_of(cp, args.jvm_options) + args.flags.split() + own.split()
        if os.path.isdir(cp):
            cp = launcher_classpath(cp)
        builds.append((label, cp))
    flags = []

    cfg = os.path.join(work, "config")
    os.makedirs(cfg)
    for c in CONFIG:
        shutil.copy(os.path.join(ROOT, "samples/bookinfo", c), os.path.join(cfg, c.replace("/", "-")))
    xds_port = free_port()
    cp_log = open(os.path.join(work, "controlplane.log"), "w")
    cplane = subprocess.Popen([JAVA, "-XX:+UseSerialGC", "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                               "--sun-misc-unsafe-memory-access=allow", "-cp", builds[0][1], "dev.weft.cli.Main",
                               "controlplane", "--data-dir", os.path.join(work, "data"), "--config-dir", cfg,
                               "--port", "0", "--xds-port", str(xds_port)], stdout=cp_log, stderr=subprocess.STDOUT)
    results = {"machine_load_start": open("/proc/loadavg").read().split()[:3], "flags": build_flags, "builds": {}}
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", xds_port), 0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(2)  # config dir read and translated

        def one(label, cp, extra, tag):
            admin = free_port()
            bootstrap = os.path.join(work, f"bootstrap-{label}-{tag}.yaml")
            write_bootstrap(bootstrap, xds_port, admin, "productpage-v1")
            log = open(os.path.join(work, f"proxy-{label}-{tag}.log"), "w")
            p, t0 = start_proxy(cp, build_flags[label] + extra, bootstrap, log)
            try:
                ready = wait_ready(p, t0, admin)
                r = {"ready_s": round(ready, 3), "cpu_s": round(proc_cpu(p.pid), 2),
                     "rss_mb_ready": round(status(p.pid, "VmRSS") / 1024, 1), "threads": status(p.pid, "Threads"),
                     "rss_anon_mb_ready": round(status(p.pid, "RssAnon") / 1024, 1),
                     "rss_file_mb_ready": round(status(p.pid, "RssFile") / 1024, 1),
                     "cpu_by_thread": threads_cpu(p.pid), "thread_names": thread_names(p.pid)}
                r["classes"] = loaded_classes(p.pid)
                time.sleep(args.idle_seconds)
                r["rss_mb_idle"] = round(status(p.pid, "VmRSS") / 1024, 1)
                r["cpu_s_idle"] = round(proc_cpu(p.pid), 2)
                if "-XX:NativeMemoryTracking=summary" in extra:
                    r["nmt"] = subprocess.run([JCMD, str(p.pid), "VM.native_memory", "summary"],
                                              capture_output=True, text=True, timeout=60).stdout
                return r
            finally:
                # A training run writes its AOT cache as it exits: give it time on a loaded machine.
                stop(p, 300 if tag == "train" else 30)
                log.close()
                if tag == "train" and p.returncode != 0:
                    raise RuntimeError(f"training run of {label} exited with {p.returncode}: no usable AOT cache")

        aot = {}
        for label, cp in builds:
            if args.no_aot:
                aot[label] = []
                continue
            cache = os.path.join(work, f"{label}.aot")
            one(label, cp, [f"-XX:AOTCacheOutput={cache}"], "train")  # written when it stops
            aot[label] = [f"-XX:AOTCache={cache}"]
            results["builds"][label] = {"runs": []}
        for label, _ in builds:
            results["builds"].setdefault(label, {"runs": []})
        for i in range(args.runs):
            for label, cp in builds:
                r = one(label, cp, aot[label], f"run{i}")
                results["builds"][label]["runs"].append(r)
                print(f"{label} run {i}: ready {r['ready_s']} s, cpu {r['cpu_s']} s, rss {r['rss_mb_ready']}/"
                      f"{r['rss_mb_idle']} MB, threads {r['threads']}, classes {r['classes']}", flush=True)
        for label, cp in builds:
            runs = results["builds"][label]["runs"]
            med = {k: statistics.median(r[k] for r in runs) for k in
                   ("ready_s", "cpu_s", "rss_mb_ready", "rss_mb_idle", "threads", "classes")} if runs else {}
            results["builds"][label]["median"] = med
            print(f"{label} median of {len(runs)}: {med}", flush=True)
            if args.nmt:
                r = one(label, cp, aot[label] + ["-XX:NativeMemoryTracking=summary"], "nmt")
                results["builds"][label]["nmt_run"] = r
                print(r["nmt"])
            if args.inventory:
                logf = os.path.join(work, f"classes-{label}.log")
                r = one(label, cp, aot[label] + [f"-Xlog:class+load=info,class+init=info:file={logf}"], "inv")
                results["builds"][label]["inventory"] = inventory(logf)
                results["builds"][label]["inventory_log"] = logf
                print(json.dumps(results["builds"][label]["inventory"], indent=1))
    finally:
        stop(cplane)
    results["machine_load_end"] = open("/proc/loadavg").read().split()[:3]
    results["work_dir"] = work
    if args.out:
        json.dump(results, open(args.out, "w"), indent=1)
    print("work dir:", work)


GROUPS = ["com.google.protobuf", "com.google.common", "io.envoyproxy.envoy", "io.envoyproxy", "com.github.xds",
          "xds", "udpa", "validate", "io.grpc", "io.netty", "io.perfmark", "com.fasterxml.jackson",
          "org.snakeyaml", "com.google.re2j", "com.google.rpc", "com.google", "dev.weft.proxy", "dev.weft",
          "jdk.internal", "sun.", "com.sun", "java.", "javax.", "jdk."]


def group(name):
    for g in GROUPS:
        if name.startswith(g):
            return g
    return name.split(".")[0]


def inventory(logf):
    loaded, inited = collections.Counter(), collections.Counter()
    for line in open(logf):
        m = re.search(r"\[class,load\s*\] (\S+) source", line)
        if m:
            loaded[group(m.group(1))] += 1
            continue
        m = re.search(r"\[class,init\s*\] \d+ Initializing '([^']+)'", line)
        if m:
            inited[group(m.group(1).replace("/", "."))] += 1
    return {"loaded_total": sum(loaded.values()), "initialized_total": sum(inited.values()),
            "loaded": dict(loaded.most_common()), "initialized": dict(inited.most_common())}


if __name__ == "__main__":
    main()
