package dev.vigil.console;

import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.report.ReportKeys;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The history of every endpoint's reports, read from S3 and cached, so timelines survive monitor
 * restarts and cover any number of monitor replicas.
 *
 * <p>Incremental: report keys sort by window start ({@code reports/ENDPOINT/yyyy/MM/dd/HH/...}), so
 * a refresh lists only from the latest known window folder on (new windows, and a rerun of the
 * latest one) and reads only the report.json objects whose ETag it has not seen. A full listing,
 * which also catches reruns of older windows and deleted reports, runs at most every {@link
 * #FULL_RELIST}. Refreshes of one endpoint are serialized and happen at most every {@link
 * #REFRESH}; readers in between get the cached list.
 *
 * <p>Memory: one {@link WindowSummary} per window (a few hundred bytes) plus the last {@link
 * #REPORTS_CACHED} full reports opened.
 */
final class ReportHistory implements AutoCloseable {
  /** Minimum time between two listings of one endpoint's reports. */
  static final Duration REFRESH = Duration.ofSeconds(15);
  /** Maximum time between two full listings of one endpoint's reports. */
  static final Duration FULL_RELIST = Duration.ofMinutes(10);
  /** Full reports kept for the window pages. */
  static final int REPORTS_CACHED = 32;
  /** Parallel report.json reads during a refresh (the first one reads every report). */
  static final int READERS = 4;

  private static final Logger log = LoggerFactory.getLogger(ReportHistory.class);

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Clock clock;
  private final ExecutorService readers = Executors.newFixedThreadPool(READERS, r -> {
    Thread t = new Thread(r, "vigil-console-history");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, EndpointHistory> endpoints = new ConcurrentHashMap<>();
  private final Map<String, MonitorReport> reports = new LinkedHashMap<>(16, 0.75f, true) { // guarded by itself
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MonitorReport> eldest) {
      return size() > REPORTS_CACHED;
    }
  };

  ReportHistory(S3Client s3, String bucket, String prefix, Clock clock) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.clock = clock;
  }

  /** One entry of an endpoint's listing: its report.json's ETag and summary. */
  private record Known(String etag, WindowSummary summary) {}

  /** Per-endpoint cache; {@code refresh} is serialized by the instance lock. */
  private final class EndpointHistory {
    final String root;
    final TreeMap<String, Known> byKey = new TreeMap<>(); // guarded by this
    Instant lastRefresh = Instant.MIN; // guarded by this
    Instant lastFullList = Instant.MIN; // guarded by this
    volatile List<WindowSummary> windows = List.of();

    EndpointHistory(String endpoint) {
      this.root = ReportKeys.endpointDirectory(prefix, endpoint);
    }

    synchronized List<WindowSummary> refreshed() {
      Instant now = clock.instant();
      if (Duration.between(lastRefresh, now).compareTo(REFRESH) < 0) {
        return windows;
      }
      boolean full = byKey.isEmpty() || Duration.between(lastFullList, now).compareTo(FULL_RELIST) >= 0;
      // Start after the folder of the latest known window: its report.json is listed again.
      String startAfter = full ? null : folderOf(byKey.lastKey());
      Map<String, String> listed = new TreeMap<>();
      try {
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root).startAfter(startAfter)).contents().stream()
            .filter(o -> o.key().endsWith("/" + ReportKeys.REPORT))
            .forEach((S3Object o) -> listed.put(o.key(), o.eTag()));
      } catch (SdkException e) {
        log.warn("cannot list s3://{}/{}: {}; showing the {} windows read before", bucket, root, e.getMessage(),
            byKey.size());
        lastRefresh = now;
        return windows;
      }
      if (full) {
        byKey.keySet().retainAll(listed.keySet());
        lastFullList = now;
      }
      Map<String, CompletableFuture<WindowSummary>> reads = new LinkedHashMap<>();
      listed.forEach((key, etag) -> {
        Known k = byKey.get(key);
        WindowId id = WindowId.ofKey(key);
        if (id != null && (k == null || !k.etag().equals(etag))) {
          reads.put(key, CompletableFuture.supplyAsync(() -> summary(key, id), readers));
        }
      });
      reads.forEach((key, future) -> {
        WindowSummary s = future.join();
        if (s != null) {
          byKey.put(key, new Known(listed.get(key), s));
        }
      });
      List<WindowSummary> out = new ArrayList<>(byKey.size());
      byKey.values().forEach(k -> out.add(k.summary()));
      out.sort((a, b) -> a.id().compareTo(b.id()));
      windows = List.copyOf(out);
      lastRefresh = now;
      return windows;
    }
  }

  private static String folderOf(String reportKey) {
    return reportKey.substring(0, reportKey.length() - ReportKeys.REPORT.length());
  }

  private WindowSummary summary(String key, WindowId id) {
    try {
      MonitorReport r = ReportJson.read(get(key));
      synchronized (reports) {
        reports.put(key, r);
      }
      return WindowSummary.of(id, r);
    } catch (IOException | SdkException e) {
      log.warn("skipping s3://{}/{}: {}", bucket, key, e.getMessage());
      return null;
    }
  }

  /** Every window of {@code endpoint} with a report, oldest first (refreshed when stale). */
  List<WindowSummary> windows(String endpoint) {
    return endpoints.computeIfAbsent(endpoint, EndpointHistory::new).refreshed();
  }

  /** The full report of one window, if the monitor wrote one. */
  Optional<MonitorReport> report(String endpoint, WindowId id) throws IOException {
    String key = ReportKeys.directory(prefix, endpoint, id.start(), id.end()) + ReportKeys.REPORT;
    synchronized (reports) {
      MonitorReport cached = reports.get(key);
      if (cached != null) {
        return Optional.of(cached);
      }
    }
    Optional<byte[]> bytes = object(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    MonitorReport r = ReportJson.read(bytes.get());
    synchronized (reports) {
      reports.put(key, r);
    }
    return Optional.of(r);
  }

  /** A file of a window's report folder ({@code class_distribution.png}, {@code saliency/index.json}). */
  Optional<byte[]> file(String endpoint, WindowId id, String name) throws IOException {
    return object(ReportKeys.directory(prefix, endpoint, id.start(), id.end()) + name);
  }

  private Optional<byte[]> object(String key) throws IOException {
    try {
      return Optional.of(get(key));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new IOException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  private byte[] get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }
}
