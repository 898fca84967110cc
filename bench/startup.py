#!/usr/bin/env python3
"""Start-time benchmark for `weft up` and for one sidecar joining a running mesh (`weft run`).

Run through bench/startup.sh. Per `weft up` run: wall time from the command to the first 200 of the
product page through the ingress gateway, the "mesh ready in" line, and the CPU seconds each process
kind (control plane, gateway, sample apps, sidecars, weft up itself) had used at that moment
(/proc/PID/stat utime+stime). Per `weft run`: the command -> sidecar /ready, the sidecar's own
process start -> /ready, and the sidecar's CPU seconds at /ready. Medians are printed and a JSON file
is written. Every wait is bounded; everything listens on a loopback range of its own (127.77.x.0/24).
"""
import argparse
import datetime
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEFT = os.path.join(ROOT, "weft")
TICKS = os.sysconf("SC_CLK_TCK")
POLL = 0.05
CACHES = ("weft-proxy.aot", "weft-controlplane.aot", "weft-app.aot")


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start_seconds_ago(pid):
    """How long ago the process started (field 22 of /proc/PID/stat, in ticks since boot)."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    start_ticks = int(stat[stat.rindex(")") + 2:].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / TICKS


def http_ok(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url), timeout=2) as r:
            r.read()
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def wait_for(check, timeout, what, alive=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        if alive is not None and not alive():
            raise RuntimeError(f"{what}: the process exited")
        time.sleep(POLL)
    raise RuntimeError(f"{what}: not within {timeout} s")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cpu_by_kind(state):
    kinds = {}
    for p in state["processes"]:
        kinds.setdefault(p["kind"], []).append(cpu_seconds(p["pid"]))
    kinds.setdefault("weft-up", []).append(cpu_seconds(state["supervisorPid"]))
    return {k: {"count": len(v), "total": round(sum(v), 2), "per_process": round(sum(v) / len(v), 2)} for k, v in kinds.items()}


def one_up(index, work, args):
    prefix = f"127.77.{index % 200 + 20}."
    mesh = prefix + "1"
    run_dir = os.path.join(work, f"run-{index}")
    log = open(os.path.join(work, f"up-{index}.log"), "w")
    cmd = [WEFT, "up", "--run-dir", run_dir, "--ip-range", prefix + "0/24", "--controlplane-address", mesh,
           "--gateway-address", mesh, "--start-timeout", "200"]
    before = load()
    t0 = time.monotonic()
    up = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    result = {"load_before": before}
    try:
        t_page = wait_for(lambda: http_ok(f"http://{mesh}:8080/productpage"), args.timeout, "product page",
                          alive=lambda: up.poll() is None)
        state = read_json(os.path.join(run_dir, "state", "mesh.json"))
        result["cpu"] = cpu_by_kind(state)
        result["page_s"] = round(t_page - t0, 2)
        wait_for(lambda: "mesh ready in" in open(log.name).read(), 60, "mesh ready line")
        text = open(log.name).read()
        result["mesh_ready_s"] = float(re.search(r"mesh ready in ([0-9.]+) s", text).group(1))
        result["sidecar_ready_s"] = [float(x) for x in re.findall(r"sidecar ready ([0-9.]+) s after its start", text)]
        result["components"] = {m.group(1): float(m.group(2)) for m in re.finditer(r"^  (\S[^\n]*?)\s+ready in\s+([0-9.]+) s", text, re.M)}
        result["load_after"] = load()
        if args.sidecar_runs and index == args.runs - 1 + args.warmup + args.extra_warmups:
            result["sidecars"] = [one_sidecar(k, run_dir, work) for k in range(args.sidecar_runs)]
    finally:
        # `weft up` is our child: wait for it while `weft down` runs, or it stays a zombie that
        # `weft down` takes for alive (it then waits its whole grace for the supervisor).
        down = subprocess.Popen([WEFT, "down", "--run-dir", run_dir], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            up.wait(timeout=240)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait()
        try:
            down.wait(timeout=300)
        except subprocess.TimeoutExpired:
            down.kill()
        log.close()
    return result


def one_sidecar(k, run_dir, work):
    name = f"bench-{k}"
    port = free_port()
    log = open(os.path.join(work, f"run-{name}.log"), "w")
    t0 = time.monotonic()
    run = subprocess.Popen([WEFT, "run", "--run-dir", run_dir, "--name", name, "--port", str(port), "--",
                            sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                           stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    try:
        state_file = os.path.join(run_dir, "state", name + ".json")

        def sidecar():
            s = read_json(state_file)
            if s is None:
                return None
            return next((p for p in s["processes"] if p["kind"] == "sidecar" and p["pid"] > 0), None)

        wait_for(lambda: sidecar() is not None, 60, name + " sidecar started", alive=lambda: run.poll() is None)
        sc = sidecar()
        t_ready = wait_for(lambda: http_ok(sc["health"]), 60, name + " sidecar ready", alive=lambda: run.poll() is None)
        since_start = start_seconds_ago(sc["pid"])
        cpu = cpu_seconds(sc["pid"])
        wait_for(lambda: "is in the mesh" in open(log.name).read(), 60, name + " in the mesh", alive=lambda: run.poll() is None)
        t_in = time.monotonic()
        return {"command_to_ready_s": round(t_ready - t0, 2), "sidecar_start_to_ready_s": round(since_start, 2),
                "sidecar_cpu_s": round(cpu, 2), "command_to_in_mesh_s": round(t_in - t0, 2)}
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
        log.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(values):
    return round(statistics.median(values), 2) if values else None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="weft up runs measured (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="weft up runs first, not counted (the first records the AOT caches)")
    p.add_argument("--sidecar-runs", type=int, default=5, help="weft run sidecars in the last mesh (default 5)")
    p.add_argument("--timeout", type=int, default=240, help="longest wait for the product page per run, seconds")
    p.add_argument("--label", default="", help="a name for this configuration in the JSON")
    p.add_argument("--out", default=None, help="JSON file (default bench/results/startup-<date>-<time>.json)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="weft-startup-")
    runs = []
    extra = 0
    args.extra_warmups = 0
    for i in range(args.warmup + args.runs + 2):
        if i >= args.warmup + extra + args.runs:
            break
        r = one_up(i, work, args)
        r["warmup"] = i < args.warmup + extra
        runs.append(r)
        print(json.dumps(r), flush=True)
        # A cache is written when its process stops; on a loaded machine the trainer can be stopped
        # before it has written it, and the next run would train again instead of being measured.
        missing = [c for c in CACHES if not os.path.isfile(os.path.join(ROOT, "cli", "target", c))]
        if r["warmup"] and missing and extra < 2:
            print("AOT caches still missing after the warm-up, one more: " + ", ".join(missing), flush=True)
            extra += 1
            args.extra_warmups = extra
    measured = [r for r in runs if not r["warmup"]]
    kinds = sorted({k for r in measured for k in r["cpu"]})
    summary = {
        "page_s_median": median([r["page_s"] for r in measured]),
        "mesh_ready_s_median": median([r["mesh_ready_s"] for r in measured]),
        "sidecar_ready_in_up_s_median": median([x for r in measured for x in r["sidecar_ready_s"]]),
        "cpu_per_process_median": {k: median([r["cpu"][k]["per_process"] for r in measured if k in r["cpu"]]) for k in kinds},
        "cpu_total_median": median([sum(c["total"] for c in r["cpu"].values()) for r in measured]),
        "load_median": median([r["load_before"] for r in measured]),
    }
    sidecars = [s for r in measured for s in r.get("sidecars", [])]
    if sidecars:
        for key in ("command_to_ready_s", "sidecar_start_to_ready_s", "sidecar_cpu_s", "command_to_in_mesh_s"):
            summary["weft_run_" + key + "_median"] = median([s[key] for s in sidecars])
    out = args.out or os.path.join(ROOT, "bench", "results", "startup-" + datetime.datetime.now().strftime("%Y-%m-%d-%H%M") + ".json")
    with open(out, "w") as f:
        json.dump({"label": args.label, "date": datetime.datetime.now().isoformat(timespec="seconds"), "cores": os.cpu_count(),
                   "summary": summary, "runs": runs}, f, indent=2)
    print(json.dumps(summary, indent=2))
    print("written: " + out + " (logs in " + work + ")")


if __name__ == "__main__":
    main()
