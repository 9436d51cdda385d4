package dev.vigil.monitor.signals;

import dev.vigil.capture.format.CapturedBody;
import dev.vigil.monitor.flag.CaptureLocation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bounded, uniform sample of a window's captured inputs: bottom-k sampling, keeping the {@code
 * capacity} records with the smallest seeded hash of their eventId. Unlike a reservoir, the
 * sample does not depend on the order records are read in, and the samples of several reading
 * threads merge exactly ({@link #merge}): the window's sample is the same however it was read.
 *
 * <p>Memory: at most {@code capacity} request bodies or locations. Thread-confined, like the scan
 * that owns it.
 */
public final class InputSampler {
  private final int capacity;
  private final long seed;
  private final TreeMap<Long, SampledInput> kept = new TreeMap<>();

  public InputSampler(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("sample capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.seed = seed;
  }

  /** Offers one record's input; records without an eventId are not sampled (they cannot be named). */
  public void offer(String eventId, CapturedBody input) {
    if (input == null || input.data() == null || input.data().isEmpty()) {
      return;
    }
    offer(eventId, input, null);
  }

  /**
   * Offers one record: its input body when the reader kept it, else its location (fetched later
   * for the few records kept).
   */
  public void offer(String eventId, CapturedBody inputOrNull, CaptureLocation locationOrNull) {
    if (eventId == null || (inputOrNull == null && locationOrNull == null)) {
      return;
    }
    long h = hash(eventId);
    if (kept.size() >= capacity && h >= kept.lastKey()) {
      return;
    }
    kept.putIfAbsent(h, new SampledInput(eventId, inputOrNull, inputOrNull == null ? locationOrNull : null));
    if (kept.size() > capacity) {
      kept.pollLastEntry();
    }
  }

  /** Adds {@code other}'s records: the result is the sample of both windows' records. */
  public void merge(InputSampler other) {
    for (Map.Entry<Long, SampledInput> e : other.kept.entrySet()) {
      kept.putIfAbsent(e.getKey(), e.getValue());
      if (kept.size() > capacity) {
        kept.pollLastEntry();
      }
    }
  }

  /** The sample, in hash order (a random order, the same for the same seed). */
  public List<SampledInput> sample() {
    return new ArrayList<>(kept.values());
  }

  /** FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser with the seed. */
  long hash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    long z = h + seed * 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
