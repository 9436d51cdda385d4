package dev.vigil.monitor.window;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureLineReader;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.JsonLines;
import dev.vigil.capture.format.MalformedCaptureException;
import dev.vigil.monitor.flag.CaptureLocation;
import dev.vigil.monitor.stats.UnusableReason;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a window from S3 capture objects ({@code PREFIX/ENDPOINT/VARIANT/yyyy/MM/dd/HH/<time>-<uuid>.jsonl}).
 *
 * <p><b>Which objects.</b> An object's key time is that of its first record, and the agent closes
 * an object at most {@code objectMaxAge} later, so records of {@code [start, end)} live in objects
 * whose key time is in {@code [start - lookback, end)}, {@code lookback = objectMaxAge + slack}.
 * The reader lists the hour prefixes overlapping that range ({@link CaptureLayout#hourPrefixes}),
 * skips keys outside it, and keeps only records whose inferenceTime is in the window. Objects
 * whose key does not carry a time (foreign writers, SageMaker) are always read.
 *
 * <p><b>Memory.</b> Objects are streamed line by line (one 64 KB chunk and one line per reader
 * thread); nothing is kept per record. {@code parallelism} threads read different objects.
 *
 * <p><b>Unusable lines</b> (corrupt, truncated) have no trustworthy time: they are attributed to
 * the window holding their object's key time, so each is counted by exactly one window.
 */
public final class S3WindowSource implements WindowSource {
  private static final Logger log = LoggerFactory.getLogger(S3WindowSource.class);

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String endpoint;
  private final String variant;
  private final Duration lookback;
  private final int parallelism;
  private final CaptureLineReader lines = new CaptureLineReader();

  /**
   * @param s3 client (not closed here)
   * @param lookback how far before the window objects may start ({@code sinks.s3.objectMaxAge} plus slack)
   * @param parallelism reader threads, at least 1
   */
  public S3WindowSource(
      S3Client s3, String bucket, String prefix, String endpoint, String variant,
      Duration lookback, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.endpoint = endpoint;
    this.variant = variant;
    this.lookback = lookback.isNegative() ? Duration.ZERO : lookback;
    this.parallelism = parallelism;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public <V extends CaptureVisitor> List<V> read(Window window, Supplier<V> newVisitor) throws WindowReadException {
    Instant from = window.start().minus(lookback);
    List<String> keys = new ArrayList<>();
    try {
      for (String hour : CaptureLayout.hourPrefixes(prefix, endpoint, variant, from, window.end())) {
        ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(hour).build();
        for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
          Instant keyTime = CaptureLayout.keyTime(o.key());
          if (keyTime == null || (!keyTime.isBefore(from) && keyTime.isBefore(window.end()))) {
            keys.add(o.key());
          }
        }
      }
    } catch (SdkException e) {
      throw new WindowReadException(
          "cannot list s3://" + bucket + "/" + prefix + " for endpoint " + endpoint + ": " + e.getMessage()
              + " (check sinks.s3.endpointOverride, bucket and credentials)", e);
    }
    log.debug("window {} of {}: {} objects", window, endpoint, keys.size());
    BlockingQueue<String> queue = new LinkedBlockingQueue<>(keys);
    int threads = Math.min(parallelism, Math.max(1, keys.size()));
    List<V> visitors = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      visitors.add(newVisitor.get());
    }
    if (threads == 1) {
      drain(queue, window, visitors.get(0));
      return visitors;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vigil-s3-reader-" + endpoint);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (V v : visitors) {
        futures.add(pool.submit(() -> {
          drain(queue, window, v);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WindowReadException("interrupted while reading window " + window, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof WindowReadException w) {
        throw w;
      }
      throw new WindowReadException("reading window " + window + " failed: " + c, c);
    } finally {
      pool.shutdownNow();
    }
    return visitors;
  }

  private void drain(BlockingQueue<String> queue, Window window, CaptureVisitor v) throws WindowReadException {
    String key;
    while ((key = queue.poll()) != null) {
      readObject(key, window, v);
    }
  }

  private void readObject(String key, Window window, CaptureVisitor v) throws WindowReadException {
    Instant keyTime = CaptureLayout.keyTime(key);
    // Unusable lines count for the window holding the object's key time (see class comment).
    boolean ownsObject = keyTime == null || window.contains(keyTime);
    GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key).build();
    try (InputStream in = s3.getObject(req)) {
      JsonLines.forEachLine(in, (buf, off, len, lineNumber) -> {
        CaptureRecord r;
        try {
          r = lines.read(buf, off, len);
        } catch (MalformedCaptureException e) {
          if (ownsObject) {
            v.malformed(UnusableReason.of(e), e.getMessage(), CaptureLocation.s3(bucket, key, lineNumber));
          }
          return;
        }
        if (window.contains(r.inferenceTime())) {
          v.record(r, CaptureLocation.s3(bucket, key, lineNumber));
        }
      });
    } catch (IOException | SdkException e) {
      throw new WindowReadException(
          "cannot read s3://" + bucket + "/" + key + ": " + e.getMessage() + " (rerun the window once S3 is reachable)", e);
    }
  }
}
