package dev.vigil.monitor.baseline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.signals.BaselineSignals;
import dev.vigil.monitor.stats.WindowStatistics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads and writes a baseline: {@code statistics.json} (a {@link WindowStatistics}) and {@code
 * constraints.json} (a {@link Constraints}, meant to be edited by hand) in a directory or under
 * {@code s3://bucket/prefix/}.
 */
public final class BaselineStore {
  public static final String STATISTICS = "statistics.json";
  public static final String CONSTRAINTS = "constraints.json";
  /** Optional: the model-side signals (embeddings of a sample of inputs, screening threshold). */
  public static final String SIGNALS = "signals.json";

  private final ObjectMapper json = ReportJson.mapper();
  private final S3Client s3OrNull;

  /** @param s3OrNull client for {@code s3://} locations, null when only directories are used */
  public BaselineStore(S3Client s3OrNull) {
    this.s3OrNull = s3OrNull;
  }

  /**
   * Reads the baseline at {@code location} (directory or {@code s3://bucket/prefix}).
   *
   * @throws BaselineException naming the file and what is wrong with it
   */
  public Baseline read(String location) throws BaselineException {
    byte[] stats = load(location, STATISTICS);
    byte[] cons = load(location, CONSTRAINTS);
    byte[] signals = loadOptional(location, SIGNALS);
    try {
      WindowStatistics s = json.readValue(stats, WindowStatistics.class);
      Constraints c = json.readValue(cons, Constraints.class);
      BaselineSignals g = signals == null ? null : json.readValue(signals, BaselineSignals.class);
      return new Baseline(s, c, g);
    } catch (IOException | IllegalArgumentException e) {
      throw new BaselineException(
          "baseline at " + location + " is not valid: " + e.getMessage()
              + " (regenerate it with `vigil baseline` or fix the JSON by hand)", e);
    }
  }

  /** Writes both files to {@code location}, replacing them. */
  public void write(String location, Baseline baseline) throws BaselineException {
    try {
      store(location, STATISTICS, json.writeValueAsBytes(baseline.statistics()));
      store(location, CONSTRAINTS, json.writeValueAsBytes(baseline.constraints()));
      if (baseline.signals() != null) {
        store(location, SIGNALS, json.writeValueAsBytes(baseline.signals()));
      } else {
        remove(location, SIGNALS); // a rebuilt baseline must not keep another sample's embeddings
      }
    } catch (IOException e) {
      throw new BaselineException("cannot write baseline to " + location + ": " + e.getMessage(), e);
    }
  }

  /** Reads a {@code statistics.json} file alone (for {@code vigil baseline --from}). */
  public WindowStatistics readStatistics(Path file) throws BaselineException {
    try {
      return json.readValue(Files.readAllBytes(file), WindowStatistics.class);
    } catch (IOException e) {
      throw new BaselineException("cannot read statistics from " + file + ": " + e.getMessage(), e);
    }
  }

  /** A baseline file that may be absent (null then). */
  private byte[] loadOptional(String location, String name) throws BaselineException {
    try {
      return load(location, name);
    } catch (BaselineException e) {
      if (e.getCause() instanceof NoSuchFileException || e.getCause() instanceof NoSuchKeyException) {
        return null;
      }
      throw e;
    }
  }

  private void remove(String location, String name) throws IOException {
    if (isS3(location)) {
      S3Path p = S3Path.of(location, name);
      try {
        s3().deleteObject(b -> b.bucket(p.bucket()).key(p.key()));
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
      return;
    }
    Files.deleteIfExists(Path.of(location).resolve(name));
  }

  private byte[] load(String location, String name) throws BaselineException {
    if (isS3(location)) {
      S3Path p = S3Path.of(location, name);
      try {
        return s3().getObjectAsBytes(b -> b.bucket(p.bucket()).key(p.key())).asByteArray();
      } catch (NoSuchKeyException e) {
        throw new BaselineException("baseline file s3://" + p.bucket() + "/" + p.key()
            + " does not exist; create it with `vigil baseline --out " + location + "`", e);
      } catch (SdkException e) {
        throw new BaselineException("cannot read s3://" + p.bucket() + "/" + p.key() + ": " + e.getMessage(), e);
      }
    }
    Path f = Path.of(location).resolve(name);
    try {
      return Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      throw new BaselineException("baseline file " + f + " does not exist; create it with `vigil baseline --out "
          + location + "`", e);
    } catch (IOException e) {
      throw new BaselineException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  private void store(String location, String name, byte[] bytes) throws IOException {
    if (isS3(location)) {
      S3Path p = S3Path.of(location, name);
      try {
        s3().putObject(b -> b.bucket(p.bucket()).key(p.key()).contentType("application/json"), RequestBody.fromBytes(bytes));
      } catch (SdkException e) {
        throw new IOException(e.getMessage(), e);
      }
      return;
    }
    Path dir = Path.of(location);
    Files.createDirectories(dir);
    Path tmp = dir.resolve(name + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private S3Client s3() {
    if (s3OrNull == null) {
      throw new UncheckedIOException(new IOException("an s3:// baseline needs sinks.s3 configured"));
    }
    return s3OrNull;
  }

  static boolean isS3(String location) {
    return location.startsWith("s3://");
  }

  record S3Path(String bucket, String key) {
    static S3Path of(String location, String name) {
      String rest = location.substring(5);
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      while (prefix.endsWith("/")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      return new S3Path(bucket, prefix.isEmpty() ? name : prefix + "/" + name);
    }
  }
}
