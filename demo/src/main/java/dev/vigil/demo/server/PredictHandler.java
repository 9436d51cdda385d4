package dev.vigil.demo.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one connection's requests. One instance per channel; every field is confined to
 * the channel's event loop.
 *
 * <p>Requests on a connection are answered strictly in order (HTTP/1.1 pipelining): while
 * one is with a worker, auto-read is off and requests the decoder had already produced wait
 * in {@link #pending}. Decoding and inference run on the bounded worker executor; when its
 * queue is full the request gets 503 at once rather than waiting.
 */
final class PredictHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PredictHandler.class);
  private static final String KSERVE_PREFIX = "/v1/models/";
  private static final String KSERVE_PREDICT = ":predict";

  private final Predictor predictor;
  private final String modelName;
  private final Executor workers;
  private final ObjectMapper json;

  // event-loop confined
  private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
  private boolean busy;

  PredictHandler(Predictor predictor, String modelName, Executor workers, ObjectMapper json) {
    this.predictor = predictor;
    this.modelName = modelName;
    this.workers = workers;
    this.json = json;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      pending.add(request);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, request);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    try {
      if (!request.decoderResult().isSuccess()) {
        respond(ctx, error(HttpResponseStatus.BAD_REQUEST,
            "malformed HTTP request: " + request.decoderResult().cause()), false);
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      HttpMethod method = request.method();
      if (path.equals("/predict")) {
        predictRoute(ctx, request, keepAlive);
      } else if (path.startsWith(KSERVE_PREFIX) && path.endsWith(KSERVE_PREDICT)) {
        String name =
            path.substring(KSERVE_PREFIX.length(), path.length() - KSERVE_PREDICT.length());
        if (!name.equals(modelName)) {
          respond(ctx, unknownModel(name), keepAlive);
        } else {
          predictRoute(ctx, request, keepAlive);
        }
      } else if (path.startsWith(KSERVE_PREFIX)) {
        String name = path.substring(KSERVE_PREFIX.length());
        if (!name.equals(modelName)) {
          respond(ctx, unknownModel(name), keepAlive);
        } else if (!HttpMethod.GET.equals(method)) {
          respond(ctx, methodNotAllowed(method, "GET"), keepAlive);
        } else {
          respond(ctx, ok(predictor.metadata()), keepAlive);
        }
      } else if (path.equals("/healthz")) {
        respond(ctx, ok("{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            keepAlive);
      } else {
        respond(ctx, error(HttpResponseStatus.NOT_FOUND,
            "no route for " + path + ": POST images to /predict or /v1/models/" + modelName
                + ":predict"), keepAlive);
      }
    } finally {
      request.release();
    }
  }

  private void predictRoute(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (!HttpMethod.POST.equals(request.method())) {
      respond(ctx, methodNotAllowed(request.method(), "POST"), keepAlive);
      return;
    }
    byte[] body = ByteBufUtil.getBytes(request.content());
    try {
      workers.execute(() -> {
        FullHttpResponse response = work(body);
        ctx.executor().execute(() -> respond(ctx, response, keepAlive));
      });
    } catch (RejectedExecutionException e) {
      FullHttpResponse busyResponse = error(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "all inference workers are busy and the queue is full: retry shortly");
      busyResponse.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
      respond(ctx, busyResponse, keepAlive);
    }
  }

  /** Runs on a worker thread. */
  private FullHttpResponse work(byte[] body) {
    try {
      return ok(predictor.predict(body));
    } catch (BadRequestException e) {
      return error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
    } catch (Predictor.ModelFailure e) {
      log.warn("model {} failed on a {}-byte request: {}", modelName, body.length, e.getMessage());
      return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    } catch (RuntimeException e) {
      log.error("unexpected failure serving model {}", modelName, e);
      return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    }
  }

  /** Writes the response, then moves on to the next pipelined request. Event loop only. */
  private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    busy = false;
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    FullHttpRequest next = pending.poll();
    if (next != null) {
      handle(ctx, next);
    } else if (!ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent && !busy) {
      ctx.close(); // an idle keep-alive connection: free it
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    FullHttpRequest r;
    while ((r = pending.poll()) != null) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection {} after {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private FullHttpResponse unknownModel(String name) {
    return error(HttpResponseStatus.NOT_FOUND,
        "model '" + name + "' is not served here: this server serves '" + modelName + "'");
  }

  private FullHttpResponse methodNotAllowed(HttpMethod method, String allowed) {
    FullHttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED,
        method + " is not allowed here: use " + allowed);
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    return response;
  }

  private static FullHttpResponse ok(byte[] body) {
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    return response;
  }

  private FullHttpResponse error(HttpResponseStatus status, String message) {
    return errorResponse(json, status, message);
  }

  /** {@code {"error": message, "status": code}} with a JSON content type. */
  static FullHttpResponse errorResponse(ObjectMapper json, HttpResponseStatus status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status.code());
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a map of strings failed to serialise", e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    HttpUtil.setContentLength(response, bytes.length);
    return response;
  }
}
