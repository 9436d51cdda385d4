package dev.vigil.alerts.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alerts.AlertContent;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Alert state shared by every monitor replica in the S3 bucket that holds the reports, for the
 * {@code memory} job store (no database): the same invariants as {@link JdbcAlertState}, with S3
 * conditional writes as compare-and-set ({@code If-None-Match: *} creates, {@code If-Match: etag}
 * replaces; 412 means someone wrote first).
 *
 * <h2>Layout (under {@code prefix})</h2>
 * <pre>
 * ledger/ENDPOINT.json   the endpoint's DedupLedger entries + the alert ids it committed (30 days)
 * claims/ENTRY.json      one unsent message: alert id, channel, endpoint, payload, owner, claimedAt
 * sent/ENTRY.json        the message was sent (by whom, when); the claim is deleted after this
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The ledger object is the commit point. A decision reads it with its ETag, judges, and
 *       writes it back conditionally; on 412 it re-reads and judges again, at most
 *       {@link #MAX_ATTEMPTS} times, then fails with one line (the window is not alerted; the
 *       next re-raises what persists).
 *   <li>Before the ledger write, the messages are claimed: each claim object is created with
 *       {@code If-None-Match: *}, in entry-id order, so of two replicas deciding one alert at once
 *       exactly one creates the first claim; the other finds it and sends nothing. A claim whose
 *       decision then loses the ledger race (or fails) is deleted by its maker.
 *   <li>A claim is delivered only once its alert id is in the ledger. A stale claim (not
 *       refreshed for the lease) whose alert the ledger lists is taken over by {@code If-Match} on
 *       its ETag, so one replica wins it; one the ledger does not list was left by a replica that
 *       died mid-decision and is deleted (that window is lost, as with content still queued).
 * </ul>
 * Delivery is at least once with the alert id as Message-ID, as {@link JdbcAlertState} explains.
 *
 * <p>Thread confinement: every method runs on the dispatcher's alerts thread. The S3 client is
 * the caller's and is not closed here.
 */
public final class S3AlertState implements SharedAlertState {
  private static final Logger log = LoggerFactory.getLogger(S3AlertState.class);

  /** Conditional writes lost in a row before a decision gives up (one line, counted by the dispatcher). */
  static final int MAX_ATTEMPTS = 8;
  /** Alert ids a ledger remembers per endpoint at most (the newest), besides the retention. */
  private static final int MAX_REMEMBERED_ALERTS = 1000;

  /** The ledger object: entries per violation type, and alert id -> when it was committed (ms). */
  record Ledger(List<DedupLedger.Entry> entries, Map<String, Long> alerts) {}

  /** The claim object; {@code payload} is the rendered message. */
  record ClaimDoc(String entryId, String alertId, String channel, String endpoint, byte[] payload,
      String claimedBy, long claimedAt, long createdAt) {}

  /** The sent marker. */
  record SentDoc(String entryId, String sentBy, long sentAt) {}

  private record Versioned<T>(T value, String etag) {}

  private final S3Client s3;
  private final String bucket;
  private final String root;
  private final String instance;
  private final Duration lease;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private S3AlertState(S3Client s3, String bucket, String root, String instance, Duration lease) {
    this.s3 = s3;
    this.bucket = bucket;
    this.root = root;
    this.instance = instance;
    this.lease = lease;
  }

