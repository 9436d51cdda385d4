package dev.vigil.capture.sampling;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether one request is sampled, before any byte is copied.
 *
 * <p>With a request id the decision is a pure function of the id (FNV-1a 64 then the SplitMix64
 * finaliser, mapped to [0, 1)), so retries and every replica agree; without one it is a
 * thread-local random draw. Percent may be fractional; 0 never and 100 always samples without
 * hashing.
 */
public final class Sampler {
  private final double fraction;

  /**
   * @param percent 0 to 100 inclusive, fractions allowed
   * @throws IllegalArgumentException when percent is outside [0, 100] or NaN
   */
  public Sampler(double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("sampling percent must be within 0..100, was " + percent);
    }
    this.fraction = percent / 100.0;
  }

  public double percent() {
    return fraction * 100.0;
  }

  /** @param requestId the request-id header value, or null when the request has none */
  public boolean sample(String requestId) {
    if (fraction >= 1.0) {
      return true;
    }
    if (fraction <= 0.0) {
      return false;
    }
    double u = requestId == null || requestId.isEmpty()
        ? ThreadLocalRandom.current().nextDouble()
        : unitHash(requestId);
    return u < fraction;
  }

  /** Maps a string to [0, 1), uniformly for practical purposes. */
  static double unitHash(String id) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    // SplitMix64 finaliser: FNV alone is weak in the high bits for short, similar ids.
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53;
  }
}
