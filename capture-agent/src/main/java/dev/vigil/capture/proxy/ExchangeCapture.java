package dev.vigil.capture.proxy;

import dev.vigil.capture.record.BodyCapture;
import dev.vigil.capture.record.SampledExchange;
import dev.vigil.capture.sampling.CapturePolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The capture side of one exchange: the sampling decision (from the request head, before any byte
 * is copied), the body copies, and the hand-off of the finished {@link SampledExchange} to the
 * capture buffer. It ends with exactly one of {@link #offer}, {@link #upstreamError} or {@link
 * #discard}, so every byte reserved from the budget ends up owned by a record or given back.
 *
 * <p>Event-loop confined like its {@link Exchange}. Unsampled exchanges share {@link #SKIPPED},
 * whose methods do nothing: the hot path allocates nothing for them.
 */
final class ExchangeCapture {
  private static final ExchangeCapture SKIPPED = new ExchangeCapture(null, null, null, null);

  private final ProxyContext px;
  private final CapturePolicy policy;
  private final String inferenceId;
  private final String requestContentType;
  private final Instant inferenceTime = Instant.now();
  private BodyCapture request;
  private BodyCapture response;
  private String responseContentType;

  private ExchangeCapture(ProxyContext px, CapturePolicy policy, String inferenceId, String requestContentType) {
    this.px = px;
    this.policy = policy;
    this.inferenceId = inferenceId;
    this.requestContentType = requestContentType;
  }

  /** Decides sampling for {@code req}; the request body is copied from here on when sampled. */
  static ExchangeCapture start(ProxyContext px, CapturePolicy policy, HttpRequest req) {
    HttpHeaders h = req.headers();
    String requestId = policy.requestIdHeader() == null ? null : h.get(policy.requestIdHeader());
    if (!policy.sampler().sample(requestId)) {
      return SKIPPED;
    }
    px.metrics().sampled(policy.endpoint());
    String inferenceId = policy.inferenceIdHeader() == null ? null : h.get(policy.inferenceIdHeader());
    ExchangeCapture c = new ExchangeCapture(px, policy, inferenceId, h.get(HttpHeaderNames.CONTENT_TYPE));
    if (policy.mode().input()) {
      c.request = new BodyCapture(px.budget(), policy.maxBodyBytes(), HttpUtil.getContentLength(req, -1L));
    }
    return c;
  }

  boolean sampled() {
    return this != SKIPPED;
  }

  /** Copies what fits of a request chunk; the chunk's reader index is untouched. */
  void requestContent(ByteBuf content) {
    if (request != null) {
      request.append(content);
    }
  }

  /** The final response head: the response body is copied from here on when the mode says so. */
  void responseHead(HttpResponse r, boolean bodyless) {
    if (!sampled()) {
      return;
    }
    responseContentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (policy.mode().output()) {
      response = new BodyCapture(px.budget(), policy.maxBodyBytes(), bodyless ? -1 : HttpUtil.getContentLength(r, -1L));
    }
  }

  void responseContent(ByteBuf content) {
    if (response != null) {
      response.append(content);
    }
  }

  /**
   * The agent answered {@code status} with {@code body} itself (upstream failed): captured as the
   * response when the policy captures upstream errors, else the capture is discarded.
   */
  void upstreamError(int status, byte[] body, long nanos) {
    if (!sampled() || !policy.captureUpstreamErrors()) {
      discard();
      return;
    }
    responseContentType = "application/json";
    if (policy.mode().output()) {
      response = new BodyCapture(px.budget(), policy.maxBodyBytes(), body.length);
      response.append(Unpooled.wrappedBuffer(body));
    }
    offer(status, nanos);
  }

  /** Hands the sampled exchange to the capture buffer, or counts it dropped if a copy failed. */
  void offer(int status, long nanos) {
    if (!sampled()) {
      return;
    }
    BodyCapture in = request;
    BodyCapture out = response;
    if ((in != null && in.failed()) || (out != null && out.failed())) {
      discard();
      px.metrics().dropped("all", "buffer_full");
      return;
    }
    long reserved = (in == null ? 0 : in.reserved()) + (out == null ? 0 : out.reserved());
    SampledExchange s =
        new SampledExchange(
            policy,
            UUID.randomUUID(),
            inferenceTime,
            inferenceId,
            requestContentType,
            in == null ? null : in.take(),
            in != null && in.truncated(),
            responseContentType,
            out == null ? null : out.take(),
            out != null && out.truncated(),
            status,
            TimeUnit.NANOSECONDS.toMicros(nanos),
            reserved);
    request = null;
    response = null;
    px.buffer().offer(s);
  }

  /** Gives every reserved byte back (the exchange was abandoned). Idempotent. */
  void discard() {
    if (request != null) {
      request.discard();
      request = null;
    }
    if (response != null) {
      response.discard();
      response = null;
    }
  }
}
