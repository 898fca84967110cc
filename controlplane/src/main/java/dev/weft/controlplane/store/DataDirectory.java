package dev.weft.controlplane.store;

import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Level;
import dev.weft.config.load.ConfigLoader;
import dev.weft.config.load.Inputs;
import dev.weft.config.model.Resource;
import dev.weft.config.model.ResourceKey;
import dev.weft.config.yaml.YamlLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The store's files: one YAML file per resource ({@code resources/<Kind>/<namespace>/<name>.yaml},
 * {@code _cluster} for cluster-scoped kinds) and the store revision ({@code revision}).
 *
 * <p>A write of several files is made crash-atomic with a redo journal: every new file is written
 * to a temporary file and fsynced; then the journal {@code txn/<revision>.txn} naming the renames
 * and deletions is written (temp, fsync, rename, fsync of the directory): that is the commit point.
 * Then the renames and deletions are made and their directories fsynced, and the journal is
 * deleted. At start, a journal that is still there is replayed (each step is idempotent) and every
 * temporary file left by an interrupted write is removed, so a file is either the old or the new
 * version, and a write of several files is all there or not at all.
 */
final class DataDirectory implements AutoCloseable {
  static final String CLUSTER_SCOPE_DIR = "_cluster";
  private static final Pattern SAFE_SEGMENT = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  private static final String JOURNAL_HEADER = "weft-journal 1";

