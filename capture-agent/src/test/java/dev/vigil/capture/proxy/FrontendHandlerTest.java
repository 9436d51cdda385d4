package dev.vigil.capture.proxy;

import static dev.vigil.capture.proxy.ExchangeState.CONNECTING;
import static dev.vigil.capture.proxy.ExchangeState.DONE;
import static dev.vigil.capture.proxy.ExchangeState.FORWARDING;
import static dev.vigil.capture.proxy.ExchangeState.INTERIM;
import static dev.vigil.capture.proxy.ExchangeState.RESPONDING;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.proxy.FrontendHandler.Connection;
import dev.vigil.capture.record.ByteBudget;
import dev.vigil.capture.record.SampledExchange;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.capture.sampling.CapturePolicy;
import dev.vigil.capture.sampling.ContentTypes;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.capture.sampling.Sampler;
import dev.vigil.capture.sink.CaptureBuffer;
import dev.vigil.capture.sink.CaptureBufferProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The frontend's state machine on embedded channels: a client channel with the production codec
 * and an upstream pool whose connections are embedded channels with a client codec, so every
 * assertion is on the bytes each side wrote and on the states the exchange went through.
 */
class FrontendHandlerTest {
  private static final String POST_HEAD =
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n";
  private static final String GET = "GET /v1/json HTTP/1.1\r\nHost: x\r\n\r\n";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);
  private final ByteBudget budget = new ByteBudget(1 << 20);
  private final CaptureBuffer buffer = new CaptureBuffer(budget, metrics);
  private final Wire clientWire = new Wire();
  private final List<EmbeddedChannel> upstreams = new ArrayList<>();
  private final List<Wire> upstreamWires = new ArrayList<>();
  private UpstreamPool.Connector connector = route -> newUpstream().newSucceededFuture();
  private boolean holdUpstreamWrites;
  private ChannelPromise pending; // the connect in flight, see connectPending
  private ProxyContext px;
  private UpstreamPool pool;
  private FrontendHandler frontend;
  private EmbeddedChannel client;

  @AfterEach
  void closeChannels() {
    if (client != null) {
      client.finishAndReleaseAll();
    }
    upstreams.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  // ---- the happy path and reuse ----

  @Test
  void exchangeGoesConnectingForwardingRespondingDoneAndTheUpstreamIsReused() {
    connectPending();
    open();
    assertThat(clientWire.reads).as("channelActive asks for the first read").isEqualTo(1);

    client.writeInbound(ascii(POST_HEAD + "hello"));
    Exchange x = frontend.exchange();
    assertThat(x.state()).isEqualTo(CONNECTING);
    assertThat(clientWire.reads).as("no client read while connecting").isEqualTo(1);

    pending.setSuccess();
    EmbeddedChannel up = upstreams.get(0);
    assertThat(x.state()).isEqualTo(FORWARDING);
    assertThat(text(up)).isEqualTo(POST_HEAD + "hello");
    assertThat(clientWire.reads).as("queued parts written: read the next chunk").isEqualTo(2);

    client.writeInbound(ascii("world"));
    assertThat(text(up)).isEqualTo("world");
    assertThat(x.requestComplete).isTrue();
    assertThat(clientWire.reads).as("request complete: the rest waits for the response").isEqualTo(2);

    String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n";
    up.writeInbound(ascii(head));
    assertThat(x.state()).isEqualTo(RESPONDING);
    assertThat(text(client)).isEqualTo(head);

    up.writeInbound(ascii("ok"));
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(frontend.exchange()).isNull();
    assertThat(text(client)).isEqualTo("ok");
    assertThat(clientWire.reads).as("keep-alive: read the next request").isEqualTo(3);
    assertThat(px.inFlight()).isZero();
    assertThat(requests(200)).isEqualTo(1);
    SampledExchange s = CaptureBufferProbe.poll(buffer);
    assertThat(s.status()).isEqualTo(200);
    assertThat(s.requestBody()).isEqualTo(bytes("helloworld"));
    assertThat(s.responseBody()).isEqualTo(bytes("ok"));
    assertThat(s.responseContentType()).isEqualTo("text/plain");

    client.writeInbound(ascii(GET));
    Exchange second = frontend.exchange();
    assertThat(second.state()).as("an idle pooled connection: no CONNECTING").isEqualTo(FORWARDING);
    assertThat(upstreams).as("the pooled connection was reused").hasSize(1);
    assertThat(text(up)).isEqualTo(GET);
    up.writeInbound(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
    assertThat(second.state()).isEqualTo(DONE);
    assertThat(text(client)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
    assertThat(frontend.connection()).isEqualTo(Connection.OPEN);
    assertThat(client.isOpen()).isTrue();
  }

  @Test
  void pipelinedRequestWaitsInTheBacklogUntilTheFirstExchangeCompletes() {
    open();
    client.writeInbound(ascii(GET.replace("json", "a") + GET.replace("json", "b")));
    EmbeddedChannel up = upstreams.get(0);
    assertThat(text(up)).isEqualTo(GET.replace("json", "a"));

    up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"));
    assertThat(text(up)).as("the backlogged request, on the reused connection").isEqualTo(GET.replace("json", "b"));
    assertThat(frontend.exchange().state()).isEqualTo(FORWARDING);
    up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"));

    assertThat(text(client))
        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na" + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    assertThat(upstreams).hasSize(1);
    assertThat(frontend.exchange()).isNull();
  }

  // ---- backpressure ----

  @Test
  void theNextClientChunkIsReadOnlyAfterTheUpstreamWriteCompleted() {
    holdUpstreamWrites = true;
    open();
    client.writeInbound(ascii(POST_HEAD + "hello"));
    Wire upWire = upstreamWires.get(0);
    assertThat(frontend.exchange().upstreamWrites).isEqualTo(2);
    assertThat(clientWire.reads).as("writes to the upstream pending: no read").isEqualTo(1);

    upWire.release();
    assertThat(text(upstreams.get(0))).isEqualTo(POST_HEAD + "hello");
    assertThat(clientWire.reads).isEqualTo(2);
  }

  @Test
  void theNextUpstreamChunkIsReadOnlyAfterTheClientWriteCompleted() {
    open();
    client.writeInbound(ascii(GET));
    EmbeddedChannel up = upstreams.get(0);
    text(up);
    Wire upWire = upstreamWires.get(0);
    clientWire.hold();
    int before = upWire.reads;

    up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab"));
    assertThat(frontend.exchange().clientWrites).isEqualTo(2);
    assertThat(upWire.reads).as("writes to the client pending: no upstream read").isEqualTo(before);

    clientWire.release();
    assertThat(upWire.reads).isEqualTo(before + 1);
    assertThat(text(client)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
    assertThat(frontend.exchange().state()).isEqualTo(RESPONDING);
  }

  // ---- interim responses ----

  @Test
  void interimResponseIsForwardedAndTheExchangeWaitsForTheFinalOne() {
    open();
    client.writeInbound(ascii("POST /v1/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
    EmbeddedChannel up = upstreams.get(0);
    text(up);
    Exchange x = frontend.exchange();

    // objects straight to the backend: the decoder would emit the head and its last content at once
    up.pipeline().context("codec").fireChannelRead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    up.pipeline().context("codec").fireChannelReadComplete();
    assertThat(x.state()).isEqualTo(INTERIM);
    assertThat(text(client)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
    up.pipeline().context("codec").fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(x.state()).isEqualTo(FORWARDING);

    client.writeInbound(ascii("hello"));
    assertThat(text(up)).isEqualTo("hello");
    up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(text(client)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  }

  // ---- upstream failures ----

  @Test
  void upstreamConnectFailureAnswers502AndKeepsTheConnection() {
    connectPending();
    open(idPolicy(), Duration.ofSeconds(30));
    client.writeInbound(ascii("GET /v1/json HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-42\r\n\r\n"));
    Exchange x = frontend.exchange();
    pending.setFailure(new ConnectException("Connection refused: 10.0.0.7:8080"));

    // the client's own request id, a fixed message; the exception text stays in the log
    String body = "{\"error\":\"upstream_unavailable\",\"endpoint\":\"signs\",\"message\":\"the model server could"
        + " not be reached\",\"requestId\":\"req-42\"}";
    assertThat(text(client)).isEqualTo(json("502 Bad Gateway", body, false, "req-42"));
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(frontend.exchange()).isNull();
    assertThat(frontend.connection()).isEqualTo(Connection.OPEN);
    assertThat(clientWire.reads).as("keep-alive: read the next request").isEqualTo(2);
    assertThat(upstreamErrors("unavailable")).isEqualTo(1);
    assertThat(requests(502)).isEqualTo(1);
    SampledExchange s = CaptureBufferProbe.poll(buffer);
    assertThat(s.status()).isEqualTo(502);
    assertThat(s.responseBody()).isEqualTo(bytes(body));
    assertThat(s.responseContentType()).isEqualTo("application/json");
  }

  @Test
  void upstreamConnectFailureBeforeTheRequestEndedAnswers502AndCloses() {
    connectPending();
    open();
    client.writeInbound(ascii(POST_HEAD + "hello"));
    ByteBuf queued = ((HttpContent) frontend.exchange().toUpstream.peekLast()).content();
    pending.setFailure(new ConnectException("Connection refused"));

    String out = text(client);
    String id = generatedId(out);
    String body = "{\"error\":\"upstream_unavailable\",\"endpoint\":\"signs\",\"message\":\"the model server could"
        + " not be reached\",\"requestId\":\"" + id + "\"}";
    assertThat(out).isEqualTo(json("502 Bad Gateway", body, true, id));
    assertThat(queued.refCnt()).as("queued body released").isZero();
    assertClientClosed();
  }

  @Test
  void upstreamClosingBeforeTheResponseAnswers502() {
    open();
    client.writeInbound(ascii(GET));
    Exchange x = frontend.exchange();
    upstreams.get(0).close();
    upstreams.get(0).runPendingTasks();

    String out = text(client);
    String id = generatedId(out);
    assertThat(out).isEqualTo(json("502 Bad Gateway", "{\"error\":\"upstream_unavailable\",\"endpoint\":\"signs\","
        + "\"message\":\"the model server could not be reached\",\"requestId\":\"" + id + "\"}", false, id));
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(upstreamErrors("unavailable")).isEqualTo(1);
  }

  @Test
  void upstreamClosingMidResponseClosesTheClientWithoutAnErrorBody() {
    open();
    client.writeInbound(ascii(GET));
    EmbeddedChannel up = upstreams.get(0);
    up.writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"));
    Exchange x = frontend.exchange();
    assertThat(x.state()).isEqualTo(RESPONDING);
    assertThat(budget.used()).as("response capture holds a reservation").isPositive();

    up.close();
    up.runPendingTasks();
    client.runPendingTasks();
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(text(client)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
    assertClientClosed();
    assertThat(upstreamErrors("reset")).isEqualTo(1);
    assertThat(budget.used()).as("capture discarded").isZero();
    assertThat(CaptureBufferProbe.poll(buffer)).isNull();
  }

  @Test
  void upstreamSilencePastTheTimeoutAnswers504() throws Exception {
    open(policy(1 << 20), Duration.ofMillis(20));
    client.writeInbound(ascii(GET));
    Exchange x = frontend.exchange();
    Thread.sleep(60);
    client.advanceTimeBy(60, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();

    assertThat(x.state()).isEqualTo(DONE);
    String out = text(client);
    String id = generatedId(out);
    assertThat(out).isEqualTo(json("504 Gateway Timeout", "{\"error\":\"upstream_timeout\",\"endpoint\":\"signs\","
        + "\"message\":\"the model server did not answer in time\",\"requestId\":\"" + id + "\"}", false, id));
    assertThat(upstreams.get(0).isOpen()).isFalse();
    assertThat(upstreamErrors("timeout")).isEqualTo(1);
  }

  // ---- client side aborts and local answers ----

  @Test
  void clientClosingMidRequestAbandonsTheExchangeAndClosesTheUpstream() {
    open();
    client.writeInbound(ascii(POST_HEAD + "hello"));
    Exchange x = frontend.exchange();
    assertThat(x.state()).isEqualTo(FORWARDING);
    assertThat(budget.used()).isPositive();

    client.close();
    client.runPendingTasks();
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(frontend.exchange()).isNull();
    assertThat(frontend.connection()).isEqualTo(Connection.CLOSING);
    assertThat(upstreams.get(0).isOpen()).isFalse();
    assertThat(px.inFlight()).isZero();
    assertThat(budget.used()).as("capture discarded").isZero();
    assertThat(CaptureBufferProbe.poll(buffer)).isNull();
  }

  @Test
  void halfClosedClientGetsItsAnswerThenTheConnectionCloses() {
    open();
    client.writeInbound(ascii(GET));
    client.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertThat(frontend.connection()).isEqualTo(Connection.DRAINING);

    upstreams.get(0).writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"));
    assertThat(text(client)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nconnection: close\r\n\r\na");
    assertClientClosed();
  }

  @Test
  void malformedChunkMidRequestAbandonsTheExchangeWithoutAnAnswer() {
    open();
    client.writeInbound(ascii("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
    Exchange x = frontend.exchange();
    assertThat(x.state()).isEqualTo(FORWARDING);

    client.writeInbound(ascii("zz\r\n"));
    assertThat(x.state()).isEqualTo(DONE);
    assertThat(text(client)).isEmpty();
    assertClientClosed();
    assertThat(upstreams.get(0).isOpen()).isFalse();
    assertThat(requests("none", 400)).isEqualTo(1);
  }

  @Test
  void oversizeHeadersGet400AndTheConnectionCloses() {
    open();
    client.writeInbound(ascii("GET /v1/json HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n"));

    assertThat(frontend.exchange()).isNull();
    assertThat(upstreams).isEmpty();
    String out = text(client);
    String id = generatedId(out);
    assertThat(out).isEqualTo(json("400 Bad Request",
        "{\"error\":\"bad_request\",\"message\":\"request line or headers too large\",\"requestId\":\"" + id + "\"}",
        true, id));
    assertClientClosed();
  }

  @Test
  void unroutedRequestGets404AndTheConnectionCloses() {
    open();
    client.writeInbound(ascii("GET /v2/json HTTP/1.1\r\nHost: x\r\n\r\n"));

    assertThat(text(client))
        .isEqualTo(json("404 Not Found",
            "{\"error\":\"no_route\",\"message\":\"no endpoint is configured for this path or host\"}", true));
    assertThat(upstreams).isEmpty();
    assertClientClosed();
    assertThat(requests("none", 404)).isEqualTo(1);
  }

  @Test
  void bodyOverTheCaptureLimitIsForwardedWholeAndCapturedTruncated() {
    open(policy(4), Duration.ofSeconds(30));
    client.writeInbound(ascii(POST_HEAD + "helloworld"));
    assertThat(text(upstreams.get(0))).isEqualTo(POST_HEAD + "helloworld");
    upstreams.get(0).writeInbound(ascii("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nanswer"));

    SampledExchange s = CaptureBufferProbe.poll(buffer);
    assertThat(s.requestBody()).isEqualTo(bytes("hell"));
    assertThat(s.requestTruncated()).isTrue();
    assertThat(s.responseBody()).isEqualTo(bytes("answ"));
    assertThat(s.responseTruncated()).isTrue();
  }

  // ---- the transition table ----

  @Test
  void onlyTheDrawnTransitionsAreLegal() {
    assertThat(CONNECTING.to(FORWARDING)).isEqualTo(FORWARDING);
    assertThat(FORWARDING.to(INTERIM)).isEqualTo(INTERIM);
    assertThat(INTERIM.to(FORWARDING)).isEqualTo(FORWARDING);
    assertThat(FORWARDING.to(RESPONDING)).isEqualTo(RESPONDING);
    for (ExchangeState s : List.of(CONNECTING, FORWARDING, INTERIM, RESPONDING)) {
      assertThat(s.to(DONE)).isEqualTo(DONE);
    }
    assertThatThrownBy(() -> DONE.to(RESPONDING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("exchange in state DONE cannot move to RESPONDING");
    assertThatThrownBy(() -> CONNECTING.to(RESPONDING)).hasMessageContaining("CONNECTING");
    assertThatThrownBy(() -> RESPONDING.to(INTERIM)).hasMessageContaining("RESPONDING");
    assertThatThrownBy(() -> INTERIM.to(RESPONDING)).hasMessageContaining("INTERIM");
  }

  // ---- fixture ----

  private static CapturePolicy policy(long maxBodyBytes) {
    return new CapturePolicy("signs", "default", new Sampler(100), null, CaptureMode.InputAndOutput,
        new ContentTypes(List.of()), null, maxBodyBytes, new Redactor(List.of()), true);
  }

  /** Unlimited capture, an upstream timeout no test reaches. */
  private void open() {
    open(policy(1 << 20), Duration.ofSeconds(30));
  }

  private void open(CapturePolicy policy, Duration upstreamTimeout) {
    Router router = new Router(List.of(new Route("/v1", null, "model.local", 8080, policy)));
    px = new ProxyContext(router, buffer, metrics, upstreamTimeout,
        loop -> pool = new UpstreamPool(loop, route -> connector.connect(route)));
    frontend = new FrontendHandler(px);
    client = new EmbeddedChannel(false, false, clientWire, ProxyInitializer.codec(), frontend);
    client.config().setAutoRead(false); // as in production: reads only when asked for
    registerOrFail(client);
  }

  /** Connects from now on stay pending until the test completes {@link #pending}. */
  private void connectPending() {
    connector = route -> pending = newUpstream().newPromise();
  }

  private EmbeddedChannel newUpstream() {
    Wire wire = new Wire();
    if (holdUpstreamWrites) {
      wire.hold();
    }
    upstreamWires.add(wire);
    EmbeddedChannel up = new EmbeddedChannel(false, false);
    up.config().setAutoRead(false);
    up.pipeline().addLast("wire", wire).addLast("codec", new HttpClientCodec()).addLast("backend", new BackendHandler(pool));
    registerOrFail(up);
    upstreams.add(up);
    return up;
  }

  private static void registerOrFail(EmbeddedChannel ch) {
    try {
      ch.register();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void assertClientClosed() {
    assertThat(frontend.connection()).isEqualTo(Connection.CLOSING);
    assertThat(client.isOpen()).isFalse();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, ISO_8859_1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Everything written to the channel since the last call, as text. */
  private static String text(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    Object m;
    while ((m = ch.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) m;
      b.append(buf.toString(ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  private static String json(String statusLine, String body, boolean close) {
    return "HTTP/1.1 " + statusLine + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length() + "\r\n"
        + (close ? "connection: close\r\n" : "") + "\r\n" + body;
  }

  /** An answer of the agent's own that names a request id (body and header). */
  private static String json(String statusLine, String body, boolean close, String requestId) {
    return "HTTP/1.1 " + statusLine + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length() + "\r\n"
        + (close ? "connection: close\r\n" : "") + "X-Request-Id: " + requestId + "\r\n\r\n" + body;
  }

  /** The id the agent made up for a request that brought none: 16 hex digits. */
  private static String generatedId(String response) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"requestId\":\"([0-9a-f]{16})\"").matcher(response);
    assertThat(m.find()).as("a generated request id in %s", response).isTrue();
    return m.group(1);
  }

  /** As {@link #policy(long)}, with the request and inference id headers the config defaults to. */
  private static CapturePolicy idPolicy() {
    return new CapturePolicy("signs", "default", new Sampler(100), "X-Request-Id", CaptureMode.InputAndOutput,
        new ContentTypes(List.of()), "X-Inference-Id", 1 << 20, new Redactor(List.of()), true);
  }

  private double requests(int status) {
    return requests("signs", status);
  }

  private double requests(String endpoint, int status) {
    Counter c = registry.find("vigil.agent.requests").tags("endpoint", endpoint, "status", Integer.toString(status)).counter();
    return c == null ? 0 : c.count();
  }

  private double upstreamErrors(String kind) {
    Counter c = registry.find("vigil.agent.upstream.errors").tags("endpoint", "signs", "kind", kind).counter();
    return c == null ? 0 : c.count();
  }

  /**
   * The head of a pipeline: counts read() calls and, while held, keeps writes (and their
   * promises) pending, as a slow socket would.
   */
  private static final class Wire extends ChannelOutboundHandlerAdapter {
    private record Pending(Object msg, ChannelPromise promise) {}

    int reads;
    private boolean held;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
      reads++;
      ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (held) {
        pending.add(new Pending(msg, promise));
      } else {
        ctx.write(msg, promise);
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!held) {
        ctx.flush();
      }
    }

    void hold() {
      held = true;
    }

    void release() {
      held = false;
      Pending p;
      while ((p = pending.poll()) != null) {
        ctx.write(p.msg(), p.promise());
      }
      ctx.flush();
    }
  }
}
