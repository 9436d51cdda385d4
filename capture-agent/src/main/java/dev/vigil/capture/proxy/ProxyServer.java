package dev.vigil.capture.proxy;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.sink.CaptureBuffer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 reverse proxy: accepts clients, routes each request to its endpoint's upstream over
 * pooled keep-alive connections, and taps sampled exchanges into the {@link CaptureBuffer}.
 * Auto-read is off on every channel (see {@link FrontendHandler} for the backpressure rules).
 */
public final class ProxyServer implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ProxyContext px;
  private Channel server;

  /**
   * @param boss accepts connections (one thread is plenty)
   * @param workers event loops serving clients and their upstream connections
   */
  public ProxyServer(
      EventLoopGroup boss, EventLoopGroup workers, Router router, CaptureBuffer buffer,
      AgentMetrics metrics, Duration upstreamTimeout) {
    this.boss = boss;
    this.workers = workers;
    this.px = new ProxyContext(router, buffer, metrics, upstreamTimeout);
  }

  /**
   * Binds the listening socket.
   *
   * @return the bound port (useful with port 0)
   * @throws InterruptedException when interrupted while binding
   */
  public int start(String host, int port) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // A client may half-close after its request (shutdown(SHUT_WR)); it still gets its answer.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(new ProxyInitializer(px))
            .bind(host, port)
            .sync()
            .channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public Router router() {
    return px.router();
  }

  /** Exchanges in progress. */
  public int inFlight() {
    return px.inFlight();
  }

  /** Stops accepting, then waits up to {@code grace} for in-flight exchanges to finish. */
  public void drain(Duration grace) throws InterruptedException {
    if (server != null) {
      server.close().sync();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (px.inFlight() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    px.closePools();
  }
}
