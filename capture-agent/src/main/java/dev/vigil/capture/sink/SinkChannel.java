package dev.vigil.capture.sink;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.spool.SegmentSpool;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands between the dispatcher and one sink: a byte-bounded memory queue, and behind it a
 * {@link SegmentSpool} on disk.
 *
 * <h2>State machine</h2>
 * <ul>
 *   <li>MEMORY: the worker has read everything on disk (what it read may still wait for its
 *       acknowledgement); entries go to the memory queue.
 *   <li>SPOOLING: entered when the memory queue is full (the sink is down or slow) or at start
 *       when the spool holds records from a previous run. Every new entry goes to the spool so
 *       order is kept. Left as soon as the worker has read the whole spool: a sink that only fell
 *       behind for one slow upload is back on the memory path after one pass over the disk,
 *       instead of writing and re-reading every record for as long as traffic lasts. After a
 *       failure ({@link #spill}) only when an acknowledgement empties the spool: an outage is
 *       ridden out on disk.
 * </ul>
 * Invariants: in SPOOLING, entries in memory are older than every spooled entry not yet read; in
 * MEMORY, no spooled entry is unread and entries in memory are newer than every spooled one. So
 * when MEMORY turns to SPOOLING while the spool still holds a read batch, the memory queue goes to
 * disk first (behind that batch). The worker takes memory first, then the spool, never mixes the
 * two in one batch ({@link Batch#fromSpool}), and ships a spool batch before it polls memory.
 *
 * <h2>Loss</h2>
 * An entry is dropped only when the spool is full (or the disk fails): counted as
 * {@code vigil.agent.capture.dropped{reason=spool_full}} and logged at most every 10 s.
 */
public final class SinkChannel {
  private static final Logger log = LoggerFactory.getLogger(SinkChannel.class);
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Entries handed to the worker; {@code spoolEnd} is non-null when they came from the spool. */
  public record Batch(List<CaptureEntry> entries, SegmentSpool.Position spoolEnd) {
    public boolean fromSpool() {
      return spoolEnd != null;
    }
  }

  private final String sink;
  private final long memoryBytes;
  private final SegmentSpool spool;
  private final AgentMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();

  // guarded by lock
  private final ArrayDeque<CaptureEntry> memory = new ArrayDeque<>();
  private long memoryUsed;
  private boolean spooling;
  private boolean sinkFailed; // spill() since the last ack: SPOOLING is left only by an emptying ack
  private long lastDropLog;
  private long droppedSinceLog;
  private long lastCursorWarning;
  private String lastWriteError; // the latest refused spool write since the last drop warning
  private long wakeBytes = 1; // the waiting worker wants a signal once memoryUsed reaches this

  public SinkChannel(String sink, long memoryBytes, SegmentSpool spool, AgentMetrics metrics) {
    this.sink = sink;
    this.memoryBytes = memoryBytes;
    this.spool = spool;
    this.metrics = metrics;
    this.spooling = !spool.isEmpty();
    metrics.gauge("vigil.agent.spool.size", "sink", sink, "bytes", spool::bytes);
    metrics.gauge("vigil.agent.sink.queue.size", "sink", sink, "bytes", this::memoryUsed);
    metrics.functionCounter("vigil.agent.spool.corrupt.frames", "sink", sink, null, spool, SegmentSpool::corruptFrames);
    metrics.functionCounter("vigil.agent.spool.corrupt.bytes", "sink", sink, "bytes", spool, SegmentSpool::corruptBytes);
  }

  public String sink() {
    return sink;
  }

  /** Dispatcher side: never blocks on the sink, only (briefly) on the disk when spooling. */
  public void submit(CaptureEntry e) {
    lock.lock();
    try {
      if (!spooling && memoryUsed + e.weight() <= memoryBytes) {
        memory.add(e);
        memoryUsed += e.weight();
        if (memoryUsed >= wakeBytes) {
          nonEmpty.signal(); // else the worker is waiting for a fuller batch or its deadline
        }
        return;
      }
      boolean ok;
      try {
        ok = (spooling || memoryBehindSpool()) && spool.append(e.spoolHeader(), e.line());
        spooling = spooling || ok;
      } catch (IOException ex) { // disk full, file size limit, I/O error: reported by drop()
        lastWriteError = ex.toString();
        ok = false;
      }
      if (ok) {
        metrics.spooled(sink, 1);
        nonEmpty.signal();
      } else {
        drop();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * MEMORY is turning to SPOOLING: when the spool still holds a read batch, memory is newer than it
   * and goes to disk first, so that disk order is record order. False (nothing moved) when memory
   * and the new entry do not both fit: the new entry is then dropped, the older ones kept.
   */
  private boolean memoryBehindSpool() throws IOException {
    if (spool.isEmpty() || memory.isEmpty()) {
      return true;
    }
    if (!appendAllIfRoom(memory)) {
      return false;
    }
    metrics.spooled(sink, memory.size());
    memory.clear();
    memoryUsed = 0;
    return true;
  }

  /**
   * Appends {@code entries} in order when all of them fit. False otherwise; a refusal part way (the
   * disk) leaves the caller's copies as they are, so the ones written are shipped twice later:
   * duplicates, never a loss.
   */
  private boolean appendAllIfRoom(Collection<CaptureEntry> entries) throws IOException {
    long need = 0;
    for (CaptureEntry e : entries) {
      need += SegmentSpool.FRAME_OVERHEAD + e.spoolHeader().length + e.line().length;
    }
    if (need > spool.maxBytes() - spool.bytes()) {
      return false;
    }
    for (CaptureEntry e : entries) {
      if (!spool.append(e.spoolHeader(), e.line())) {
        return false;
      }
    }
    return true;
  }

  private void drop() {
    metrics.dropped(sink, "spool_full");
    droppedSinceLog++;
    long now = System.nanoTime();
    if (now - lastDropLog >= DROP_LOG_INTERVAL_NANOS || lastDropLog == 0) {
      if (lastWriteError != null) {
        log.error(
            "sink {} is down or slow and its spool disk refuses writes ({}; spool holds {} of {} bytes): dropped {} "
                + "record(s) since the last warning. Free the spool disk or lower agent.spool.maxBytes below its size.",
            sink, lastWriteError, spool.bytes(), spool.maxBytes(), droppedSinceLog);
      } else {
        log.warn(
            "sink {} is down or slow and its spool is full ({} of {} bytes): dropped {} record(s) since the last warning. "
                + "Raise agent.spool.maxBytes or fix the sink.",
            sink, spool.bytes(), spool.maxBytes(), droppedSinceLog);
      }
      lastDropLog = now;
      droppedSinceLog = 0;
      lastWriteError = null;
    }
  }

  /**
   * Worker side: up to {@code maxEntries} entries, memory first; empty when there is nothing.
   *
   * @throws IOException when the spool cannot be read
   */
  public Batch poll(int maxEntries, long maxBytes) throws IOException {
    lock.lock();
    try {
      if (!memory.isEmpty()) {
        List<CaptureEntry> out = new ArrayList<>(Math.min(maxEntries, memory.size()));
        long bytes = 0;
        while (!memory.isEmpty() && out.size() < maxEntries && bytes < maxBytes) {
          CaptureEntry e = memory.poll();
          memoryUsed -= e.weight();
          bytes += e.line().length;
          out.add(e);
        }
        return new Batch(out, null);
      }
      if (spooling && !spool.fullyRead()) {
        SegmentSpool.Read<CaptureEntry> read = spool.read(maxEntries, maxBytes, CaptureEntry::deserialize);
        if (spool.isEmpty() || (spool.fullyRead() && !sinkFailed)) {
          spooling = false; // back to memory: everything on disk is older than what comes next
        }
        return new Batch(read.entries(), read.end());
      }
      return new Batch(List.of(), null);
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code nanos} for something to poll. */
  public void awaitData(long nanos) throws InterruptedException {
    awaitData(nanos, 1);
  }

  /**
   * Waits up to {@code nanos} until the memory queue holds {@code minBytes} (capped at half of
   * its bound, so the queue never spills to disk while the worker sleeps) or anything is spooled.
   * A worker with a batch to fill sleeps through the records in between instead of being woken
   * for each one.
   */
  public void awaitData(long nanos, long minBytes) throws InterruptedException {
    lock.lock();
    try {
      long want = Math.max(1, Math.min(minBytes, memoryBytes / 2));
      if (memoryUsed < want && (!spooling || spool.fullyRead())) {
        wakeBytes = want;
        try {
          nonEmpty.awaitNanos(nanos);
        } finally {
          wakeBytes = 1;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The worker shipped a spool batch: acknowledge it; leaves SPOOLING when the spool is empty. */
  public void ack(SegmentSpool.Position end) throws IOException {
    lock.lock();
    try {
      try {
        spool.ack(end);
      } catch (IOException e) {
        // The batch is shipped and the spool's own cursor moved on; only persisting it failed (a
        // full disk). Shipping must go on: the cost is that a restart may ship some records again.
        long now = System.nanoTime();
        if (lastCursorWarning == 0 || now - lastCursorWarning >= DROP_LOG_INTERVAL_NANOS) {
          log.warn("sink {}: could not persist the spool cursor ({}); shipping goes on, a restart may ship "
              + "some records again. Check the spool disk.", sink, e.toString());
          lastCursorWarning = now;
        }
      }
      sinkFailed = false;
      if (spool.isEmpty()) {
        spooling = false;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The sink failed: moves {@code unshipped} (the worker's memory-sourced batch, oldest first) and
   * the memory queue to the spool, so that a process killed during the outage loses none of them,
   * and every later entry goes to the spool too. In MEMORY (nothing on disk unread) they are
   * appended, when they fit; in SPOOLING the spool holds newer entries, so they are put in front of
   * them, when they fit and the spool's cursor is at a segment start (otherwise they stay in memory).
   *
   * @return true when everything was spooled: the caller must drop its copy of {@code unshipped}
   */
  public boolean spill(List<CaptureEntry> unshipped) {
    lock.lock();
    try {
      sinkFailed = true; // until the sink ships again, new records wait on disk
      if (unshipped.isEmpty() && memory.isEmpty()) {
        return false;
      }
      List<CaptureEntry> all = new ArrayList<>(unshipped.size() + memory.size());
      all.addAll(unshipped);
      all.addAll(memory);
      try {
        if (!spooling) { // nothing on disk is unread: memory is newer than all of it
          if (!appendAllIfRoom(all)) {
            spooling = !spool.fullyRead(); // copies written part way ship from disk too (duplicates)
            return false;
          }
        } else {
          List<byte[]> front = new ArrayList<>(all.size());
          long need = 0;
          for (CaptureEntry e : all) {
            byte[] frame = e.serialize();
            front.add(frame);
            need += SegmentSpool.FRAME_OVERHEAD + frame.length;
          }
          // prepend itself ignores the bound (for shutdown); while running, spool.maxBytes holds
          if (need > spool.maxBytes() - spool.bytes()) {
            return false;
          }
          spool.prepend(front); // memory is older than everything spooled
        }
      } catch (IOException | IllegalStateException e) {
        // an append that got through is shipped from the spool as well: duplicates, never a loss
        spooling = spooling || !spool.isEmpty();
        log.debug("sink {}: unshipped records stay in memory ({})", sink, e.toString());
        return false;
      }
      memory.clear();
      memoryUsed = 0;
      spooling = true;
      metrics.spooled(sink, all.size());
      nonEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Worker's shipping of a spool batch failed for good (shutdown): re-read it next time. */
  public void rewind() {
    lock.lock();
    try {
      spool.rewind();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Shutdown: puts {@code unshipped} (memory-sourced, oldest first) and the memory queue where they
   * belong in record order, so the next start ships everything in order: in SPOOLING in front of
   * the spool, in MEMORY behind it (whatever is on disk was read before them).
   */
  public int spoolRemaining(List<CaptureEntry> unshipped) throws IOException {
    lock.lock();
    try {
      List<byte[]> front = new ArrayList<>(unshipped.size() + memory.size());
      for (CaptureEntry e : unshipped) {
        front.add(e.serialize());
      }
      for (CaptureEntry e : memory) {
        front.add(e.serialize());
      }
      memory.clear();
      memoryUsed = 0;
      spool.rewind();
      if (spooling) {
        spool.prepend(front);
      } else {
        spool.appendUnbounded(front);
      }
      spool.sync();
      if (!front.isEmpty()) {
        spooling = true;
        metrics.spooled(sink, front.size());
      }
      return front.size();
    } finally {
      lock.unlock();
    }
  }

  public boolean memoryEmpty() {
    lock.lock();
    try {
      return memory.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  public boolean spooling() {
    lock.lock();
    try {
      return spooling;
    } finally {
      lock.unlock();
    }
  }

  public long memoryUsed() {
    lock.lock();
    try {
      return memoryUsed;
    } finally {
      lock.unlock();
    }
  }

  public long spooledBytes() {
    return spool.bytes();
  }

  /** Forces spooled data to disk (called about once a second by the dispatcher). */
  public void sync() {
    try {
      spool.sync();
    } catch (IOException e) {
      log.warn("spool fsync failed for sink {}: {}", sink, e.toString());
    }
  }

  public void close() throws IOException {
    spool.close();
  }
}