  private final Path root;
  private final Path resources;
  private final Path txn;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /** What was found at start. */
  record Loaded(long revision, List<StoredResource> resources, List<Diagnostic> problems, int journalsReplayed, int tempFilesRemoved) {}

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.resources = root.resolve("resources");
    this.txn = root.resolve("txn");
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating if needed) and locks a data directory; one control plane per directory. */
  static DataDirectory open(Path root) throws IOException {
    Path dir = root.toAbsolutePath().normalize();
    ensureDirectory(dir);
    FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by this process
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("data directory " + dir + " is in use by another weft control plane");
    }
    DataDirectory d = new DataDirectory(dir, ch, lock);
    ensureDirectory(d.resources);
    ensureDirectory(d.txn);
    return d;
  }

  Path root() {
    return root;
  }

  /** Finishes interrupted writes, removes temporary files, then reads every resource file. */
  Loaded load() throws IOException {
    int replayed = replayJournals();
    int removed = removeTempFiles();
    List<Diagnostic> problems = new ArrayList<>();
    List<StoredResource> loaded = new ArrayList<>();
    long revision = readRevision();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(resources)) {
      files = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path f : files) {
      StoredResource r = loadFile(f, problems);
      if (r != null) {
        loaded.add(r);
        revision = Math.max(revision, r.resourceVersion());
      }
    }
    return new Loaded(revision, loaded, problems, replayed, removed);
  }

  private StoredResource loadFile(Path f, List<Diagnostic> problems) {
    String name = root.relativize(f).toString();
    Inputs.Text text = Inputs.readFile(f, name, YamlLimits.DEFAULT.maxBytes());
    if (text.error() != null) {
      problems.add(problem(name, text.error()));
      return null;
    }
    ConfigLoader loader = new ConfigLoader(YamlLimits.DEFAULT, "default").addText(name, text.text());
    if (loader.diagnostics().hasErrors()) {
      problems.addAll(loader.diagnostics().list());
      return null;
    }
    if (loader.resources().size() != 1) {
      problems.add(problem(name, "expected one resource, found " + loader.resources().size() + ": skipped"));
      return null;
    }
    Resource<?> r = loader.resources().getFirst();
    if (!f.equals(fileOf(r.key()))) {
      problems.add(problem(name, r.key() + " does not belong in this file (expected " + root.relativize(fileOf(r.key())) + "): skipped"));
      return null;
    }
    long version = Documents.resourceVersion(r.document());
    var doc = Documents.normalize(r);
    return new StoredResource(r, doc, dev.weft.config.yaml.YamlWriter.write(doc), version);
  }

  private static Diagnostic problem(String file, String message) {
    return new Diagnostic(Level.ERROR, file, 0, "", "", message);
  }

  /**
   * Makes a write durable. {@code puts} maps each created or changed resource to its file text.
   *
   * @throws StoreException if it could not; {@link StoreException#committed()} says whether the
   *     write reached the journal (and so will be finished at the next start)
   */
  void commit(long revision, Map<ResourceKey, String> puts, Collection<ResourceKey> deletes) {
    List<String[]> renames = new ArrayList<>(); // {temp, target}, relative to root
    Set<Path> dirs = new LinkedHashSet<>();
    Path journal = txn.resolve(revision + ".txn");
    try {
      for (Map.Entry<ResourceKey, String> e : puts.entrySet()) {
        Path target = fileOf(e.getKey());
        ensureDirectory(target.getParent());
        renames.add(new String[] {writeTemp(target, revision, e.getValue()), root.relativize(target).toString()});
        dirs.add(target.getParent());
      }
      Path revisionFile = root.resolve("revision");
      renames.add(new String[] {writeTemp(revisionFile, revision, revision + "\n"), "revision"});
      for (Path d : dirs) {
        fsyncDirectory(d);
      }
      fsyncDirectory(root);
      StringBuilder j = new StringBuilder(JOURNAL_HEADER).append('\n');
      for (String[] r : renames) {
        j.append("put ").append(r[1]).append(' ').append(r[0]).append('\n');
      }
      for (ResourceKey k : deletes) {
        j.append("delete ").append(root.relativize(fileOf(k))).append('\n');
      }
      j.append("end\n");
      Path journalTemp = Path.of(writeTemp(journal, revision, j.toString()));
      Files.move(root.resolve(journalTemp), journal, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(txn);
    } catch (IOException | RuntimeException e) {
      if (Files.exists(journal)) { // renamed but not fsynced: it may or may not survive a crash
        throw new StoreException("could not sync the journal: " + e.getMessage()
            + " (restart the control plane)", e, true);
      }
      for (String[] r : renames) {
        deleteQuietly(root.resolve(r[0]));
      }
      deleteQuietly(txn.resolve("." + journal.getFileName() + "." + revision + ".tmp"));
      throw new StoreException("could not write to the data directory: " + e.getMessage(), e, false);
    }
    try {
      replay(journal);
    } catch (IOException | RuntimeException e) {
      throw new StoreException("write committed to the journal but not finished: " + e.getMessage()
          + " (restart the control plane to finish it)", e, true);
    }
  }

  /** The file of a resource; refuses names that could leave the directory (they are validated before). */
  Path fileOf(ResourceKey key) {
    String ns = key.kind().namespaced() ? key.namespace() : CLUSTER_SCOPE_DIR;
    if (!(key.kind().namespaced() ? SAFE_SEGMENT.matcher(ns).matches() : true) || !SAFE_SEGMENT.matcher(key.name()).matches()) {
      throw new IllegalArgumentException("unsafe resource name for a file: " + key);
    }
    return resources.resolve(key.kind().kindName()).resolve(ns).resolve(key.name() + ".yaml");
  }

  /** Writes {@code text} to a temporary file beside {@code target}, fsynced; returns its path relative to root. */
  private String writeTemp(Path target, long revision, String text) throws IOException {
    Path temp = target.resolveSibling("." + target.getFileName() + "." + revision + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    return root.relativize(temp).toString();
  }

  private int replayJournals() throws IOException {
    List<Path> journals;
    try (Stream<Path> list = Files.list(txn)) {
      journals = list.filter(p -> p.getFileName().toString().matches("\\d+\\.txn"))
          .sorted((a, b) -> Long.compare(revisionOf(a), revisionOf(b))).toList();
    }
    for (Path j : journals) {
      replay(j);
    }
    return journals.size();
  }

  private static long revisionOf(Path journal) {
    String n = journal.getFileName().toString();
    return Long.parseLong(n.substring(0, n.length() - ".txn".length()));
  }

  /** Carries out a journal's steps (again: each is idempotent), then removes the journal. */
  private void replay(Path journal) throws IOException {
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.getFirst().equals(JOURNAL_HEADER) || !lines.getLast().equals("end")) {
      // Written under a temporary name and renamed whole, so this cannot happen short of outside damage.
      throw new IOException("journal " + journal + " is incomplete; move it away to start");
    }
    Set<Path> dirs = new LinkedHashSet<>();
    for (String line : lines.subList(1, lines.size() - 1)) {
      String[] parts = line.split(" ");
      if (parts[0].equals("put") && parts.length == 3) {
        Path target = safeResolve(parts[1]);
        Path temp = safeResolve(parts[2]);
        if (Files.exists(temp)) { // absent: this step was done before a crash
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        dirs.add(target.getParent());
      } else if (parts[0].equals("delete") && parts.length == 2) {
        Path target = safeResolve(parts[1]);
        Files.deleteIfExists(target);
        dirs.add(target.getParent());
      } else {
        throw new IOException("journal " + journal + " has an unknown step: " + line);
      }
    }
    for (Path d : dirs) {
      fsyncDirectory(d);
    }
    Files.delete(journal);
    // Before a later write can touch the same files, this journal must be gone for good: replaying
    // it after that write would undo it.
    fsyncDirectory(txn);
  }

  private Path safeResolve(String relative) throws IOException {
    Path p = root.resolve(relative).normalize();
    if (!p.startsWith(root)) {
      throw new IOException("journal names a path outside the data directory: " + relative);
    }
    return p;
  }

  private int removeTempFiles() throws IOException {
    List<Path> temps;
    try (Stream<Path> walk = Files.walk(root)) {
      temps = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
    for (Path t : temps) {
      Files.deleteIfExists(t);
    }
    return temps.size();
  }

  private long readRevision() throws IOException {
    try {
      return Long.parseLong(Files.readString(root.resolve("revision"), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (NumberFormatException e) {
      return 0; // the resource files' versions still give a lower bound
    }
  }

  /** Creates a directory and its missing parents, fsyncing each parent so the new entry is durable. */
  private static void ensureDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null) {
      ensureDirectory(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
    if (parent != null) {
      fsyncDirectory(parent);
    }
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temporary file is removed at the next start
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
