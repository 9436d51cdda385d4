package dev.vigil.capture.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The client-side pipeline, in order: HTTP/1.1 codec (explicit limits: request line 8 KB, headers
 * 64 KB, body chunks of at most 64 KB so a large body never sits whole in memory), then the
 * frontend, which carries the sampling tap. No aggregator: bodies stream.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADER_BYTES = 65536;
  static final int MAX_CHUNK_BYTES = 65536;

  private final ProxyContext px;

  ProxyInitializer(ProxyContext px) {
    this.px = px;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline().addLast("codec", codec()).addLast("frontend", new FrontendHandler(px));
  }

  /** The client-side codec with the limits above; tests build their pipelines from it too. */
  static HttpServerCodec codec() {
    return new HttpServerCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_INITIAL_LINE)
            .setMaxHeaderSize(MAX_HEADER_BYTES)
            .setMaxChunkSize(MAX_CHUNK_BYTES));
  }
}
