package dev.vigil.capture.proxy;

import dev.vigil.capture.record.BodyCapture;
import dev.vigil.capture.record.SampledExchange;
import dev.vigil.capture.sampling.CapturePolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries client-to-upstream traffic of one client connection and drives its exchanges, one at a
 * time (HTTP/1.1 pipelined requests wait in {@link #backlog}). Everything runs on the channel's
 * event loop, including the upstream side (the pool's connections live on the same loop).
 *
 * <h2>Backpressure</h2>
 * AUTO_READ is off on both sides. The client is read again only when every write to the upstream
 * has completed (and vice versa for the response), so at most one socket read of body is in
 * flight per direction: a 200 MB upload streams with a few 64 KB buffers.
 *
 * <h2>Capture</h2>
 * Sampling is decided from the request head before any byte is copied. Sampled bodies are copied
 * into a {@link BodyCapture} (bounded by the capture limit and the shared byte budget); when the
 * exchange completes the capture is offered once to the capture buffer. Buffers are released in
 * every path.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final ProxyContext px;
  private ChannelHandlerContext ctx;
  private Exchange ex; // the exchange in progress, null when idle
  private final ArrayDeque<Object> backlog = new ArrayDeque<>(); // pipelined input while busy
  private boolean closing;
  private boolean inputClosed; // the client half-closed: answer what is in flight, then close

  FrontendHandler(ProxyContext px) {
    this.px = px;
  }

  /** State of one request/response exchange. */
  private final class Exchange {
    final Route route;
    final CapturePolicy policy;
    final long startNanos = System.nanoTime();
    final Instant inferenceTime = Instant.now();
    final boolean sampled;
    final String inferenceId;
    final boolean clientKeepAlive;
    final HttpVersion clientVersion;
    final boolean head;
    final String requestContentType;
    BodyCapture requestCapture;
    BodyCapture responseCapture;
    String responseContentType;
    Channel upstream;
    final ArrayDeque<Object> toUpstream = new ArrayDeque<>(); // queued until connected
    boolean requestDone;
    boolean responseStarted;
    boolean interim; // a 1xx response was forwarded; swallow its empty last content
    boolean upstreamReusable = true;
    boolean keepAlive;
    int status;
    int upstreamWrites;
    boolean upstreamUnflushed;
    int clientWrites;
    long lastActivityNanos = System.nanoTime();
    ScheduledFuture<?> timeout;
    boolean done;

    Exchange(Route route, HttpRequest req) {
      this.route = route;
      this.policy = route.policy();
      HttpHeaders h = req.headers();
      String requestId = policy.requestIdHeader() == null ? null : h.get(policy.requestIdHeader());
      this.sampled = policy.sampler().sample(requestId);
      this.inferenceId = policy.inferenceIdHeader() == null ? null : h.get(policy.inferenceIdHeader());
      this.clientKeepAlive = HttpUtil.isKeepAlive(req);
      this.keepAlive = clientKeepAlive;
      this.clientVersion = req.protocolVersion();
      this.head = HttpMethod.HEAD.equals(req.method());
      this.requestContentType = h.get(HttpHeaderNames.CONTENT_TYPE);
      if (sampled) {
        px.metrics().sampled(policy.endpoint());
        if (policy.mode().input()) {
          requestCapture = new BodyCapture(px.budget(), policy.maxBodyBytes(), HttpUtil.getContentLength(req, -1L));
        }
      }
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    px.connectionOpened();
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (ex != null && ex.requestDone) {
      backlog.add(msg); // a pipelined request: handled when this exchange completes
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (msg instanceof HttpRequest req) {
      if (req.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        badRequest(req.decoderResult().cause());
        return;
      }
      onRequest(req);
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        content.release();
        badRequest(content.decoderResult().cause());
        return;
      }
      onRequestContent(content);
    }
  }

  private void onRequest(HttpRequest req) {
    Route route = px.router().route(req.uri(), req.headers().get(HttpHeaderNames.HOST));
    if (route == null) {
      px.metrics().request("none", 404);
      sendLocal(
          HttpResponseStatus.NOT_FOUND,
          "{\"error\":\"no_route\",\"message\":\"no endpoint is configured for this path or host\"}",
          true);
      return;
    }
    ex = new Exchange(route, req);
    px.exchangeStarted();
    HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri(), req.headers().copy());
    boolean chunked = HttpUtil.isTransferEncodingChunked(req);
    HopByHop.strip(out.headers());
    if (chunked) {
      out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
      out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // re-framed
    }
    ex.toUpstream.add(out);
    scheduleTimeout(ex);
    Channel idle = px.pool(ctx.channel().eventLoop()).pollIdle(route);
    if (idle != null) {
      attach(ex, idle);
    } else {
      Exchange current = ex;
      px.pool(ctx.channel().eventLoop())
          .connect(route)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (current != ex || current.done) {
                      f.channel().close();
                      return;
                    }
                    if (f.isSuccess()) {
                      attach(current, f.channel());
                    } else {
                      upstreamFailed(current, HttpResponseStatus.BAD_GATEWAY, "unavailable", f.cause());
                    }
                  });
    }
  }

  private void attach(Exchange x, Channel upstream) {
    x.upstream = upstream;
    BackendHandler.of(upstream).bind(this);
    while (!x.toUpstream.isEmpty()) {
      writeUpstream(x, x.toUpstream.poll());
    }
    flushUpstream();
    upstream.read(); // the response may start before the request ends
  }

  /** One flush (one syscall) for everything written to the upstream in this read batch. */
  private void flushUpstream() {
    Exchange x = ex;
    if (x != null && x.upstreamUnflushed && x.upstream != null) {
      x.upstreamUnflushed = false;
      x.upstream.flush();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flushUpstream();
    // A read that decoded no complete message (half a header, an empty chunk) wrote nothing, so no
    // write listener will ask for more: ask here. Never while connecting (the queue must not grow)
    // or after the request ended (the rest waits for the response).
    Exchange x = ex;
    if (closing || inputClosed) {
      return;
    }
    if (x == null || (!x.requestDone && x.upstream != null && x.upstreamWrites == 0 && !x.done)) {
      ctx.read();
    }
  }

  private void onRequestContent(HttpContent content) {
    Exchange x = ex;
    if (x == null || x.requestDone) {
      content.release(); // body of a request answered locally
      return;
    }
    x.lastActivityNanos = System.nanoTime();
    if (x.requestCapture != null) {
      x.requestCapture.append(content.content());
    }
    if (content instanceof LastHttpContent) {
      x.requestDone = true;
    }
    if (x.upstream == null) {
      x.toUpstream.add(content);
    } else {
      writeUpstream(x, content);
    }
  }

  private void writeUpstream(Exchange x, Object msg) {
    x.upstreamWrites++;
    x.upstreamUnflushed = true; // flushed once per read batch (flushUpstream), not per message
    x.upstream
        .write(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  x.upstreamWrites--;
                  if (!f.isSuccess()) {
                    if (!x.done) {
                      upstreamFailed(x, HttpResponseStatus.BAD_GATEWAY, "unavailable", f.cause());
                    }
                    return;
                  }
                  if (x.upstreamWrites == 0 && !x.requestDone && !x.done && x == ex) {
                    ctx.read(); // backpressure: next client chunk only after this one left
                  }
                });
  }

  // ---- upstream side (called by BackendHandler on the same event loop) ----

  void onUpstreamMessage(Channel upstream, Object msg) {
    Exchange x = ex;
    if (x == null || x.done || x.upstream != upstream) {
      ReferenceCountUtil.release(msg);
      upstream.close();
      return;
    }
    x.lastActivityNanos = System.nanoTime();
    if (msg instanceof HttpResponse r) {
      if (r.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamFailed(x, HttpResponseStatus.BAD_GATEWAY, "bad_response", r.decoderResult().cause());
        return;
      }
      onResponseHead(x, r);
    }
    if (msg instanceof HttpContent c) {
      onResponseContent(x, c);
    }
  }

  private void onResponseHead(Exchange x, HttpResponse r) {
    int code = r.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      // Interim (100 Continue, 103 Early Hints): pass on, keep waiting for the final response.
      x.interim = true;
      DefaultFullHttpResponse interim =
          new DefaultFullHttpResponse(x.clientVersion, r.status(), Unpooled.EMPTY_BUFFER, r.headers().copy(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
      HopByHop.strip(interim.headers());
      writeClient(x, interim);
      return;
    }
    x.responseStarted = true;
    x.status = code;
    x.upstreamReusable = HttpUtil.isKeepAlive(r) && code != 101;
    HttpResponse out = new DefaultHttpResponse(x.clientVersion, r.status(), r.headers().copy());
    boolean hasLength = r.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
    HopByHop.strip(out.headers());
    boolean bodyless = x.head || code == 204 || code == 304;
    if (!bodyless && !hasLength) {
      if (x.clientVersion.equals(HttpVersion.HTTP_1_1)) {
        out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        x.keepAlive = false; // HTTP/1.0 client: the body ends when the connection closes
      }
    }
    if (!x.requestDone) {
      x.keepAlive = false; // the server answered before the request ended: this connection is done
    }
    if (!x.keepAlive) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (x.clientVersion.equals(HttpVersion.HTTP_1_0)) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    x.responseContentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (x.sampled && x.policy.mode().output()) {
      x.responseCapture =
          new BodyCapture(px.budget(), x.policy.maxBodyBytes(), bodyless ? -1 : HttpUtil.getContentLength(r, -1L));
    }
    writeClient(x, out);
  }

  private void onResponseContent(Exchange x, HttpContent c) {
    if (x.interim) {
      if (c instanceof LastHttpContent) {
        x.interim = false;
      }
      c.release();
      x.upstream.read();
      return;
    }
    if (x.responseCapture != null) {
      x.responseCapture.append(c.content());
    }
    boolean last = c instanceof LastHttpContent;
    ChannelFuture written = writeClient(x, c);
    if (last) {
      completeExchange(x, written);
    }
  }

  private ChannelFuture writeClient(Exchange x, Object msg) {
    x.clientWrites++;
    ChannelFuture f = ctx.write(msg);
    f.addListener(
        (ChannelFutureListener)
            w -> {
              x.clientWrites--;
              if (!w.isSuccess()) {
                clientGone(x);
                return;
              }
              if (x.clientWrites == 0 && !x.done && x.upstream != null) {
                x.upstream.read(); // backpressure: next upstream chunk only after this one left
              }
            });
    return f;
  }

  void onUpstreamReadComplete() {
    ctx.flush();
    Exchange x = ex;
    if (x != null && !x.done && x.clientWrites == 0 && x.upstream != null) {
      x.upstream.read(); // nothing waiting on the client: keep reading the response
    }
  }

  void onUpstreamClosed(Channel upstream) {
    Exchange x = ex;
    if (x == null || x.done || x.upstream != upstream) {
      return;
    }
    upstreamFailed(x, HttpResponseStatus.BAD_GATEWAY, x.responseStarted ? "reset" : "unavailable",
        new java.io.IOException("upstream closed the connection"));
  }

  private void completeExchange(Exchange x, ChannelFuture lastWrite) {
    x.done = true;
    cancelTimeout(x);
    ctx.flush();
    long nanos = System.nanoTime() - x.startNanos;
    px.metrics().request(x.policy.endpoint(), x.status);
    px.metrics().upstreamLatency(x.policy.endpoint(), nanos);
    offerCapture(x, nanos);
    Channel up = x.upstream;
    if (up != null) {
      BackendHandler.of(up).unbind();
      if (x.upstreamReusable && x.requestDone && up.isActive()) {
        px.pool(ctx.channel().eventLoop()).release(x.route, up);
      } else {
        up.close();
      }
    }
    finishClientSide(x, lastWrite);
  }

  private void finishClientSide(Exchange x, ChannelFuture lastWrite) {
    ex = null;
    px.exchangeEnded();
    if (!x.keepAlive) {
      closing = true;
      releaseBacklog();
      lastWrite.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    lastWrite.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess() && ex == null && !closing) {
                resume();
              }
            });
  }

  /** Next pipelined request from the backlog, or read from the client. */
  private void resume() {
    if (inputClosed && backlog.isEmpty()) {
      closing = true;
      ctx.close();
      return;
    }
    while (!backlog.isEmpty() && !closing) {
      if (ex != null && ex.requestDone) {
        flushUpstream();
        return; // a backlogged request completed its body; wait for its response
      }
      handle(backlog.poll());
    }
    flushUpstream();
    if (!closing && (ex == null || !ex.requestDone) && (ex == null || ex.upstreamWrites == 0)) {
      ctx.read();
    }
  }

  private void upstreamFailed(Exchange x, HttpResponseStatus status, String kind, Throwable cause) {
    if (x.done) {
      return;
    }
    x.done = true;
    cancelTimeout(x);
    px.metrics().upstreamError(x.policy.endpoint(), kind);
    if (x.upstream != null) {
      BackendHandler.of(x.upstream).unbind();
      x.upstream.close();
    }
    releaseQueued(x);
    if (x.responseStarted) {
      // Part of the response is already on its way: the only honest signal left is closing.
      log.debug("upstream of {} failed mid-response: {}", x.policy.endpoint(), String.valueOf(cause));
      discardCaptures(x);
      px.metrics().request(x.policy.endpoint(), x.status);
      ex = null;
      px.exchangeEnded();
      closing = true;
      releaseBacklog();
      ctx.flush();
      ctx.close();
      return;
    }
    String error = status.code() == 504 ? "upstream_timeout" : "upstream_unavailable";
    String body =
        "{\"error\":\"" + error + "\",\"endpoint\":\"" + x.policy.endpoint() + "\",\"message\":\""
            + jsonEscape(cause == null ? error : String.valueOf(cause.getMessage())) + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.status = status.code();
    if (!x.requestDone) {
      x.keepAlive = false;
    }
    long nanos = System.nanoTime() - x.startNanos;
    px.metrics().request(x.policy.endpoint(), x.status);
    if (x.sampled && x.policy.captureUpstreamErrors()) {
      x.responseContentType = "application/json";
      if (x.policy.mode().output()) {
        x.responseCapture = new BodyCapture(px.budget(), x.policy.maxBodyBytes(), bytes.length);
        x.responseCapture.append(Unpooled.wrappedBuffer(bytes));
      }
      offerCapture(x, nanos);
    } else {
      discardCaptures(x);
    }
    DefaultFullHttpResponse resp =
        new DefaultFullHttpResponse(x.clientVersion, status, Unpooled.wrappedBuffer(bytes));
    resp.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (!x.keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture f = ctx.writeAndFlush(resp);
    finishClientSide(x, f);
  }

  private void offerCapture(Exchange x, long nanos) {
    if (!x.sampled) {
      return;
    }
    BodyCapture in = x.requestCapture;
    BodyCapture out = x.responseCapture;
    if ((in != null && in.failed()) || (out != null && out.failed())) {
      discardCaptures(x);
      px.metrics().dropped("all", "buffer_full");
      return;
    }
    long reserved = (in == null ? 0 : in.reserved()) + (out == null ? 0 : out.reserved());
    SampledExchange s =
        new SampledExchange(
            x.policy,
            UUID.randomUUID(),
            x.inferenceTime,
            x.inferenceId,
            x.requestContentType,
            in == null ? null : in.take(),
            in != null && in.truncated(),
            x.responseContentType,
            out == null ? null : out.take(),
            out != null && out.truncated(),
            x.status,
            TimeUnit.NANOSECONDS.toMicros(nanos),
            reserved);
    x.requestCapture = null;
    x.responseCapture = null;
    px.buffer().offer(s);
  }

  private static void discardCaptures(Exchange x) {
    if (x.requestCapture != null) {
      x.requestCapture.discard();
      x.requestCapture = null;
    }
    if (x.responseCapture != null) {
      x.responseCapture.discard();
      x.responseCapture = null;
    }
  }

  private static void releaseQueued(Exchange x) {
    Object m;
    while ((m = x.toUpstream.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  private void releaseBacklog() {
    Object m;
    while ((m = backlog.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  private void scheduleTimeout(Exchange x) {
    long timeoutNanos = px.upstreamTimeout().toNanos();
    x.timeout =
        ctx.executor()
            .schedule(() -> checkTimeout(x, timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Fires after upstreamTimeout of silence (no byte either way), else re-arms for the rest. */
  private void checkTimeout(Exchange x, long timeoutNanos) {
    if (x.done) {
      return;
    }
    long idle = System.nanoTime() - x.lastActivityNanos;
    if (idle >= timeoutNanos) {
      upstreamFailed(x, HttpResponseStatus.GATEWAY_TIMEOUT, "timeout",
          new java.util.concurrent.TimeoutException("no response from upstream within " + px.upstreamTimeout()));
    } else {
      x.timeout = ctx.executor().schedule(() -> checkTimeout(x, timeoutNanos), timeoutNanos - idle, TimeUnit.NANOSECONDS);
    }
  }

  private static void cancelTimeout(Exchange x) {
    if (x.timeout != null) {
      x.timeout.cancel(false);
    }
  }

  private void clientGone(Exchange x) {
    if (x.done) {
      return;
    }
    x.done = true;
    cancelTimeout(x);
    discardCaptures(x);
    releaseQueued(x);
    if (x.upstream != null) {
      BackendHandler.of(x.upstream).unbind();
      x.upstream.close();
    }
    if (ex == x) {
      ex = null;
      px.exchangeEnded();
    }
    closing = true;
    releaseBacklog();
    ctx.close();
  }

  private void badRequest(Throwable cause) {
    px.metrics().request("none", 400);
    if (ex != null) {
      clientGone(ex);
      return;
    }
    String msg = cause == null ? "malformed HTTP request" : cause.getMessage();
    sendLocal(
        HttpResponseStatus.BAD_REQUEST,
        "{\"error\":\"bad_request\",\"message\":\"" + jsonEscape(String.valueOf(msg)) + "\"}",
        true);
  }

  private void sendLocal(HttpResponseStatus status, String body, boolean close) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    resp.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (close) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      closing = true;
      releaseBacklog();
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(resp);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
      inputClosed = true;
      Exchange x = ex;
      if (x == null) {
        closing = true;
        releaseBacklog();
        ctx.close();
      } else {
        x.keepAlive = false; // finish this exchange, then close
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    px.connectionClosed();
    closing = true;
    releaseBacklog();
    Exchange x = ex;
    if (x != null && !x.done) {
      clientGone(x);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection error: {}", cause.toString());
    Exchange x = ex;
    if (x != null && !x.done) {
      clientGone(x);
    } else {
      ctx.close();
    }
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
}
