package dev.vigil.capture.admin;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin port: {@code /healthz} (the process answers), {@code /readyz} (every upstream accepts a
 * TCP connection within a second; sink states reported, not gating: the proxy works while a sink
 * is down) and {@code /metrics} (Prometheus text).
 */
public final class AdminServer implements AutoCloseable {
  static final int PROBE_TIMEOUT_MILLIS = 1000;

  /** An upstream to probe for readiness. */
  public record Upstream(String endpoint, String host, int port) {}

  private final EventLoopGroup group;
  private final List<Upstream> upstreams;
  private final Supplier<Map<String, String>> sinkStates;
  private final Supplier<String> metrics;
  private Channel server;

  /**
   * @param sinkStates sink name to state (OK, RETRYING...), read on each /readyz
   * @param metrics the Prometheus scrape text
   */
  public AdminServer(
      EventLoopGroup group, List<Upstream> upstreams, Supplier<Map<String, String>> sinkStates,
      Supplier<String> metrics) {
    this.group = group;
    this.upstreams = List.copyOf(upstreams);
    this.sinkStates = sinkStates;
    this.metrics = metrics;
  }

  /** @return the bound port */
  public int start(String host, int port) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(8192))
                        .addLast(new Handler());
                  }
                })
            .bind(host, port)
            .sync()
            .channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      switch (path) {
        case "/healthz" -> respond(ctx, keepAlive, HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\"}");
        case "/metrics" ->
            respond(ctx, keepAlive, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
        case "/readyz" -> ready(ctx, keepAlive);
        default ->
            respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "application/json",
                "{\"error\":\"not_found\",\"message\":\"try /healthz, /readyz or /metrics\"}");
      }
    }

    private void ready(ChannelHandlerContext ctx, boolean keepAlive) {
      List<Future<Boolean>> probes = new ArrayList<>();
      for (Upstream u : upstreams) {
        probes.add(probe(ctx, u));
      }
      Runnable finish =
          () -> {
            boolean ready = true;
            StringBuilder ups = new StringBuilder();
            for (int i = 0; i < upstreams.size(); i++) {
              boolean up = probes.get(i).getNow() == Boolean.TRUE;
              ready &= up;
              ups.append(i == 0 ? "" : ",").append('"').append(upstreams.get(i).endpoint()).append("\":\"")
                  .append(up ? "reachable" : "unreachable").append('"');
            }
            StringBuilder sinks = new StringBuilder();
            for (var e : sinkStates.get().entrySet()) {
              sinks.append(sinks.length() == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"")
                  .append(e.getValue()).append('"');
            }
            String body = "{\"ready\":" + ready + ",\"upstreams\":{" + ups + "},\"sinks\":{" + sinks + "}}";
            respond(ctx, keepAlive, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "application/json", body);
          };
      int[] remaining = {probes.size()};
      if (probes.isEmpty()) {
        finish.run();
      }
      for (Future<Boolean> p : probes) {
        p.addListener(f -> {
          if (--remaining[0] == 0) {
            finish.run();
          }
        });
      }
    }

    private Future<Boolean> probe(ChannelHandlerContext ctx, Upstream u) {
      Promise<Boolean> result = ctx.executor().newPromise();
      new Bootstrap()
          .group(ctx.channel().eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, PROBE_TIMEOUT_MILLIS)
          .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
          .connect(u.host(), u.port())
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    result.setSuccess(f.isSuccess());
                    f.channel().close();
                  });
      return result;
    }

    private void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      DefaultFullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      HttpUtil.setKeepAlive(resp, keepAlive);
      ctx.writeAndFlush(resp);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
  }
}
