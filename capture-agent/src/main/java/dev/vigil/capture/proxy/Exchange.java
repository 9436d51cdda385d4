package dev.vigil.capture.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;

/**
 * One request/response exchange of a client connection, driven by {@link FrontendHandler}.
 *
 * <p>Event-loop confined: every field is read and written only on the client channel's event
 * loop (the upstream connection lives on the same loop), hence no volatile and no locks.
 */
final class Exchange {
  final Route route;
  final ExchangeCapture capture;
  final HttpVersion clientVersion;
  final HttpHeaders requestHeaders; // the client's, for the request id of a failure
  final boolean head; // a HEAD request: the response has no body whatever its headers say
  final long startNanos = System.nanoTime();
  final ArrayDeque<Object> toUpstream = new ArrayDeque<>(); // request parts queued while CONNECTING
  private ExchangeState state = ExchangeState.CONNECTING;
  Channel upstream; // set when leaving CONNECTING
  boolean requestComplete; // the request's last content was read (independent of state)
  boolean keepAlive; // the client connection outlives this exchange
  boolean upstreamReusable = true; // the upstream connection may go back to the pool
  int status;
  int upstreamWrites; // incomplete writes to the upstream: the client is read again at zero
  boolean upstreamUnflushed;
  int clientWrites; // incomplete writes to the client: the upstream is read again at zero
  long lastActivityNanos = startNanos;
  ScheduledFuture<?> timeout;

  Exchange(Route route, HttpRequest req, ExchangeCapture capture) {
    this.route = route;
    this.capture = capture;
    this.keepAlive = HttpUtil.isKeepAlive(req);
    this.clientVersion = req.protocolVersion();
    this.requestHeaders = req.headers();
    this.head = HttpMethod.HEAD.equals(req.method());
  }

  ExchangeState state() {
    return state;
  }

  /** @throws IllegalStateException when the move is not one of {@link ExchangeState}'s */
  void moveTo(ExchangeState next) {
    state = state.to(next);
  }

  boolean done() {
    return state == ExchangeState.DONE;
  }

  /** Bound to a live upstream: FORWARDING, INTERIM or RESPONDING. */
  boolean attached() {
    return state != ExchangeState.CONNECTING && state != ExchangeState.DONE;
  }

  String endpoint() {
    return route.endpoint();
  }
}
