package dev.weft.proxy.accesslog;

import dev.weft.proxy.stats.ProxyStats;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's access log files, one writer thread per path. Event loops only offer a line to a
 * bounded queue and never wait: when the queue is full the line is dropped and counted
 * ({@code access_log.file.dropped}), so a slow disk can never slow traffic down.
 * {@code /dev/stdout} and {@code /dev/stderr} are the process's own streams.
 */
public final class AccessLogs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AccessLogs.class.getName());

    private final ProxyStats stats;
    private final int queueSize;
    private final Map<String, FileLog> logs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public AccessLogs(ProxyStats stats, int queueSize) {
        this.stats = stats;
        this.queueSize = queueSize;
    }

    /** Queues one line for {@code path}; never blocks. */
    public void log(String path, AccessLogEntry entry) {
        if (closed) {
            return;
        }
        FileLog log = logs.computeIfAbsent(path, FileLog::new);
        if (log.queue.offer(entry)) {
            return;
        }
        stats.inc("access_log.file.dropped");
    }

    @Override
    public void close() {
        closed = true;
        logs.values().forEach(FileLog::stop);
    }

    private final class FileLog {

        private final String path;
        private final BlockingQueue<AccessLogEntry> queue = new ArrayBlockingQueue<>(queueSize);
        private final Thread writer;
        private volatile boolean stopping;

        FileLog(String path) {
            this.path = path;
            this.writer = Thread.ofPlatform().daemon(true).name("weft-access-log").start(this::run);
        }

        private OutputStream open() throws IOException {
            return switch (path) {
                case "/dev/stdout" -> System.out;
                case "/dev/stderr" -> System.err;
                default -> new FileOutputStream(path, true);
            };
        }

        private void run() {
            OutputStream out;
            try {
                out = open();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "access log " + path + ": cannot open: " + e.getMessage());
                stats.inc("access_log.file.open_failed");
                return; // lines queue up to the bound, then count as dropped
            }
            List<AccessLogEntry> batch = new ArrayList<>();
            try {
                while (!stopping || !queue.isEmpty()) {
                    AccessLogEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, 1024);
                    StringBuilder text = new StringBuilder(batch.size() * 200);
                    batch.forEach(entry -> text.append(entry.format()));
                    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    stats.counter("access_log.file.written").add(batch.size());
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "access log " + path + ": write failed: " + e.getMessage());
                stats.inc("access_log.file.write_failed");
            } finally {
                if (out != System.out && out != System.err) {
                    try {
                        out.close();
                    } catch (IOException e) {
                        // nothing more to do
                    }
                }
            }
        }

        void stop() {
            stopping = true;
            try {
                writer.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
