package dev.vigil.capture.proxy;

import static dev.vigil.capture.proxy.ExchangeState.CONNECTING;
import static dev.vigil.capture.proxy.ExchangeState.DONE;
import static dev.vigil.capture.proxy.ExchangeState.FORWARDING;
import static dev.vigil.capture.proxy.ExchangeState.INTERIM;
import static dev.vigil.capture.proxy.ExchangeState.RESPONDING;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries client-to-upstream traffic of one client connection and drives its exchanges, one at a
 * time (HTTP/1.1 pipelined requests wait in {@link #backlog}). Capture bookkeeping lives in
 * {@link ExchangeCapture}, the agent's own answers in {@link ErrorResponses}.
 *
 * <h2>States</h2>
 * The connection ({@link Connection}): OPEN -> DRAINING (client half-closed: answer what is in
 * flight, then close) -> CLOSING, or OPEN -> CLOSING. The exchange ({@link ExchangeState}):
 * CONNECTING -> FORWARDING (-> INTERIM -> FORWARDING) -> RESPONDING -> DONE, or DONE from any
 * state on failure. Invariants:
 * <ul>
 *   <li>{@link #ex} is the one exchange in flight and is never DONE: whoever moves it to DONE
 *       clears it in the same call.
 *   <li>Once the request is complete, client input waits in {@link #backlog}; once CLOSING it is
 *       released unread.
 *   <li>The upstream is bound to this handler exactly while FORWARDING, INTERIM or RESPONDING.
 * </ul>
 *
 * <h2>Threading</h2>
 * Event-loop confined: every field here and in {@link Exchange} is touched only on this channel's
 * event loop, including from the upstream side (the pool's connections live on the same loop).
 * Nothing blocks.
 *
 * <h2>Backpressure</h2>
 * AUTO_READ is off on both sides. The client is read again only when every write to the upstream
 * has completed (and vice versa for the response), so at most one socket read of body is in
 * flight per direction: a 200 MB upload streams with a few 64 KB buffers.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  /** The client connection; see the class comment. */
  enum Connection {
    OPEN,
    DRAINING,
    CLOSING
  }

  private final ProxyContext px;
  // Event-loop confined (see the class comment).
  private ChannelHandlerContext ctx;
  private Exchange ex; // the exchange in flight, never DONE; null when idle
  private final ArrayDeque<Object> backlog = new ArrayDeque<>(); // pipelined input while busy
  private Connection connection = Connection.OPEN;

  FrontendHandler(ProxyContext px) {
    this.px = px;
  }

  /** The exchange in flight, null when idle (for tests). */
  Exchange exchange() {
    return ex;
  }

  Connection connection() {
    return connection;
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
    if (connection == Connection.CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (ex != null && ex.requestComplete) {
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
      answerAndClose(ErrorResponses.noRoute());
      return;
    }
    ex = new Exchange(route, req, ExchangeCapture.start(px, route.policy(), req));
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
                    if (current != ex || current.done()) {
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
    x.moveTo(FORWARDING);
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
    // write listener will ask for more: ask here. Never while CONNECTING (the queue must not grow)
    // or after the request ended (the rest waits for the response).
    if (connection != Connection.OPEN) {
      return;
    }
    Exchange x = ex;
    if (x == null || (!x.requestComplete && x.attached() && x.upstreamWrites == 0)) {
      ctx.read();
    }
  }

  private void onRequestContent(HttpContent content) {
    Exchange x = ex;
    if (x == null || x.requestComplete) {
      content.release(); // body of a request answered locally
      return;
    }
    x.lastActivityNanos = System.nanoTime();
    x.capture.requestContent(content.content());
    if (content instanceof LastHttpContent) {
      x.requestComplete = true;
    }
    if (x.state() == CONNECTING) {
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
                    upstreamFailed(x, HttpResponseStatus.BAD_GATEWAY, "unavailable", f.cause());
                    return;
                  }
                  if (x.upstreamWrites == 0 && !x.requestComplete && !x.done() && x == ex) {
                    ctx.read(); // backpressure: next client chunk only after this one left
                  }
                });
  }

  // ---- upstream side (called by BackendHandler on the same event loop) ----

  void onUpstreamMessage(Channel upstream, Object msg) {
    Exchange x = ex;
    if (x == null || x.done() || x.upstream != upstream) {
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
      x.moveTo(INTERIM);
      FullHttpResponse interim =
          new DefaultFullHttpResponse(x.clientVersion, r.status(), Unpooled.EMPTY_BUFFER, r.headers().copy(), EmptyHttpHeaders.INSTANCE);
      HopByHop.strip(interim.headers());
      writeClient(x, interim);
      return;
    }
    x.moveTo(RESPONDING);
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
    if (!x.requestComplete) {
      x.keepAlive = false; // the server answered before the request ended: this connection is done
    }
    if (!x.keepAlive) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (x.clientVersion.equals(HttpVersion.HTTP_1_0)) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    x.capture.responseHead(r, bodyless);
    writeClient(x, out);
  }

  private void onResponseContent(Exchange x, HttpContent c) {
    if (x.state() == INTERIM) {
      if (c instanceof LastHttpContent) {
        x.moveTo(FORWARDING);
      }
      c.release();
      x.upstream.read();
      return;
    }
    x.capture.responseContent(c.content());
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
              if (x.clientWrites == 0 && x.attached()) {
                x.upstream.read(); // backpressure: next upstream chunk only after this one left
              }
            });
    return f;
  }

  void onUpstreamReadComplete() {
    ctx.flush();
    Exchange x = ex;
    if (x != null && x.attached() && x.clientWrites == 0) {
      x.upstream.read(); // nothing waiting on the client: keep reading the response
    }
  }

  void onUpstreamClosed(Channel upstream) {
    Exchange x = ex;
    if (x == null || x.done() || x.upstream != upstream) {
      return;
    }
    upstreamFailed(x, HttpResponseStatus.BAD_GATEWAY, x.state() == RESPONDING ? "reset" : "unavailable",
        new IOException("upstream closed the connection"));
  }

  private void completeExchange(Exchange x, ChannelFuture lastWrite) {
    x.moveTo(DONE);
    cancelTimeout(x);
    ctx.flush();
    long nanos = System.nanoTime() - x.startNanos;
    px.metrics().request(x.endpoint(), x.status);
    px.metrics().upstreamLatency(x.endpoint(), nanos);
    x.capture.offer(x.status, nanos);
    Channel up = x.upstream;
    if (up != null) {
      BackendHandler.of(up).unbind();
      if (x.upstreamReusable && x.requestComplete && up.isActive()) {
        px.pool(ctx.channel().eventLoop()).release(x.route, up);
      } else {
        up.close();
      }
    }
    finishClientSide(x, lastWrite);
  }

  private void finishClientSide(Exchange x, ChannelFuture lastWrite) {
    detach();
    if (!x.keepAlive) {
      startClosing();
      lastWrite.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    lastWrite.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess() && ex == null && connection != Connection.CLOSING) {
                resume();
              }
            });
  }

  /** Next pipelined request from the backlog, or read from the client. */
  private void resume() {
    if (connection == Connection.DRAINING && backlog.isEmpty()) {
      startClosing();
      ctx.close();
      return;
    }
    while (!backlog.isEmpty() && connection != Connection.CLOSING) {
      if (ex != null && ex.requestComplete) {
        flushUpstream();
        return; // a backlogged request completed its body; wait for its response
      }
      handle(backlog.poll());
    }
    flushUpstream();
    if (connection != Connection.CLOSING && (ex == null || (!ex.requestComplete && ex.upstreamWrites == 0))) {
      ctx.read();
    }
  }

  private void upstreamFailed(Exchange x, HttpResponseStatus status, String kind, Throwable cause) {
    if (x.done()) {
      return;
    }
    boolean midResponse = x.state() == RESPONDING;
    abandon(x);
    px.metrics().upstreamError(x.endpoint(), kind);
    if (midResponse) {
      // Part of the response is already on its way: the only honest signal left is closing.
      log.debug("upstream of {} failed mid-response: {}", x.endpoint(), String.valueOf(cause));
      x.capture.discard();
      px.metrics().request(x.endpoint(), x.status);
      detach();
      startClosing();
      ctx.flush();
      ctx.close();
      return;
    }
    String requestId = ErrorResponses.requestId(x.requestHeaders, x.route.policy());
    log.warn("{} {} for request {} to {}: {}", status.code(), kind, requestId, x.endpoint(), String.valueOf(cause));
    byte[] body = ErrorResponses.upstreamErrorBody(status, x.endpoint(), requestId);
    x.status = status.code();
    if (!x.requestComplete) {
      x.keepAlive = false;
    }
    long nanos = System.nanoTime() - x.startNanos;
    px.metrics().request(x.endpoint(), x.status);
    x.capture.upstreamError(x.status, body, nanos);
    FullHttpResponse resp = ErrorResponses.json(x.clientVersion, status, body, !x.keepAlive);
    resp.headers().set(ErrorResponses.REQUEST_ID_HEADER, requestId);
    ChannelFuture f = ctx.writeAndFlush(resp);
    finishClientSide(x, f);
  }

  /** DONE without a complete response: stops the timer, drops queued input, closes the upstream. */
  private static void abandon(Exchange x) {
    x.moveTo(DONE);
    cancelTimeout(x);
    if (x.upstream != null) {
      BackendHandler.of(x.upstream).unbind();
      x.upstream.close();
    }
    Object m;
    while ((m = x.toUpstream.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  /** The exchange in flight has ended (it is DONE). */
  private void detach() {
    ex = null;
    px.exchangeEnded();
  }

  /** Into CLOSING: nothing more is read or answered on this connection. */
  private void startClosing() {
    connection = Connection.CLOSING;
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
    if (x.done()) {
      return;
    }
    long idle = System.nanoTime() - x.lastActivityNanos;
    if (idle >= timeoutNanos) {
      upstreamFailed(x, HttpResponseStatus.GATEWAY_TIMEOUT, "timeout",
          new TimeoutException("no response from upstream within " + px.upstreamTimeout()));
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
    if (x.done()) {
      return;
    }
    abandon(x);
    x.capture.discard();
    if (ex == x) {
      detach();
    }
    startClosing();
    ctx.close();
  }

  private void badRequest(Throwable cause) {
    px.metrics().request("none", 400);
    if (ex != null) {
      clientGone(ex);
      return;
    }
    String requestId = ErrorResponses.newRequestId();
    log.debug("400 for request {}: {}", requestId, String.valueOf(cause));
    answerAndClose(ErrorResponses.badRequest(cause, requestId));
  }

  private void answerAndClose(FullHttpResponse resp) {
    startClosing();
    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      Exchange x = ex;
      if (x == null) {
        startClosing();
        ctx.close();
      } else {
        if (connection == Connection.OPEN) {
          connection = Connection.DRAINING;
        }
        x.keepAlive = false; // finish this exchange, then close
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    px.connectionClosed();
    startClosing();
    Exchange x = ex;
    if (x != null && !x.done()) {
      clientGone(x);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection error: {}", cause.toString());
    Exchange x = ex;
    if (x != null && !x.done()) {
      clientGone(x);
    } else {
      ctx.close();
    }
  }
}
