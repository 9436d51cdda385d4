package dev.vigil.capture.sink.s3;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.sink.Sink;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Batches capture records into JSONL objects per endpoint/variant/hour with the design.md key
 * layout, closed by size ({@code objectMaxBytes}) or age ({@code objectMaxAge}).
 *
 * <h2>Exactly once without crashes, idempotent across retries</h2>
 * An object's key is derived from its FIRST record (its inferenceTime and eventId, which is a
 * UUID), and all open objects are closed together, so every object is a contiguous run of the
 * ordered record stream starting at a batch boundary. A retry, or a replay of the spool after a
 * restart, starts again at the same boundary: it rewrites the same keys (S3 PUT overwrites), so a
 * record is never stored twice under different keys. Objects larger than twice
 * {@code objectMaxBytes} are uploaded with multipart upload.
 */
public final class S3Sink implements Sink {
  /** Multipart part size (S3 needs parts of at least 5 MiB but the last). */
  static final int PART_BYTES = 8 * 1024 * 1024;
  private static final String JSONL = "application/x-ndjson";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final long objectMaxBytes;
  private final long objectMaxAgeNanos;
  /**
   * Objects larger than this go up in parts: twice {@code objectMaxBytes}, at least one part. An
   * object is closed after the batch that crossed {@code objectMaxBytes}, so the usual object is a
   * little over it and goes up with one PUT; only a record larger than the object budget itself
   * (a big body) makes it a multipart upload.
   */
  private final long multipartThreshold;

  // confined to the sink worker thread
  private final Map<GroupKey, Group> groups = new LinkedHashMap<>();
  private final List<CaptureEntry> pending = new ArrayList<>();
  private long pendingBytes;
  private long firstAddNanos;

  private record GroupKey(String endpoint, String variant, long hour) {}

  /** One object: its lines are kept as they are (no growing buffer) and streamed at upload. */
  private static final class Group {
    final CaptureEntry first;
    final List<byte[]> lines = new ArrayList<>();
    long bytes; // JSONL size: every line plus its '\n'
    boolean uploaded;

    Group(CaptureEntry first) {
      this.first = first;
    }
  }

  public S3Sink(S3Client s3, String bucket, String prefix, long objectMaxBytes, Duration objectMaxAge) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.objectMaxBytes = objectMaxBytes;
    this.objectMaxAgeNanos = objectMaxAge.toNanos();
    this.multipartThreshold = Math.max(PART_BYTES, 2 * objectMaxBytes);
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public void add(CaptureEntry e) {
    if (pending.isEmpty()) {
      firstAddNanos = System.nanoTime();
    }
    GroupKey key = new GroupKey(e.endpoint(), e.variant(), Math.floorDiv(e.inferenceTimeMillis(), 3_600_000L));
    Group g = groups.computeIfAbsent(key, k -> new Group(e));
    g.lines.add(e.line());
    g.bytes += e.line().length + 1;
    pending.add(e);
    pendingBytes += e.line().length + 1;
  }

  @Override
  public int pendingCount() {
    return pending.size();
  }

  @Override
  public boolean due(long nowNanos, boolean inputIdle) {
    return pendingBytes >= objectMaxBytes || nowNanos - firstAddNanos >= objectMaxAgeNanos;
  }

  @Override
  public long nanosUntilDue(long nowNanos) {
    return Math.max(0, firstAddNanos + objectMaxAgeNanos - nowNanos);
  }

  @Override
  public long bytesUntilDue() {
    return Math.max(1, objectMaxBytes - pendingBytes);
  }

  @Override
  public void ship(long nowNanos) {
    for (Map.Entry<GroupKey, Group> e : groups.entrySet()) {
      Group g = e.getValue();
      if (g.uploaded) {
        continue; // a retry after a partial failure: this object is already written
      }
      String key = objectKey(e.getKey(), g.first);
      if (g.bytes > multipartThreshold) {
        multipart(key, JsonlStream.concat(g.lines, g.bytes));
      } else {
        // Streamed from the lines: no copy of the object (RequestBody.fromBytes copies its array).
        s3.putObject(
            b -> b.bucket(bucket).key(key).contentType(JSONL),
            RequestBody.fromContentProvider(() -> new JsonlStream(g.lines), g.bytes, JSONL));
      }
      g.uploaded = true;
    }
    clearPending();
  }

  /** The object key of a group: the layout of design.md, named after the group's first record. */
  String objectKey(GroupKey k, CaptureEntry first) {
    UUID id;
    try {
      id = UUID.fromString(first.eventId());
    } catch (IllegalArgumentException notAUuid) {
      id = UUID.nameUUIDFromBytes(first.eventId().getBytes(StandardCharsets.UTF_8));
    }
    return CaptureLayout.objectKey(prefix, k.endpoint(), k.variant(), Instant.ofEpochMilli(first.inferenceTimeMillis()), id);
  }

  private void multipart(String key, byte[] body) {
    CreateMultipartUploadResponse created =
        s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(JSONL));
    String uploadId = created.uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int partNumber = 1;
      for (int off = 0; off < body.length; off += PART_BYTES, partNumber++) {
        int len = Math.min(PART_BYTES, body.length - off);
        int n = partNumber;
        int from = off;
        UploadPartResponse r =
            s3.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n),
                RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(body, from, len), len, JSONL));
        parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).build());
      }
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId)
              .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public List<CaptureEntry> pending() {
    return List.copyOf(pending);
  }

  @Override
  public void clearPending() {
    groups.clear();
    pending.clear();
    pendingBytes = 0;
  }

  @Override
  public void abort() {
    s3.close(); // in-flight calls fail; the worker re-spools and stops
  }

  @Override
  public void close() {
    s3.close();
  }
}
