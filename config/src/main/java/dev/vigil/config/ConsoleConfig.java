package dev.vigil.config;

import java.util.Objects;

/**
 * The read-only web console ({@code console}, {@code vigil console}).
 *
 * @param host interface to bind; {@code 127.0.0.1} by default, so nothing is exposed unless asked
 * @param port TCP port, {@code 0} for an ephemeral one
 * @param auth who may read
 */
public record ConsoleConfig(String host, int port, Auth auth) {
  /** Default {@code console.port}. */
  public static final int DEFAULT_PORT = 8090;

  public ConsoleConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(auth, "auth");
  }

  /** Loopback, port {@value #DEFAULT_PORT}, no authentication. */
  public static ConsoleConfig defaults() {
    return new ConsoleConfig("127.0.0.1", DEFAULT_PORT, new Auth(ConsoleAuthType.NONE, null, Secret.empty(), Secret.empty()));
  }

  /**
   * {@code console.auth}.
   *
   * @param type none, basic or bearer
   * @param user the Basic user (basic only), null when not set
   * @param password the Basic password (basic only)
   * @param token the bearer token (bearer only)
   */
  public record Auth(ConsoleAuthType type, String user, Secret password, Secret token) {
    public Auth {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(token, "token");
    }
  }
}
