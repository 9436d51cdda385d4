package dev.vigil.capture.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Hop-by-hop header handling per RFC 9110 section 7.6.1: the Connection header, every header it
 * names, and the well-known hop-by-hop headers (Keep-Alive, TE, Trailer, Transfer-Encoding,
 * Upgrade, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization) are removed before a message
 * is forwarded. Framing is re-established by the caller (chunked or Content-Length).
 */
final class HopByHop {
  private static final List<CharSequence> ALWAYS =
      List.of(
          HttpHeaderNames.CONNECTION,
          "keep-alive",
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          "proxy-connection");

  private HopByHop() {}

  /** Removes hop-by-hop headers in place. */
  static void strip(HttpHeaders headers) {
    List<String> named = new ArrayList<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty()) {
          named.add(t);
        }
      }
    }
    for (String n : named) {
      headers.remove(n);
    }
    for (CharSequence h : ALWAYS) {
      headers.remove(h);
    }
  }
}
