package dev.vigil.console;

import java.nio.charset.StandardCharsets;

/**
 * What a handler answers: status, media type, body.
 *
 * @param status HTTP status
 * @param type {@code Content-Type}
 * @param body the bytes (not copied)
 * @param cacheSeconds {@code Cache-Control: max-age} for immutable things (assets, images), 0 for no-store
 */
record Response(int status, String type, byte[] body, int cacheSeconds) {
  static Response html(String page) {
    return new Response(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), 0);
  }

  static Response bytes(String type, byte[] body, int cacheSeconds) {
    return new Response(200, type, body, cacheSeconds);
  }

  /** A plain-text error; the message must not carry secrets (it is shown to the reader). */
  static Response error(int status, String message) {
    return new Response(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), 0);
  }
}
