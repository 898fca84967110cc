package dev.weft.controlplane.store;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.load.Inputs;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlLimits;
import dev.weft.controlplane.Log;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keeps the store in step with a directory of YAML files: each file owns the resources it defines.
 * A changed file replaces its resources in one write (those it no longer defines are deleted); a
 * removed file deletes them. An invalid file is reported and its previous good version stays in
 * the store until it is fixed.
 *
 * <p>Changes are noticed through a {@link WatchService} and, in case it misses some or is not
 * available, by rescanning every poll interval.
 */
public final class DirectorySource implements AutoCloseable {
  private static final Duration SETTLE = Duration.ofMillis(50);

  private final ConfigStore store;
  private final Path dir;
  private final String defaultNamespace;
  private final Duration pollInterval;
  private final Map<Path, FileState> files = new HashMap<>();
  private final Map<Path, List<Diagnostic>> problems = new HashMap<>();
  private final Object scanLock = new Object();
  private WatchService watcher;
  private Thread thread;
  private volatile boolean closed;
  private volatile long scans;

  /** What the source last saw of a file and which resources it owns. */
  private record FileState(String text, Set<ResourceKey> owned) {}

  public DirectorySource(ConfigStore store, Path dir, String defaultNamespace, Duration pollInterval) {
    this.store = store;
    this.dir = dir;
    this.defaultNamespace = defaultNamespace;
    this.pollInterval = pollInterval;
  }

  /** Loads the directory once, then follows it on a background thread. */
  public void start() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("config directory " + dir + " does not exist");
    }
    try {
      watcher = dir.getFileSystem().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      Log.warn("cannot watch " + dir + " (" + e.getMessage() + "): polling every " + pollInterval.toMillis() + " ms");
      watcher = null;
    }
    scan();
    thread = Thread.ofPlatform().name("weft-config-dir").daemon().start(this::follow);
  }

  private void follow() {
    while (!closed) {
      try {
        if (watcher == null) {
          Thread.sleep(pollInterval);
        } else {
          WatchKey key = watcher.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            // Editors write in several steps: let them finish, then take every pending event.
            Thread.sleep(SETTLE);
            drain(key);
          }
        }
        scan();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        Log.warn("config directory " + dir + ": " + e);
      }
    }
  }

  private void drain(WatchKey first) {
    WatchKey key = first;
    while (key != null) {
      key.pollEvents();
      key.reset();
      key = watcher.poll();
    }
  }

  /** Brings the store in line with the directory now; returns when done. */
  public void scan() {
    synchronized (scanLock) {
      List<Path> present;
      try {
        registerDirectories();
        present = Inputs.expand(dir);
      } catch (IOException e) {
        Log.warn("config directory " + dir + ": cannot list: " + e.getMessage());
        return;
      }
      for (Path f : present) {
        syncFile(f);
      }
      for (Path gone : new ArrayList<>(files.keySet())) {
        if (!present.contains(gone)) {
          FileState st = files.remove(gone);
          problems.remove(gone);
          Set<ResourceKey> orphans = new LinkedHashSet<>(st.owned());
          orphans.removeAll(ownedByOthers(gone));
          if (!orphans.isEmpty()) {
            report(gone, store.delete(orphans));
          }
        }
      }
      scans++;
    }
  }

  private void syncFile(Path f) {
    Inputs.Text t = Inputs.readFile(f, f.toString(), YamlLimits.DEFAULT.maxBytes());
    FileState old = files.get(f);
    String text = t.error() != null ? null : t.text();
    if (old != null && text != null && text.equals(old.text())) {
      return;
    }
    if (t.error() != null) {
      if (!t.error().equals("no such file")) { // removed while we looked: the next scan handles it
        problems.put(f, List.of(new Diagnostic(dev.weft.config.diag.Level.ERROR, f.toString(), 0, "", "", t.error())));
        Log.warn(f + ": " + t.error());
      }
      return;
    }
    Set<ResourceKey> owned = old == null ? Set.of() : old.owned();
    Set<ResourceKey> prune = new HashSet<>(owned);
    prune.removeAll(ownedByOthers(f));
    WriteResult r;
    try {
      r = store.sync(List.of(new ConfigInput(f.toString(), text)), defaultNamespace, prune);
    } catch (StoreException e) {
      Log.warn(f + ": not applied: " + e.getMessage());
      return; // retried at the next scan: the text is not recorded as seen
    }
    if (!r.accepted()) {
      problems.put(f, r.diagnostics());
      for (Diagnostic d : r.diagnostics()) {
        Log.warn(d.format());
      }
      Log.warn(f + ": not applied; the previous version stays in effect");
      files.put(f, new FileState(text, owned)); // seen: do not report again until it changes
      return;
    }
    problems.remove(f);
    Set<ResourceKey> now = new LinkedHashSet<>();
    for (ResourceChange c : r.changes()) {
      if (c.action() != Action.DELETED && c.action() != Action.NOT_FOUND) {
        now.add(c.key());
      }
    }
    files.put(f, new FileState(text, now));
    report(f, r);
  }

  private Set<ResourceKey> ownedByOthers(Path self) {
    Set<ResourceKey> keys = new HashSet<>();
    files.forEach((p, st) -> {
      if (!p.equals(self)) {
        keys.addAll(st.owned());
      }
    });
    return keys;
  }

  private static void report(Path f, WriteResult r) {
    for (ResourceChange c : r.changes()) {
      if (c.action() != Action.UNCHANGED) {
        Log.info(f + ": " + c.key() + " " + c.action().word());
      }
    }
  }

  private void registerDirectories() throws IOException {
    if (watcher == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path d : walk.filter(Files::isDirectory).toList()) {
        // Registering again is cheap and returns the same key.
        d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
  }

  /** Files whose last version was not applied, with why. */
  public Map<Path, List<Diagnostic>> problems() {
    synchronized (scanLock) {
      return Map.copyOf(problems);
    }
  }

  /** How many scans have completed (tests wait on it). */
  public long scans() {
    return scans;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
    if (watcher != null) {
      watcher.close();
    }
  }
}
