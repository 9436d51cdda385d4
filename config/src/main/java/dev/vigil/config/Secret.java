package dev.vigil.config;

import java.util.Objects;

/**
 * A password, key or token read from the configuration. Its {@link #toString()} is always
 * masked so it cannot leak through logs, records' {@code toString} or exception messages;
 * call {@link #reveal()} only where the value is handed to the client that needs it.
 */
public final class Secret {
  /** What a secret looks like wherever it is printed. */
  public static final String MASK = "******";

  private static final Secret EMPTY = new Secret("");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** A secret holding {@code value}; {@code null} or empty gives the empty secret. */
  public static Secret of(String value) {
    return value == null || value.isEmpty() ? EMPTY : new Secret(value);
  }

  /** The empty secret: "not configured" (e.g. use the default AWS credential chain). */
  public static Secret empty() {
    return EMPTY;
  }

  /** The clear-text value. Never log it. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** {@link #MASK} when set, the empty string when not: never the value. */
  @Override
  public String toString() {
    return value.isEmpty() ? "" : MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(value);
  }
}
