package dev.vigil.faults.monitor;

import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes an endpoint's captures to S3 the way the agent's S3 sink does (one JSON Lines object per
 * {@link #OBJECT_SECONDS}, keyed by its first record's time; records stamped 100 ms apart from
 * then on, a little ahead of the clock so each object is in S3 before its records' times), so
 * that child monitors reading windows relative to now find real traffic.
 *
 * <p>Traffic is {@link Mode#VIOLATING} (class 0 in every prediction: the class-share check fails)
 * or {@link Mode#CLEAN} (four classes in turn); {@link #mode} switches it between objects. One
 * daemon thread; {@link #close} stops it.
 */
final class CaptureFeeder implements AutoCloseable {
  enum Mode { VIOLATING, CLEAN }

  static final String PREFIX = "capture";
  static final String VARIANT = "v1";
  /** Records per second. */
  static final int PER_SECOND = 10;
  /** Seconds of records per object: few objects per window, so a loaded machine reads it fast. */
  static final int OBJECT_SECONDS = 5;

  private static final CaptureRecordCodec CODEC = new CaptureRecordCodec();

  private final S3Client s3;
  private final String bucket;
  private final String endpoint;
  private final Thread thread;
  private final AtomicLong written = new AtomicLong();
  private volatile Mode mode;
  private volatile boolean closed;

  CaptureFeeder(S3Client s3, String bucket, String endpoint, Mode mode) {
    this.s3 = s3;
    this.bucket = bucket;
    this.endpoint = endpoint;
    this.mode = mode;
    this.thread = new Thread(this::run, "feeder-" + endpoint);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  long written() {
    return written.get();
  }

  private void run() {
    long n = 0;
    while (!closed) {
      Instant first = Instant.now();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Mode m = mode;
      for (int i = 0; i < PER_SECOND * OBJECT_SECONDS; i++, n++) {
        int cls = m == Mode.VIOLATING ? 0 : (int) (n % 4);
        StringBuilder v = new StringBuilder("[");
        for (int c = 0; c < 4; c++) {
          v.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", c == cls ? 0.85 : 0.05));
        }
        CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", CapturedBody.INPUT, new byte[] {1, 2, 3}),
            CapturedBody.text("application/json", CapturedBody.OUTPUT, v.append(']').toString()),
            UUID.randomUUID().toString(), first.plusMillis(i * (1000L / PER_SECOND)), null, CaptureRecord.EVENT_VERSION,
            new VigilMetadata(endpoint, VARIANT, 100, 200, false));
        out.writeBytes(CODEC.toJsonLine(r));
        out.write('\n');
      }
      try {
        String key = CaptureLayout.objectKey(PREFIX, endpoint, VARIANT, first, UUID.randomUUID());
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(out.toByteArray()));
        written.addAndGet(PER_SECOND * OBJECT_SECONDS);
      } catch (RuntimeException e) {
        System.err.println("feeder " + endpoint + ": " + e);
      }
      long sleep = OBJECT_SECONDS * 1000L - (System.currentTimeMillis() - first.toEpochMilli());
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
