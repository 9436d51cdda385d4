package dev.vigil.console;

import dev.vigil.config.ConsoleConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * {@code console.auth}: checks the {@code Authorization} header of every request. Comparisons
 * take the same time whatever the mismatch ({@link MessageDigest#isEqual}); the expected header
 * is built once and never logged.
 */
final class Auth {
  private final byte[] expected; // null: no authentication
  private final String challenge;

  private Auth(byte[] expected, String challenge) {
    this.expected = expected;
    this.challenge = challenge;
  }

  static Auth of(ConsoleConfig.Auth a) {
    return switch (a.type()) {
      case NONE -> new Auth(null, null);
      case BASIC -> new Auth(("Basic " + Base64.getEncoder().encodeToString(
          (a.user() + ":" + a.password().reveal()).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8),
          "Basic realm=\"Vigil console\", charset=\"UTF-8\"");
      case BEARER -> new Auth(("Bearer " + a.token().reveal()).getBytes(StandardCharsets.UTF_8),
          "Bearer realm=\"Vigil console\"");
    };
  }

  /** Whether a request with this {@code Authorization} header (null when absent) may read. */
  boolean allows(String authorization) {
    return expected == null
        || (authorization != null && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code WWW-Authenticate} value of a 401. */
  String challenge() {
    return challenge;
  }
}
