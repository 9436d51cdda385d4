package dev.vigil.capture.sink;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.ByteBudget;
import dev.vigil.capture.record.SampledExchange;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-off from the event loops (many producers) to the dispatcher thread (one consumer).
 *
 * <p>Bounded in bytes, not entries: each {@link SampledExchange} already holds a reservation of
 * the shared {@link ByteBudget} (taken while its bodies were copied), released by the dispatcher
 * after encoding. {@link #offer} never blocks and never fails for a reserved exchange; the loss
 * point is earlier, where the reservation fails ({@code dropped{reason=buffer_full}}).
 *
 * <p>A lock-free queue plus park/unpark of the single consumer: an offer costs one CAS and, only
 * when the consumer sleeps, one unpark. A consumer that finds the queue empty first naps for
 * {@link #NAP_NANOS} without announcing it, so under steady traffic the event loops make no
 * wake-up system call per record and the consumer wakes about once per nap, taking what arrived
 * meanwhile; only a queue still empty after the nap parks it until the next offer.
 */
public final class CaptureBuffer {
  /** How long the consumer sleeps unannounced before it asks to be woken. */
  static final long NAP_NANOS = 2_000_000;

  private final ConcurrentLinkedQueue<SampledExchange> queue = new ConcurrentLinkedQueue<>();
  private final ByteBudget budget;
  private final AgentMetrics metrics;
  private volatile Thread consumer;
  private volatile boolean consumerParked;
  private volatile boolean closed;

  public CaptureBuffer(ByteBudget budget, AgentMetrics metrics) {
    this.budget = budget;
    this.metrics = metrics;
    metrics.gauge("vigil.agent.buffer.size", "stage", "capture", "bytes", budget::used);
  }

  public ByteBudget budget() {
    return budget;
  }

  /**
   * Hands a sampled exchange over. After {@link #close()} the exchange is refused: its reservation
   * is released and the drop counted.
   */
  public boolean offer(SampledExchange x) {
    if (closed) {
      budget.release(x.reservedBytes());
      metrics.dropped("all", "shutdown");
      return false;
    }
    queue.offer(x);
    if (consumerParked) {
      Thread c = consumer;
      if (c != null) {
        LockSupport.unpark(c);
      }
    }
    return true;
  }

  /** Consumer side: the next exchange, waiting up to {@code timeoutNanos}; null if none. */
  SampledExchange poll(long timeoutNanos) {
    SampledExchange x = queue.poll();
    if (x != null || timeoutNanos <= 0) {
      return x;
    }
    LockSupport.parkNanos(this, Math.min(NAP_NANOS, timeoutNanos));
    x = queue.poll();
    if (x != null) {
      return x;
    }
    consumer = Thread.currentThread();
    consumerParked = true;
    try {
      x = queue.poll(); // re-check after announcing the park: no lost wake-up
      if (x == null) {
        LockSupport.parkNanos(this, timeoutNanos);
        x = queue.poll();
      }
    } finally {
      consumerParked = false;
    }
    return x;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Refuse new offers (shutdown: the proxy has stopped, the dispatcher drains what is left). */
  void close() {
    closed = true;
  }
}
