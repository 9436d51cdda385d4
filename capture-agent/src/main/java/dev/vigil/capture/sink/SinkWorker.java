package dev.vigil.capture.sink;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.spool.SegmentSpool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a {@link Sink}: pulls entries from its {@link SinkChannel}, decides when
 * to ship, retries with capped exponential backoff, and acknowledges spooled entries only after
 * the sink accepted them. Fields are confined to this thread unless marked volatile.
 *
 * <p>The loop never dies: every failed pass is logged (rate-limited), counted and retried. On a
 * failure, what is still in memory (the pending batch, the memory queue) is moved to the spool
 * ({@link SinkChannel#spill}), so that an outage is ridden out on disk and a crash during it loses
 * nothing.
 *
 * <p>Shutdown ({@link #shutdown}): keep shipping until the memory queue is drained and the pending
 * batch is shipped or the deadline passes; then whatever is still in memory (pending batch and
 * queue) goes in front of the spool, to be shipped first by the next start.
 */
public final class SinkWorker {
  private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
  /** Entries pulled per poll. */
  static final int POLL_ENTRIES = 512;
  static final long POLL_BYTES = 4L << 20;
  static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  static final long ERROR_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** What /readyz reports for a sink. */
  public enum State {
    OK,
    RETRYING,
    STOPPED
  }

  private final Sink sink;
  private final SinkChannel channel;
  private final AgentMetrics metrics;
  private final Thread thread;

  private volatile State state = State.OK;
  private volatile boolean stopping;
  private volatile long deadlineNanos = Long.MAX_VALUE;
  private volatile String lastError;

  // confined to the worker thread
  private boolean pendingFromSpool; // the sink's pending batch came from the spool (else memory)
  private SegmentSpool.Position pendingSpoolEnd; // acknowledged once the pending batch is shipped
  private long backoffNanos = MIN_BACKOFF_NANOS;
  private long retryAtNanos;
  private long lastErrorLog;
  private long pendingSinceNanos;

  public SinkWorker(Sink sink, SinkChannel channel, AgentMetrics metrics) {
    this.sink = sink;
    this.channel = channel;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "vigil-sink-" + sink.name());
    this.thread.setDaemon(false);
    this.thread.setPriority(Thread.MIN_PRIORITY); // capture work yields the CPU to the event loops
  }

  public void start() {
    thread.start();
  }

  public String name() {
    return sink.name();
  }

  public State state() {
    return state;
  }

  public String lastError() {
    return lastError;
  }

  public SinkChannel channel() {
    return channel;
  }

  private void run() {
    while (true) {
      long now = System.nanoTime();
      if (stopping && (now >= deadlineNanos || drained())) {
        break;
      }
      try {
        step(now);
      } catch (InterruptedException e) {
        if (stopping) {
          break;
        }
      } catch (Throwable t) { // the loop never dies
        failed(t, now);
      }
    }
    finish();
  }

  private boolean drained() {
    return sink.pendingCount() == 0 && channel.memoryEmpty();
  }

  private void step(long now) throws Exception {
    if (now < retryAtNanos) {
      Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(retryAtNanos - now, MIN_BACKOFF_NANOS))));
      return;
    }
    boolean idle = true;
    if (!mustShipBeforePolling()) {
      SinkChannel.Batch batch = channel.poll(POLL_ENTRIES, POLL_BYTES);
      if (!batch.entries().isEmpty()) {
        idle = false;
        if (sink.pendingCount() == 0) {
          pendingSinceNanos = now;
        }
        for (CaptureEntry e : batch.entries()) {
          sink.add(e);
        }
        // Spool batches are acknowledged by their end position; memory batches need nothing.
        pendingFromSpool = batch.fromSpool();
        pendingSpoolEnd = batch.spoolEnd();
      }
    } else {
      idle = false;
    }
    if (sink.pendingCount() > 0 && (stopping || sink.due(now, idle) || mustShipBeforePolling())) {
      ship(now);
    } else if (idle) {
      long wait = TimeUnit.MILLISECONDS.toNanos(stopping ? 5 : 50);
      long wakeBytes = 1;
      if (sink.pendingCount() > 0) { // a batch to fill: sleep until it is due, not per record
        wait = Math.min(wait, Math.max(1, sink.nanosUntilDue(now)));
        wakeBytes = sink.bytesUntilDue();
      }
      channel.awaitData(wait, wakeBytes);
    }
  }

  /**
   * Never mix memory and spool entries in one batch: a batch is shipped before the source changes,
   * which keeps the shutdown re-spool simple and the S3 object boundaries deterministic.
   */
  private boolean mustShipBeforePolling() {
    if (sink.pendingCount() == 0) {
      return false;
    }
    boolean nextFromMemory = !channel.memoryEmpty();
    return pendingFromSpool ? nextFromMemory : !nextFromMemory && channel.spooling();
  }

  private void ship(long now) throws Exception {
    int n = sink.pendingCount();
    long start = System.nanoTime();
    sink.ship(now);
    metrics.sinkLatency(sink.name(), System.nanoTime() - start);
    metrics.shipped(sink.name(), n);
    if (pendingFromSpool) {
      channel.ack(pendingSpoolEnd);
    }
    pendingFromSpool = false;
    pendingSpoolEnd = null;
    backoffNanos = MIN_BACKOFF_NANOS;
    retryAtNanos = 0;
    if (state != State.OK) {
      log.info("sink {} recovered; shipped {} record(s)", sink.name(), n);
    }
    state = State.OK;
    lastError = null;
  }

  private void failed(Throwable t, long now) {
    metrics.sinkError(sink.name());
    state = State.RETRYING;
    lastError = String.valueOf(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    if (lastErrorLog == 0 || now - lastErrorLog >= ERROR_LOG_INTERVAL_NANOS) {
      log.warn(
          "sink {} failed ({}); retrying with backoff up to {} s, new records spool to disk meanwhile",
          sink.name(), t.toString(), TimeUnit.NANOSECONDS.toSeconds(MAX_BACKOFF_NANOS));
      lastErrorLog = now;
    }
    retryAtNanos = now + backoffNanos;
    backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    spillToSpool();
  }

  /**
   * While the sink is down, records wait on disk, not in memory: a process killed during an
   * outage then loses none. The pending batch goes first (it is the oldest), then the memory queue.
   */
  private void spillToSpool() {
    try {
      if (sink.pendingCount() > 0 && pendingFromSpool) {
        channel.spill(List.of()); // the batch is on disk already; memory (newer) goes behind it
      } else if (channel.spill(sink.pending())) {
        sink.clearPending(); // re-read from the spool, in the same order
      }
    } catch (RuntimeException e) {
      log.warn("sink {}: keeping unshipped records in memory: {}", sink.name(), e.toString());
    }
  }

  /** Runs on the worker thread after the loop: re-spools what could not be shipped. */
  private void finish() {
    Thread.interrupted(); // spool writes below must not be cut off by a stale interrupt
    try {
      List<CaptureEntry> unshipped = List.of();
      if (sink.pendingCount() > 0) {
        if (pendingFromSpool) {
          channel.rewind(); // still on disk beyond the cursor
        } else {
          unshipped = sink.pending();
        }
        sink.clearPending();
      }
      int spooled = channel.spoolRemaining(unshipped);
      if (spooled > 0) {
        log.warn(
            "sink {} could not ship {} record(s) before the shutdown deadline; they are spooled and will be shipped first at the next start",
            sink.name(), spooled);
      }
    } catch (Throwable t) {
      log.error("sink {}: spooling unshipped records at shutdown failed: {}; they are lost", sink.name(), t.toString());
    } finally {
      state = State.STOPPED;
      sink.close();
      try {
        channel.close();
      } catch (Exception e) {
        log.warn("closing spool of sink {}: {}", sink.name(), e.toString());
      }
    }
  }

  /**
   * Stops accepting work after draining memory and shipping, within {@code grace}; blocks until
   * the worker thread ended.
   */
  public void shutdown(Duration grace) throws InterruptedException {
    deadlineNanos = System.nanoTime() + grace.toNanos();
    stopping = true;
    thread.join(Math.max(1, grace.toMillis()));
    if (thread.isAlive()) {
      // Unblock a ship() stuck on a dead server. No interrupt: an interrupted thread's file
      // channels close under it (ClosedByInterruptException) and the re-spool would fail.
      sink.abort();
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
