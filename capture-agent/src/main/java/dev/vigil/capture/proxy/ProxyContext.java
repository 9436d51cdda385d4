package dev.vigil.capture.proxy;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.ByteBudget;
import dev.vigil.capture.sink.CaptureBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** What every connection handler of one {@link ProxyServer} shares. */
final class ProxyContext {
  private final Router router;
  private final CaptureBuffer buffer;
  private final AgentMetrics metrics;
  private final Duration upstreamTimeout;
  private final Function<EventLoop, UpstreamPool> newPool;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger exchanges = new AtomicInteger();
  private final java.util.Set<UpstreamPool> pools = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final FastThreadLocal<UpstreamPool> pool =
      new FastThreadLocal<>() {
        @Override
        protected UpstreamPool initialValue() {
          return null;
        }
      };

  ProxyContext(Router router, CaptureBuffer buffer, AgentMetrics metrics, Duration upstreamTimeout) {
    this(router, buffer, metrics, upstreamTimeout, UpstreamPool::new);
  }

  /** @param newPool makes the pool of an event loop (tests hand in pools of embedded channels) */
  ProxyContext(
      Router router, CaptureBuffer buffer, AgentMetrics metrics, Duration upstreamTimeout,
      Function<EventLoop, UpstreamPool> newPool) {
    this.router = router;
    this.buffer = buffer;
    this.metrics = metrics;
    this.upstreamTimeout = upstreamTimeout;
    this.newPool = newPool;
  }

  Router router() {
    return router;
  }

  CaptureBuffer buffer() {
    return buffer;
  }

  ByteBudget budget() {
    return buffer.budget();
  }

  AgentMetrics metrics() {
    return metrics;
  }

  Duration upstreamTimeout() {
    return upstreamTimeout;
  }

  /** The pool of the calling event loop (created on first use on that loop). */
  UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pool.get();
    if (p == null || p.loop() != loop) {
      p = newPool.apply(loop);
      pool.set(p);
      pools.add(p);
    }
    return p;
  }

  void closePools() {
    for (UpstreamPool p : pools) {
      p.loop().execute(p::closeAll);
    }
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void exchangeStarted() {
    exchanges.incrementAndGet();
  }

  void exchangeEnded() {
    exchanges.decrementAndGet();
  }

  int inFlight() {
    return exchanges.get();
  }

  int connections() {
    return connections.get();
  }
}
