package dev.vigil.capture.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte budget shared by the capture path: bodies being copied on the event loops and records
 * waiting in the capture buffer all reserve from it, so captured bytes held in memory never exceed
 * {@link #capacity()}. {@link #tryReserve} never blocks: on the hot path a full budget means
 * "drop this capture", never "wait".
 */
public final class ByteBudget {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  /** @throws IllegalArgumentException when capacity is not positive */
  public ByteBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("byte budget must be positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Reserves n bytes if they fit; false (and nothing reserved) otherwise. */
  public boolean tryReserve(long n) {
    while (true) {
      long u = used.get();
      if (u + n > capacity) {
        return false;
      }
      if (used.compareAndSet(u, u + n)) {
        return true;
      }
    }
  }

  public void release(long n) {
    used.addAndGet(-n);
  }

  public long used() {
    return used.get();
  }

  public long capacity() {
    return capacity;
  }
}
