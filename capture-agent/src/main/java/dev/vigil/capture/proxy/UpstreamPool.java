package dev.vigil.capture.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to the upstreams, one pool per event loop: a frontend channel only ever
 * uses connections on its own loop, so no thread hop and no locking (everything here runs on
 * {@link #loop}).
 */
final class UpstreamPool {
  /** Idle connections kept per upstream per event loop. */
  static final int MAX_IDLE_PER_UPSTREAM = 128;
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** Opens a connection to a route's upstream, its pipeline ending in a "backend" {@link BackendHandler}. */
  @FunctionalInterface
  interface Connector {
    ChannelFuture connect(Route route);
  }

  private final EventLoop loop;
  private final Connector connector;
  private final Map<String, ArrayDeque<Channel>> idle = new HashMap<>();

  UpstreamPool(EventLoop loop) {
    this.loop = loop;
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            "codec",
                            new HttpClientCodec(
                                new HttpDecoderConfig()
                                    .setMaxInitialLineLength(8192)
                                    .setMaxHeaderSize(65536)
                                    .setMaxChunkSize(65536),
                                false,
                                false))
                        .addLast("backend", new BackendHandler(UpstreamPool.this));
                  }
                });
    this.connector = r -> bootstrap.connect(r.upstreamHost(), r.upstreamPort());
  }

  /** A pool whose connections {@code connector} opens (tests: embedded channels). */
  UpstreamPool(EventLoop loop, Connector connector) {
    this.loop = loop;
    this.connector = connector;
  }

  private static String key(Route r) {
    return r.upstreamHost() + ':' + r.upstreamPort();
  }

  /** An idle live connection, or null (then {@link #connect}). */
  Channel pollIdle(Route r) {
    ArrayDeque<Channel> q = idle.get(key(r));
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast(); // most recently used: least likely to have been closed by the server
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  ChannelFuture connect(Route r) {
    return connector.connect(r);
  }

  /** Returns a connection whose exchange completed cleanly. */
  void release(Route r, Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    ArrayDeque<Channel> q = idle.computeIfAbsent(key(r), k -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_UPSTREAM) {
      ch.close();
      return;
    }
    BackendHandler.of(ch).unbind();
    q.addLast(ch);
    ch.read(); // notice the server closing an idle connection
  }

  void remove(Channel ch) {
    for (ArrayDeque<Channel> q : idle.values()) {
      q.remove(ch);
    }
  }

  EventLoop loop() {
    return loop;
  }

  void closeAll() {
    idle.values().forEach(q -> q.forEach(Channel::close));
    idle.clear();
  }
}