  /**
   * Alert state under {@code s3://bucket/prefix/}; nothing is written until the first decision.
   *
   * @param prefix key prefix without leading or trailing slash, e.g. {@code alert-state} or
   *     {@code captures/alert-state}
   * @param instance this replica's name in claims (unique per replica), or null/AUTO for host + random
   * @param lease how long a claim may go unrefreshed before another replica takes it over
   */
  public static S3AlertState open(S3Client s3, String bucket, String prefix, String instance, Duration lease) {
    if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("claim lease must be >= 1s but was " + lease);
    }
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("an S3 bucket is required for the shared alert state (sinks.s3.bucket)");
    }
    String root = prefix == null || prefix.isBlank() ? "" : prefix + "/";
    return new S3AlertState(s3, bucket, root,
        SharedAlertState.instanceName(instance), lease);
  }

  @Override
  public String instance() {
    return instance;
  }

  @Override
  public Decided decide(AlertContent content, Instant now, Duration coolDown, double worseMargin,
      Function<Alert, Map<String, byte[]>> render) throws StateException {
    String endpoint = content.endpoint();
    String ledgerKey = ledgerKey(endpoint);
    Map<String, String> mine = new TreeMap<>(); // claim key -> ETag, made by this call
    try {
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        Versioned<Ledger> read = read(ledgerKey, Ledger.class);
        Ledger stored = read == null ? new Ledger(List.of(), Map.of()) : read.value();
        DedupLedger ledger = DedupLedger.inMemory(coolDown, worseMargin, stored.entries());
        DedupLedger.Decision d = ledger.evaluate(content, now);
        DedupLedger.Outcome outcome = d.outcome();
        Alert alert = null;
        List<Claim> claims = new ArrayList<>();
        Map<String, Long> alerts = new LinkedHashMap<>(stored.alerts() == null ? Map.of() : stored.alerts());
        if (outcome == DedupLedger.Outcome.SEND || outcome == DedupLedger.Outcome.RESOLVED) {
          Alert.Kind kind = outcome == DedupLedger.Outcome.RESOLVED ? Alert.Kind.RESOLVED : Alert.Kind.ALERT;
          alert = new Alert(AlertDispatcher.alertId(kind, content), kind, content, d.cleared(), now);
          if (alerts.containsKey(alert.id())) {
            deleteMine(mine);
            return judgedBefore(alert, content);
          }
          String alertPrefix = root + "claims/" + encode(alert.id() + ".");
          for (String key : List.copyOf(mine.keySet())) {
            if (!key.startsWith(alertPrefix)) { // an earlier attempt decided another alert
              s3.deleteObject(b -> b.bucket(bucket).key(key));
              mine.remove(key);
            }
          }
          if (!claim(alert, endpoint, render, now, mine, claims)) {
            deleteMine(mine);
            return judgedBefore(alert, content);
          }
          alerts.put(alert.id(), now.toEpochMilli());
        } else {
          deleteMine(mine);
        }
        if (outcome == DedupLedger.Outcome.NOTHING) {
          return new Decided(outcome, null, List.of());
        }
        ledger.commit(d, now);
        Ledger next = new Ledger(ledger.entriesFor(endpoint), remembered(alerts, now));
        if (put(ledgerKey, next, read == null ? null : read.etag()) != null) {
          return new Decided(outcome, alert, claims);
        }
        log.info("Ledger of endpoint {} changed under attempt {} (another replica wrote it); judging again",
            endpoint, attempt);
      }
      deleteMine(mine);
      throw new StateException("the alert ledger s3://" + bucket + "/" + ledgerKey + " changed under each of "
          + MAX_ATTEMPTS + " conditional writes in a row (replicas racing); the next window judges again", null);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(mine);
      if (e instanceof SdkException sdk) {
        throw unreachable(sdk);
      }
      if (e instanceof IOException io) {
        throw new StateException("unreadable alert state in s3://" + bucket + "/" + root + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Creates the alert's claims (entry-id order), adding them to {@code claims}; false when another
   * replica holds the first one (it decides, or decided, this alert).
   */
  private boolean claim(Alert alert, String endpoint, Function<Alert, Map<String, byte[]>> render, Instant now,
      Map<String, String> mine, List<Claim> claims) throws IOException {
    Map<String, byte[]> payloads = new TreeMap<>(render.apply(alert));
    for (Map.Entry<String, byte[]> e : payloads.entrySet()) {
      String entryId = alert.id() + "." + e.getKey();
      String key = claimKey(entryId);
      if (!mine.containsKey(key)) {
        ClaimDoc doc = new ClaimDoc(entryId, alert.id(), e.getKey(), endpoint, e.getValue(), instance,
            now.toEpochMilli(), now.toEpochMilli());
        String etag = put(key, doc, null);
        if (etag == null) {
          Versioned<ClaimDoc> other = read(key, ClaimDoc.class);
          log.info("Alert {} of endpoint {} is claimed by {}; not sending it twice", alert.id(), endpoint,
              other == null ? "another replica (sent since)" : other.value().claimedBy());
          return false;
        }
        mine.put(key, etag);
      }
      claims.add(new Claim(entryId, alert.id(), e.getKey(), e.getValue()));
    }
    return true;
  }

  private Decided judgedBefore(Alert alert, AlertContent content) {
    log.info("Alert {} of endpoint {} window {}..{} was claimed before (window judged again); not sending it twice",
        alert.id(), content.endpoint(), content.windowStart(), content.windowEnd());
    return new Decided(DedupLedger.Outcome.NOTHING, alert, List.of());
  }

  @Override
  public Ownership ownership(String entryId) throws StateException {
    try {
      Versioned<ClaimDoc> claim = read(claimKey(entryId), ClaimDoc.class);
      if (claim != null) {
        return instance.equals(claim.value().claimedBy()) ? Ownership.MINE : Ownership.TAKEN_OVER;
      }
      return exists(sentKey(entryId)) ? Ownership.SENT : Ownership.MINE;
    } catch (SdkException e) {
      throw unreachable(e);
    } catch (IOException e) {
      throw new StateException("unreadable claim " + entryId + ": " + e.getMessage(), e);
    }
  }

  /** Writes the sent marker, then deletes the claim (and with it the payload). */
  @Override
  public void markSent(String entryId, Instant now) throws StateException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(sentKey(entryId)).contentType("application/json"),
          RequestBody.fromBytes(json.writeValueAsBytes(new SentDoc(entryId, instance, now.toEpochMilli()))));
      s3.deleteObject(b -> b.bucket(bucket).key(claimKey(entryId)));
    } catch (SdkException e) {
      throw unreachable(e);
    } catch (IOException e) {
      throw new StateException("cannot write the sent marker of " + entryId + ": " + e.getMessage(), e);
    }
  }

  /** Rewrites {@code claimedAt} of each pending claim still this replica's, by If-Match (a lost race is left). */
  @Override
  public void heartbeat(Instant now, List<String> pendingIds) throws StateException {
    try {
      for (String entryId : pendingIds) {
        String key = claimKey(entryId);
        Versioned<ClaimDoc> claim = read(key, ClaimDoc.class);
        if (claim != null && instance.equals(claim.value().claimedBy())) {
          put(key, withOwner(claim.value(), instance, now), claim.etag());
        }
      }
    } catch (SdkException e) {
      throw unreachable(e);
    } catch (IOException e) {
      throw new StateException("cannot refresh claims: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Claim> takeOverStale(Instant now) throws StateException {
    List<Claim> taken = new ArrayList<>();
    try {
      for (S3Object o : list(root + "sent/")) {
        if (o.lastModified().isBefore(now.minus(CLAIM_RETENTION))) {
          s3.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
      }
      Map<String, Ledger> ledgers = new LinkedHashMap<>();
      List<Versioned<ClaimDoc>> stale = new ArrayList<>();
      for (S3Object o : list(root + "claims/")) {
        Versioned<ClaimDoc> claim = read(o.key(), ClaimDoc.class);
        if (claim != null && claim.value().claimedAt() < now.minus(lease).toEpochMilli()) {
          stale.add(claim);
        }
      }
      stale.sort((a, b) -> a.value().createdAt() != b.value().createdAt()
          ? Long.compare(a.value().createdAt(), b.value().createdAt())
          : a.value().entryId().compareTo(b.value().entryId()));
      for (Versioned<ClaimDoc> claim : stale) {
        ClaimDoc c = claim.value();
        Ledger ledger = ledgers.get(c.endpoint());
        if (ledger == null) {
          Versioned<Ledger> read = read(ledgerKey(c.endpoint()), Ledger.class);
          ledger = read == null ? new Ledger(List.of(), Map.of()) : read.value();
          ledgers.put(c.endpoint(), ledger);
        }
        if (ledger.alerts() == null || !ledger.alerts().containsKey(c.alertId())) {
          s3.deleteObject(b -> b.bucket(bucket).key(claimKey(c.entryId())));
          log.warn("Deleted claim {} of replica {}: it died before committing the alert (that window is not alerted)",
              c.entryId(), c.claimedBy());
          continue;
        }
        if (put(claimKey(c.entryId()), withOwner(c, instance, now), claim.etag()) != null) {
          taken.add(new Claim(c.entryId(), c.alertId(), c.channel(), c.payload()));
          log.warn("Took over alert message {} from replica {}, silent for more than {}", c.entryId(), c.claimedBy(),
              lease);
        }
      }
      return taken;
    } catch (SdkException e) {
      throw unreachable(e);
    } catch (IOException e) {
      throw new StateException("unreadable alert state in s3://" + bucket + "/" + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // The S3 client is the caller's (the pipeline's); nothing of ours to release.
  }

  // ---------------------------------------------------------------- internals

  private static ClaimDoc withOwner(ClaimDoc c, String owner, Instant now) {
    return new ClaimDoc(c.entryId(), c.alertId(), c.channel(), c.endpoint(), c.payload(), owner, now.toEpochMilli(),
        c.createdAt());
  }

  /** The newest alert ids within the retention, at most {@link #MAX_REMEMBERED_ALERTS}. */
  private static Map<String, Long> remembered(Map<String, Long> alerts, Instant now) {
    long oldest = now.minus(CLAIM_RETENTION).toEpochMilli();
    List<Map.Entry<String, Long>> kept = new ArrayList<>(alerts.entrySet());
    kept.removeIf(e -> e.getValue() < oldest);
    kept.sort(Map.Entry.comparingByValue());
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : kept.subList(Math.max(0, kept.size() - MAX_REMEMBERED_ALERTS), kept.size())) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private <T> Versioned<T> read(String key, Class<T> type) throws IOException {
    try {
      ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      return new Versioned<>(json.readValue(got.asByteArray(), type), got.response().eTag());
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private boolean exists(String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Writes {@code value} if the object is still at {@code etag} (null: if it does not exist).
   *
   * @return the new ETag, or null when someone else wrote first (412; 409 when AWS saw two at once)
   */
  private String put(String key, Object value, String etag) throws IOException {
    byte[] bytes = json.writeValueAsBytes(value);
    PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(key).contentType("application/json");
    if (etag == null) {
      req.ifNoneMatch("*");
    } else {
      req.ifMatch(etag);
    }
    try {
      return s3.putObject(req.build(), RequestBody.fromBytes(bytes)).eTag();
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return null;
      }
      throw e;
    }
  }

  private List<S3Object> list(String prefix) {
    List<S3Object> out = new ArrayList<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(out::add);
    return out;
  }

  /** Deletes the claims this decision made and will not commit; they were never delivered. */
  private void deleteMine(Map<String, String> mine) {
    for (String key : mine.keySet()) {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
    mine.clear();
  }

  private void deleteQuietly(Map<String, String> mine) {
    try {
      deleteMine(mine);
    } catch (RuntimeException e) {
      // Left for takeOverStale: a claim the ledger does not list is deleted after the lease.
      log.debug("could not delete uncommitted claims {}: {}", mine.keySet(), e.toString());
    }
  }

  private StateException unreachable(SdkException e) {
    return new StateException("S3 bucket " + bucket + " (alert state under " + root + "): " + e.getMessage(), e);
  }

  private String ledgerKey(String endpoint) {
    return root + "ledger/" + encode(endpoint) + ".json";
  }

  private String claimKey(String entryId) {
    return root + "claims/" + encode(entryId) + ".json";
  }

  private String sentKey(String entryId) {
    return root + "sent/" + encode(entryId) + ".json";
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
