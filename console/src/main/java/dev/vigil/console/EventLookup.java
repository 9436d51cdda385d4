package dev.vigil.console;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.flag.CaptureLocation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds one captured request by eventId: in the flagged samples of the report history (instant),
 * else, given a time, by scanning that hour's capture objects (and the one before: an object is
 * named after its first record). Only locations inside the configured capture store are read: an
 * S3 key under {@code sinks.s3}'s bucket and {@code PREFIX/ENDPOINT/}, or the endpoint's Kafka
 * topic; never a local file or another bucket.
 */
final class EventLookup implements AutoCloseable {
  /** Capture objects scanned for one look-up by time, at most. */
  static final int MAX_OBJECTS_SCANNED = 500;

  private final VigilConfig config;
  private final S3Client s3;
  private final ReportHistory history;
  private final CaptureRecordCodec codec = new CaptureRecordCodec();
  private final CaptureFetcher kafkaFetcher; // serialized inside; only for Kafka locations

  EventLookup(VigilConfig config, S3Client s3, ReportHistory history) {
    this.config = config;
    this.s3 = s3;
    this.history = history;
    this.kafkaFetcher = config.sinks().kafka().enabled()
        ? new CaptureFetcher(null, MonitorRuntime.kafkaClientProperties(config.sinks().kafka()), codec) : null;
  }

  /** A found capture: its endpoint, location and the windows that flagged it (oldest first). */
  record Found(String endpoint, CaptureLocation location, List<WindowId> flaggedIn) {}

  /**
   * @param endpointOrNull limits the search to one endpoint
   * @param locationOrNull a known location (from a gallery link): checked, not searched
   * @param atOrNull the capture's time, for a search beyond the flagged samples
   * @throws IllegalArgumentException for a location outside the capture store or an unknown endpoint
   */
  Optional<Found> find(String eventId, String endpointOrNull, String locationOrNull, Instant atOrNull) {
    List<EndpointConfig> endpoints = endpointOrNull == null ? config.endpoints() : List.of(endpoint(endpointOrNull));
    List<WindowId> flaggedIn = new ArrayList<>();
    String endpoint = null;
    String location = locationOrNull;
    for (EndpointConfig e : endpoints) {
      for (WindowSummary w : history.windows(e.name())) {
        String loc = w.flaggedLocations().get(eventId);
        if (loc != null) {
          flaggedIn.add(w.id());
          endpoint = e.name();
          location = location == null ? loc : location;
        }
      }
    }
    if (location != null) {
      String owner = endpoint != null ? endpoint : endpoints.get(0).name();
      return Optional.of(new Found(owner, allowed(endpoint(owner), location), flaggedIn));
    }
    if (atOrNull != null) {
      for (EndpointConfig e : endpoints) {
        CaptureLocation found = scan(e, eventId, atOrNull);
        if (found != null) {
          return Optional.of(new Found(e.name(), found, flaggedIn));
        }
      }
    }
    return Optional.empty();
  }

  /** The record at a checked location. */
  CaptureRecord fetch(CaptureLocation location) throws IOException {
    if (location.kind() == CaptureLocation.Kind.KAFKA) {
      if (kafkaFetcher == null) {
        throw new IOException("cannot fetch " + location.uri() + ": sinks.kafka is disabled");
      }
      return kafkaFetcher.fetch(location);
    }
    // A fetcher per S3 read: CaptureFetcher serializes its calls, and gallery images load in parallel.
    try (CaptureFetcher f = new CaptureFetcher(s3, null, codec)) {
      return f.fetch(location);
    }
  }

  /**
   * {@code uri} parsed and checked against the capture store of {@code e}.
   *
   * @throws IllegalArgumentException when it points elsewhere
   */
  CaptureLocation allowed(EndpointConfig e, String uri) {
    CaptureLocation loc = CaptureLocation.parse(uri);
    String p = config.sinks().s3().prefix().replaceAll("^/+|/+$", "");
    String root = (p.isEmpty() ? "" : p + "/") + e.name() + "/";
    boolean ok = switch (loc.kind()) {
      case S3 -> loc.bucket().equals(config.sinks().s3().bucket()) && loc.key().startsWith(root)
          && !loc.key().contains("..");
      case KAFKA -> loc.topic().equals(config.kafkaTopic(e));
      case FILE -> false;
    };
    if (!ok) {
      throw new IllegalArgumentException("capture location " + uri + " is outside endpoint " + e.name()
          + "'s capture store");
    }
    return loc;
  }

  EndpointConfig endpoint(String name) {
    return config.endpoint(name).orElseThrow(() -> new IllegalArgumentException("no endpoint named '" + name + "'"));
  }

  private CaptureLocation scan(EndpointConfig e, String eventId, Instant at) {
    String bucket = config.sinks().s3().bucket();
    String prefix = config.sinks().s3().prefix();
    int scanned = 0;
    for (Instant hour : List.of(at, at.minus(Duration.ofHours(1)))) {
      String hourPrefix = CaptureLayout.hourPrefix(prefix, e.name(), e.variant(), hour);
      try {
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(hourPrefix)).contents()) {
          if (++scanned > MAX_OBJECTS_SCANNED) {
            return null;
          }
          long line = lineOf(bucket, o.key(), eventId);
          if (line > 0) {
            return CaptureLocation.s3(bucket, o.key(), line);
          }
        }
      } catch (SdkException | IOException ex) {
        return null;
      }
    }
    return null;
  }

  /** The 1-based line of {@code key} holding {@code eventId}, 0 when none does. */
  private long lineOf(String bucket, String key, String eventId) throws IOException {
    String quoted = "\"eventId\":\"" + eventId + "\"";
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        s3.getObject(b -> b.bucket(bucket).key(key)), StandardCharsets.UTF_8), 64 * 1024)) {
      long n = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        n++;
        if (line.contains(eventId) && (line.contains(quoted) || eventIdOf(line).equals(eventId))) {
          return n;
        }
      }
    }
    return 0;
  }

  private String eventIdOf(String line) {
    try {
      return codec.parse(line.getBytes(StandardCharsets.UTF_8)).eventId();
    } catch (RuntimeException | dev.vigil.capture.format.MalformedCaptureException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (kafkaFetcher != null) {
      kafkaFetcher.close();
    }
  }
}
