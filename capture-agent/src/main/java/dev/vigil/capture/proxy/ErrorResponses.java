package dev.vigil.capture.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import dev.vigil.admin.RequestIds;
import dev.vigil.capture.sampling.CapturePolicy;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;


/**
 * Every response the agent writes itself instead of the upstream: a short JSON body {@code
 * {"error": kind, ...}} with Content-Length, so clients and the capture see one shape.
 *
 * <p>Failures carry a request id (body field {@code requestId} and header {@code X-Request-Id})
 * and a fixed message; what went wrong inside (exception text, addresses) goes to the agent's log
 * under the same id, never to the client.
 */
final class ErrorResponses {
  /** The response header naming the request id. */
  static final String REQUEST_ID_HEADER = RequestIds.HEADER;

  private static final byte[] NO_ROUTE =
      utf8("{\"error\":\"no_route\",\"message\":\"no endpoint is configured for this path or host\"}");

  private ErrorResponses() {}

  /** 404 for a request no route matches; the connection closes after it. */
  static FullHttpResponse noRoute() {
    return json(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, NO_ROUTE, true);
  }

  /**
   * 400 for a request the codec could not decode; the connection closes after it.
   *
   * @param requestId from {@link #newRequestId()}: a request that cannot be decoded has no trusted headers
   */
  static FullHttpResponse badRequest(Throwable cause, String requestId) {
    String msg = cause instanceof TooLongFrameException ? "request line or headers too large" : "malformed HTTP request";
    byte[] body = utf8("{\"error\":\"bad_request\",\"message\":\"" + msg + "\",\"requestId\":\"" + requestId + "\"}");
    FullHttpResponse resp = json(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, body, true);
    resp.headers().set(REQUEST_ID_HEADER, requestId);
    return resp;
  }

  /** The body of a 502/504 the agent answers for a failed upstream (also what gets captured). */
  static byte[] upstreamErrorBody(HttpResponseStatus status, String endpoint, String requestId) {
    boolean timeout = status.code() == 504;
    String error = timeout ? "upstream_timeout" : "upstream_unavailable";
    String message = timeout ? "the model server did not answer in time" : "the model server could not be reached";
    return utf8("{\"error\":\"" + error + "\",\"endpoint\":\"" + jsonEscape(endpoint) + "\",\"message\":\"" + message
        + "\",\"requestId\":\"" + requestId + "\"}");
  }

  /**
   * The id a failure of this request is answered and logged under: the client's own request id
   * ({@code sampling.requestIdHeader}) or inference id ({@code capture.inferenceIdHeader}) when it
   * is tame, else a new one ({@link RequestIds}).
   */
  static String requestId(HttpHeaders headers, CapturePolicy policy) {
    return RequestIds.reuseOrNew(header(headers, policy.requestIdHeader()), header(headers, policy.inferenceIdHeader()));
  }

  private static String header(HttpHeaders headers, String name) {
    return name == null ? null : headers.get(name);
  }

  static String newRequestId() {
    return RequestIds.next();
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
