package dev.vigil.capture.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Every response the agent writes itself instead of the upstream: a short JSON body {@code
 * {"error": kind, ...}} with Content-Length, so clients and the capture see one shape.
 */
final class ErrorResponses {
  private static final byte[] NO_ROUTE =
      utf8("{\"error\":\"no_route\",\"message\":\"no endpoint is configured for this path or host\"}");

  private ErrorResponses() {}

  /** 404 for a request no route matches; the connection closes after it. */
  static FullHttpResponse noRoute() {
    return json(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, NO_ROUTE, true);
  }

  /** 400 for a request the codec could not decode; the connection closes after it. */
  static FullHttpResponse badRequest(Throwable cause) {
    String msg = cause == null ? "malformed HTTP request" : cause.getMessage();
    byte[] body = utf8("{\"error\":\"bad_request\",\"message\":\"" + jsonEscape(String.valueOf(msg)) + "\"}");
    return json(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, body, true);
  }

  /** The body of a 502/504 the agent answers for a failed upstream (also what gets captured). */
  static byte[] upstreamErrorBody(HttpResponseStatus status, String endpoint, Throwable cause) {
    String error = status.code() == 504 ? "upstream_timeout" : "upstream_unavailable";
    return utf8(
        "{\"error\":\"" + error + "\",\"endpoint\":\"" + endpoint + "\",\"message\":\""
            + jsonEscape(cause == null ? error : String.valueOf(cause.getMessage())) + "\"}");
  }

  static FullHttpResponse json(HttpVersion version, HttpResponseStatus status, byte[] body, boolean close) {
    FullHttpResponse resp = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
    resp.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (close) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return resp;
  }

  static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
