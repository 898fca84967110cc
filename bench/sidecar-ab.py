#!/usr/bin/env python3
"""A/B of one proxy's start: a sidecar (INTERCEPTION_MODE NONE, an unregistered workload) joins a
running mesh, started from the proxy's jvm.options plus each variant's flags and AOT cache, in turn
(alternating, RUNS rounds); CPU-s (utime+stime, per thread too) and wall s from process start to /ready.

  bench/sidecar-ab.py TREE XDS_HOST:PORT FREE_LOOPBACK_ADDR RUNS label:cache:flags ...
  e.g. bench/sidecar-ab.py . 127.78.1.1:15010 127.78.1.60 3 \
         "c2:cli/target/weft-proxy.aot:" "c1:cli/target/weft-proxy.aot:-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"

TREE is a built checkout (cli/target); the mesh is any `weft up` (its xDS address from `weft status`).
Results go to stdout and ab-<time>.json in the working directory; logs to a temporary directory.
"""
import os, subprocess, sys, tempfile, time, urllib.request, json
JAVA = os.environ.get("JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
WORK = tempfile.mkdtemp(prefix="weft-sidecar-ab-")
TICKS = os.sysconf("SC_CLK_TCK")
tree, xds, addr, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
variants = [v.split(":", 2) for v in sys.argv[5:]]
t = os.path.join(tree, "cli/target")
cp = ":".join([os.path.join(t, "weft-cli.jar")] + sorted(os.path.join(t, "lib", j) for j in os.listdir(os.path.join(t, "lib")) if j.endswith(".jar")))
base = subprocess.run([JAVA, "-cp", cp, "dev.weft.proxy.ProxyJvmOptions"], capture_output=True, text=True).stdout.split()
boot = os.path.join(WORK, "probe.yaml")
open(boot, "w").write(f"""node:
  id: sidecar~{addr}~probe-v1.default~default.svc.cluster.local
  cluster: probe.default
  metadata:
    NAMESPACE: default
    SERVICE_ACCOUNT: probe
    LABELS: {{"app": "probe", "version": "v1"}}
    INTERCEPTION_MODE: NONE
    HTTP_PROXY_PORT: "15080"
    WEFT_APP_PORTS: "9080=127.0.0.1:1"
xds:
  address: {xds}
  reconnect: {{initial: 200ms, max: 5s}}
admin:
  address: {addr}:15000
""")
def cpu(pid):
    s = open(f"/proc/{pid}/stat").read(); f = s[s.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / TICKS
def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            s = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        f = s[s.rindex(")") + 2:].split()
        key = "C1/C2 compiler" if "Compiler" in name else name.rstrip("0123456789-#")
        out[key] = out.get(key, 0) + (int(f[11]) + int(f[12])) / TICKS
    return {k: round(v, 2) for k, v in sorted(out.items(), key=lambda kv: -kv[1]) if v >= 0.03}
results = {}
for r in range(runs):
    for label, cache, flags in variants:
        cmd = [JAVA, "-Xlog:aot=off", "-Xlog:cds=off"] + base + flags.split()
        if cache:
            cmd.append("-XX:AOTCache=" + cache)
        log = open(os.path.join(WORK, f"probe-{label}-{r}.log"), "w")
        t0 = time.monotonic()
        p = subprocess.Popen(cmd + ["-cp", cp, "dev.weft.proxy.ProxyMain", "--bootstrap", boot], stdout=log, stderr=subprocess.STDOUT)
        ready = None
        while time.monotonic() - t0 < 60:
            try:
                with urllib.request.urlopen(f"http://{addr}:15000/ready", timeout=1) as u:
                    if u.status == 200:
                        ready = time.monotonic() - t0; break
            except Exception:
                pass
            time.sleep(0.02)
        c = cpu(p.pid); th = threads(p.pid)
        p.terminate(); p.wait(30)
        load = float(open("/proc/loadavg").read().split()[0])
        results.setdefault(label, []).append({"ready_s": round(ready, 2) if ready else None, "cpu_s": round(c, 2), "load": load, "threads": th})
        print(label, results[label][-1], flush=True)
import statistics
summary = {k: {"ready_s_median": statistics.median([x["ready_s"] or 99 for x in v]), "cpu_s_median": statistics.median([x["cpu_s"] for x in v])} for k, v in results.items()}
print(json.dumps(summary, indent=1))
json.dump({"summary": summary, "runs": results}, open(f"ab-{int(time.time())}.json", "w"), indent=1)
