package dev.vigil.capture.sink;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.RecordEncoder;
import dev.vigil.capture.record.SampledExchange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread between the event loops and the sinks: takes sampled exchanges from the
 * {@link CaptureBuffer}, encodes them (redaction, base64, JSON; CPU the event loop must not spend)
 * and submits the entry to every sink's {@link SinkChannel}. Never blocks on a sink, nor on an
 * fsync: a second thread, {@code vigil-spool-sync}, forces spooled data to disk about once a second
 * (see {@code SegmentSpool}'s fsync policy).
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  static final long SYNC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final CaptureBuffer buffer;
  private final RecordEncoder encoder;
  private final List<SinkChannel> channels;
  private final AgentMetrics metrics;
  private final Thread thread;
  private final Thread syncer;
  private volatile boolean stopping;

  public Dispatcher(CaptureBuffer buffer, RecordEncoder encoder, List<SinkChannel> channels, AgentMetrics metrics) {
    this.buffer = buffer;
    this.encoder = encoder;
    this.channels = List.copyOf(channels);
    this.metrics = metrics;
    this.thread = new Thread(this::run, "vigil-capture-dispatcher");
    this.syncer = new Thread(this::syncLoop, "vigil-spool-sync");
    this.syncer.setDaemon(true);
    // Capture work yields the CPU to the event loops (see CaptureAgent: needs -XX:ThreadPriorityPolicy=1).
    this.thread.setPriority(Thread.MIN_PRIORITY);
    this.syncer.setPriority(Thread.MIN_PRIORITY);
  }

  public void start() {
    thread.start();
    syncer.start();
  }

  private void syncLoop() {
    while (!stopping) {
      LockSupport.parkNanos(this, SYNC_INTERVAL_NANOS);
      channels.forEach(SinkChannel::sync); // logs its own failures
    }
  }

  private void run() {
    while (true) {
      try {
        SampledExchange x = buffer.poll(TimeUnit.MILLISECONDS.toNanos(100));
        if (x != null) {
          dispatch(x);
        } else if (stopping) {
          break;
        }
      } catch (Throwable t) { // the loop never dies
        log.error("capture dispatcher: {}", t.toString(), t);
      }
    }
    channels.forEach(SinkChannel::sync);
  }

  private void dispatch(SampledExchange x) {
    try {
      RecordEncoder.Result r = encoder.encode(x);
      if (r.redactionFailures() > 0) {
        metrics.dropped("all", "redaction_failed_body");
      }
      for (SinkChannel c : channels) {
        c.submit(r.entry());
      }
    } catch (RuntimeException e) {
      metrics.dropped("all", "encode_error");
      log.error("could not encode capture of endpoint {}: {}", x.policy().endpoint(), e.toString());
    } finally {
      buffer.budget().release(x.reservedBytes());
    }
  }

  /** Drains everything already offered, then stops; waits at most {@code grace}. */
  public void shutdown(Duration grace) throws InterruptedException {
    buffer.close();
    stopping = true;
    thread.join(Math.max(1, grace.toMillis()));
    LockSupport.unpark(syncer);
  }
}
