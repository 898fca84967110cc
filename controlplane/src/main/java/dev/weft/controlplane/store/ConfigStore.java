package dev.weft.controlplane.store;

import dev.weft.config.diag.Diagnostic;
import dev.weft.controlplane.credentials.SecretChecks;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.model.ConfigSet;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlLimits;
import dev.weft.config.yaml.YamlNode;
import dev.weft.config.yaml.YamlWriter;
import dev.weft.controlplane.Log;
import dev.weft.controlplane.Subscription;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The control plane's configuration: validated resources keyed by {@link ResourceKey}, each with
 * the store revision that last changed it (its resourceVersion, as in Kubernetes).
 *
 * <p>A write is validated whole first: if any resource in it is invalid, nothing is changed and the
 * diagnostics say why. A valid write is made durable in the data directory (when there is one)
 * before it is applied, acknowledged and told to watchers, all or nothing. Reads see immutable
 * snapshots and never wait for writes.
 */
public final class ConfigStore implements AutoCloseable {
  private final DataDirectory data;
  private final YamlLimits limits;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Diagnostic> startupProblems;
  private volatile State state;
  private volatile StoreException failure;

  /** An immutable state of the store. */
  private record State(long revision, Map<ResourceKey, StoredResource> byKey, ConfigSet config) {
    static State of(long revision, Map<ResourceKey, StoredResource> byKey) {
      List<Resource<?>> resources = new ArrayList<>(byKey.size());
      for (StoredResource r : byKey.values()) {
        resources.add(r.resource());
      }
      return new State(revision, Collections.unmodifiableMap(byKey), ConfigSet.of(resources));
    }
  }

  private ConfigStore(DataDirectory data, YamlLimits limits, long revision, List<StoredResource> initial, List<Diagnostic> problems) {
    this.data = data;
    this.limits = limits;
    Map<ResourceKey, StoredResource> byKey = new TreeMap<>();
    for (StoredResource r : initial) {
      byKey.put(r.key(), r);
    }
    this.state = State.of(revision, byKey);
    this.startupProblems = List.copyOf(problems);
  }

  /** A store kept only in memory (tests, dry runs). */
  public static ConfigStore inMemory() {
    return new ConfigStore(null, YamlLimits.DEFAULT, 0, List.of(), List.of());
  }

