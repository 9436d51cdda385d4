package dev.vigil.capture.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Carries upstream-to-client traffic for one pooled upstream connection: hands every decoded
 * response object to the frontend currently bound to it. While the connection idles in the pool
 * nothing is bound, and anything the server sends (or its close) retires the connection.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamPool pool;
  private FrontendHandler frontend; // on the event loop only

  BackendHandler(UpstreamPool pool) {
    this.pool = pool;
  }

  static BackendHandler of(Channel ch) {
    return (BackendHandler) ch.pipeline().get("backend");
  }

  void bind(FrontendHandler f) {
    this.frontend = f;
  }

  void unbind() {
    this.frontend = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FrontendHandler f = frontend;
    if (f == null) {
      ReferenceCountUtil.release(msg);
      pool.remove(ctx.channel());
      ctx.close(); // unsolicited data on an idle connection
      return;
    }
    f.onUpstreamMessage(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    FrontendHandler f = frontend;
    if (f != null) {
      f.onUpstreamReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    FrontendHandler f = frontend;
    frontend = null;
    if (f != null) {
      f.onUpstreamClosed(ctx.channel());
    } else {
      pool.remove(ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
