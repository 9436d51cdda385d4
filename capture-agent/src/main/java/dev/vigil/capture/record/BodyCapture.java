package dev.vigil.capture.record;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Copies a body as it streams past, up to a limit, reserving every byte of heap it grows into from
 * the shared {@link ByteBudget}. Confined to one event loop.
 *
 * <p>Past the limit it stops copying and marks the capture truncated; the body itself keeps
 * streaming untouched. When the budget is exhausted it gives up ({@link #failed()}): the record
 * is dropped rather than the event loop waiting for memory.
 */
public final class BodyCapture {
  private static final int INITIAL = 4096;

  private final ByteBudget budget;
  private final int limit;
  private byte[] buf = new byte[0];
  private int size;
  private long reserved;
  private boolean truncated;
  private boolean failed;

  /**
   * @param expectedLength Content-Length when known (pre-sizes the buffer), else -1
   */
  public BodyCapture(ByteBudget budget, long limit, long expectedLength) {
    this.budget = budget;
    this.limit = (int) limit;
    if (expectedLength > 0) {
      grow((int) Math.min(expectedLength, this.limit));
    }
  }

  /** Copies what fits of {@code content} without changing its reader index. */
  public void append(ByteBuf content) {
    int n = content.readableBytes();
    if (failed || n == 0) {
      return;
    }
    int room = limit - size;
    int take = Math.min(n, room);
    if (take < n) {
      truncated = true;
    }
    if (take == 0) {
      return;
    }
    if (size + take > buf.length && !grow(Math.min(limit, Math.max(size + take, Math.max(INITIAL, buf.length * 2))))) {
      return;
    }
    content.getBytes(content.readerIndex(), buf, size, take);
    size += take;
  }

  private boolean grow(int capacity) {
    long extra = capacity - buf.length;
    if (extra <= 0) {
      return true;
    }
    if (!budget.tryReserve(extra)) {
      fail();
      return false;
    }
    reserved += extra;
    buf = Arrays.copyOf(buf, capacity);
    return true;
  }

  private void fail() {
    failed = true;
    budget.release(reserved);
    reserved = 0;
    buf = new byte[0];
    size = 0;
  }

  public boolean failed() {
    return failed;
  }

  public boolean truncated() {
    return truncated;
  }

  /** Bytes reserved from the budget; ownership passes to the record on {@link #take}. */
  public long reserved() {
    return reserved;
  }

  /** The captured bytes, trimmed; after this the capture holds nothing. */
  public byte[] take() {
    byte[] out = size == buf.length ? buf : Arrays.copyOf(buf, size);
    buf = new byte[0];
    return out;
  }

  /** Gives the reservation back (exchange abandoned before it became a record). */
  public void discard() {
    if (!failed) {
      budget.release(reserved);
    }
    reserved = 0;
    buf = new byte[0];
    size = 0;
  }
}