  /**
   * Opens the store of a data directory: finishes writes a crash interrupted, removes their
   * temporary files, and loads every resource file. A file that fails validation is reported in
   * {@link #startupProblems()} and skipped.
   */
  public static ConfigStore open(Path dataDir) throws IOException {
    DataDirectory dir = DataDirectory.open(dataDir);
    try {
      DataDirectory.Loaded loaded = dir.load();
      if (loaded.journalsReplayed() > 0 || loaded.tempFilesRemoved() > 0) {
        Log.info("data directory " + dir.root() + ": finished " + loaded.journalsReplayed() + " interrupted write(s), removed "
            + loaded.tempFilesRemoved() + " temporary file(s)");
      }
      return new ConfigStore(dir, YamlLimits.DEFAULT, loaded.revision(), loaded.resources(), loaded.problems());
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /** Files of the data directory that could not be loaded at start (they were skipped). */
  public List<Diagnostic> startupProblems() {
    return startupProblems;
  }

  public long revision() {
    return state.revision();
  }

  /** The current configuration, immutable. */
  public ConfigSet config() {
    return state.config();
  }

  public Optional<StoredResource> get(ResourceKey key) {
    return Optional.ofNullable(state.byKey().get(key));
  }

  /** Resources in key order; a null kind or namespace matches all. */
  public List<StoredResource> list(Kind kind, String namespace) {
    List<StoredResource> out = new ArrayList<>();
    for (StoredResource r : state.byKey().values()) {
      if ((kind == null || r.key().kind() == kind) && (namespace == null || r.key().namespace().equals(namespace))) {
        out.add(r);
      }
    }
    return out;
  }

  /** Creates or updates the resources of the inputs, all or none. */
  public WriteResult apply(List<ConfigInput> inputs, String defaultNamespace) {
    return sync(inputs, defaultNamespace, Set.of());
  }

  public WriteResult apply(String name, String text) {
    return apply(List.of(new ConfigInput(name, text)), "default");
  }

  /**
   * Like {@link #apply}, and in the same atomic write deletes the keys of {@code prune} that the
   * inputs no longer define: how a file's resources are replaced by its new content.
   */
  public WriteResult sync(List<ConfigInput> inputs, String defaultNamespace, Set<ResourceKey> prune) {
    ConfigLoader loader = new ConfigLoader(limits, defaultNamespace);
    for (ConfigInput in : inputs) {
      loader.addText(in.name(), in.text());
    }
    List<Diagnostic> diagnostics = new ArrayList<>(loader.diagnostics().list());
    // Secrets holding TLS credentials must be usable: checked here, not by validation (see SecretChecks).
    List<Diagnostic> credentialErrors = loader.diagnostics().hasErrors() ? List.of() : SecretChecks.check(loader.resources());
    diagnostics.addAll(credentialErrors);
    if (loader.diagnostics().hasErrors() || !credentialErrors.isEmpty()) {
      return WriteResult.refused(revision(), diagnostics);
    }
    return commit(loader.resources(), List.of(), prune, diagnostics, loader.ignored());
  }

  /** Deletes the resources the inputs name (only their kind, namespace and name are read). */
  public WriteResult delete(List<ConfigInput> inputs, String defaultNamespace) {
    ResourceIdentities.Found found = ResourceIdentities.read(inputs, defaultNamespace, limits);
    if (found.hasErrors()) {
      return WriteResult.refused(revision(), found.diagnostics());
    }
    return commit(List.of(), found.keys(), Set.of(), found.diagnostics(), 0);
  }

  public WriteResult delete(Collection<ResourceKey> keys) {
    return commit(List.of(), List.copyOf(keys), Set.of(), List.of(), 0);
  }

  private WriteResult commit(List<Resource<?>> puts, List<ResourceKey> deletes, Set<ResourceKey> prune,
      List<Diagnostic> diagnostics, int ignored) {
    // Rendering happens before the lock: it is the costly part and needs no shared state.
    List<Rendered> rendered = new ArrayList<>(puts.size());
    for (Resource<?> r : puts) {
      YamlNode.Mapping doc = Documents.normalize(r);
      rendered.add(new Rendered(r, doc, YamlWriter.write(doc)));
    }
    writeLock.lock();
    try {
      if (failure != null) {
        throw new StoreException("the store stopped taking writes after an earlier failure: " + failure.getMessage(), failure, false);
      }
      State current = state;
      long revision = current.revision() + 1;
      Map<ResourceKey, StoredResource> next = new TreeMap<>(current.byKey());
      Map<ResourceKey, ResourceChange> changes = new LinkedHashMap<>();
      Map<ResourceKey, String> files = new LinkedHashMap<>();
      Set<ResourceKey> removed = new LinkedHashSet<>();
      for (Rendered r : rendered) {
        ResourceKey key = r.resource().key();
        StoredResource old = current.byKey().get(key);
        if (old != null && old.canonical().equals(r.canonical())) {
          changes.put(key, new ResourceChange(key, Action.UNCHANGED, old.resourceVersion()));
          continue;
        }
        StoredResource stored = new StoredResource(r.resource(), r.document(), r.canonical(), revision);
        next.put(key, stored);
        files.put(key, YamlWriter.write(stored.versionedDocument()));
        changes.put(key, new ResourceChange(key, old == null ? Action.CREATED : Action.CONFIGURED, revision));
      }
      for (ResourceKey key : deletes) {
        boolean present = next.remove(key) != null;
        if (present) {
          removed.add(key);
        }
        changes.putIfAbsent(key, new ResourceChange(key, present ? Action.DELETED : Action.NOT_FOUND, 0));
      }
      for (ResourceKey key : prune) {
        if (!changes.containsKey(key) && next.remove(key) != null) {
          removed.add(key);
          changes.put(key, new ResourceChange(key, Action.DELETED, 0));
        }
      }
      if (files.isEmpty() && removed.isEmpty()) {
        return new WriteResult(current.revision(), List.copyOf(changes.values()), diagnostics, ignored);
      }
      if (data != null) {
        try {
          data.commit(revision, files, removed);
        } catch (StoreException e) {
          if (e.committed()) {
            failure = e;
          }
          throw e;
        }
      }
      State committed = State.of(revision, next);
      state = committed;
      Set<ResourceKey> changed = new LinkedHashSet<>(files.keySet());
      changed.addAll(removed);
      notifyListeners(new ConfigEvent(revision, committed.config(), changed));
      return new WriteResult(revision, List.copyOf(changes.values()), diagnostics, ignored);
    } finally {
      writeLock.unlock();
    }
  }

  private record Rendered(Resource<?> resource, YamlNode.Mapping document, String canonical) {}

  /**
   * Subscribes a watcher: it is called at once with the current configuration (every key counts
   * as changed), then after each committed write. No write can fall between the two.
   */
  public Subscription watch(ConfigListener listener) {
    writeLock.lock();
    try {
      State s = state;
      deliver(listener, new ConfigEvent(s.revision(), s.config(), s.byKey().keySet()));
      listeners.add(listener);
    } finally {
      writeLock.unlock();
    }
    return () -> listeners.remove(listener);
  }

  private void notifyListeners(ConfigEvent event) {
    for (ConfigListener l : listeners) {
      deliver(l, event);
    }
  }

  private static void deliver(ConfigListener l, ConfigEvent event) {
    try {
      l.onChange(event);
    } catch (RuntimeException e) {
      Log.warn("config watcher " + l + " failed on revision " + event.revision() + ": " + e);
    }
  }

  @Override
  public void close() throws IOException {
    writeLock.lock();
    try {
      listeners.clear();
      if (data != null) {
        data.close();
      }
    } finally {
      writeLock.unlock();
    }
  }
}
