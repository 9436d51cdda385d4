package dev.vigil.demo.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.classes.Labels;
import dev.vigil.config.ChannelOrder;
import dev.vigil.config.ResizeMode;
import dev.vigil.saliency.image.ImageDecoder;
import dev.vigil.saliency.image.Preprocessing;
import dev.vigil.saliency.image.Preprocessor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's model server: an image classifier (ONNX, run by ONNX Runtime on the CPU)
 * behind HTTP/1.1 on Netty. It stands in for the production model server the Vigil agent
 * sits in front of.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@code POST /predict} and {@code POST /v1/models/<name>:predict}: the body is an
 *       image file (PNG or JPEG, any content type). Answer {@code 200}:
 *       <pre>{@code
 * {"model": "traffic-signs",
 *  "predictions": [{"label": "Stop", "class": 14, "score": 0.93}, ...],   // top k, best first
 *  "probabilities": [0.001, ..., 0.93, ...]}                              // one per class
 * }</pre>
 *       Vigil's monitor reads it with output format {@code pointer} and pointer
 *       {@code /probabilities}, or with {@code top-k}.
 *   <li>{@code GET /v1/models/<name>}: name, input shape and labels. {@code GET /healthz}:
 *       {@code {"status":"ok"}}.
 *   <li>Errors are JSON {@code {"error": "<what and what to do>", "status": <code>}}: 400 the
 *       body is not a decodable image (or is empty, or too many pixels); 404 unknown path or
 *       model name; 405 wrong method (with {@code Allow}); 413 body over the limit (default
 *       10 MiB); 500 the model failed; 503 every worker busy and the queue full
 *       ({@code Retry-After: 1}).
 * </ul>
 * Connections are kept alive (HTTP/1.1 default) and idle ones closed after 60 s; pipelined
 * requests are answered in order.
 *
 * <h2>Threads</h2>
 * One acceptor and a few event-loop threads only parse and write HTTP. Decoding, resizing
 * and inference run on a fixed pool of worker threads with a bounded queue, so a slow model
 * never stalls the event loops and overload turns into fast 503s, not unbounded memory.
 *
 * <h2>Pre-processing</h2>
 * Saliency's own {@link ImageDecoder} and {@link Preprocessor}, with {@code resize: stretch},
 * {@code channelOrder: RGB} and the model input's H x W: resize (bilinear with antialiasing),
 * then {@code (pixel / scale - mean[c]) / std[c]} per RGB channel; defaults scale 255, mean 0,
 * std 1. An endpoint whose {@code preprocessing} block has the same values makes saliency
 * replay feed the model the very tensor the server fed it (same code, not a copy).
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelServer.class);

  /** Default request body limit: 10 MiB, like the agent's default capture limit. */
  public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

  /** Idle keep-alive connections are closed after this many seconds. */
  static final int IDLE_SECONDS = 60;

  private final ImageClassifier classifier;
  private final ThreadPoolExecutor workers;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup ioGroup;
  private final Channel serverChannel;
  private final String modelName;
  private final int port;

  private ModelServer(
      ImageClassifier classifier,
      ThreadPoolExecutor workers,
      EventLoopGroup bossGroup,
      EventLoopGroup ioGroup,
      Channel serverChannel,
      String modelName) {
    this.classifier = classifier;
    this.workers = workers;
    this.bossGroup = bossGroup;
    this.ioGroup = ioGroup;
    this.serverChannel = serverChannel;
    this.modelName = modelName;
    this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /**
   * Starts a server on 127.0.0.1 with the defaults of {@link Builder}; the model's outputs
   * are taken as logits and soft-maxed.
   *
   * @param port TCP port, 0 for an ephemeral one (read it back with {@link #port()})
   * @throws ModelServerException if the model cannot be loaded or the port bound
   */
  public static ModelServer start(Path model, List<String> labels, int port) {
    return builder(model, labels).port(port).start();
  }

  /** A builder for every setting; {@link Builder#start()} starts the server. */
  public static Builder builder(Path model, List<String> labels) {
    return new Builder(model, labels);
  }

  /** The bound TCP port. */
  public int port() {
    return port;
  }

  /** The name in {@code /v1/models/<name>:predict}. */
  public String modelName() {
    return modelName;
  }

  /** Stops accepting, lets in-flight inferences finish (up to 5 s), frees the session. */
  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("model server: inferences still running after 5 s; closing anyway");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    classifier.close();
    log.info("model server {} on port {} stopped", modelName, port);
  }

  /**
   * Settings of a {@link ModelServer}. Arguments are checked as they are set; the model is
   * checked against the settings in {@link #start()}.
   */
  public static final class Builder {
    private final Path model;
    private final Labels labels;
    private String host = "127.0.0.1";
    private int port;
    private String modelName;
    private int topK = 5;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int workerThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int queueCapacity = 64;
    private int intraOpThreads = 1;
    private int inputWidth;
    private int inputHeight;
    private double scale = 255;
    private double[] mean = {0, 0, 0};
    private double[] std = {1, 1, 1};
    private boolean softmax = true;

    private Builder(Path model, List<String> labels) {
      this.model = Objects.requireNonNull(model, "model");
      Objects.requireNonNull(labels, "labels");
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("labels are empty: give one label per model output");
      }
      this.labels = Labels.of(labels);
      String file = model.getFileName() == null ? "model" : model.getFileName().toString();
      this.modelName = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }

    /** Address to bind; default 127.0.0.1 (use 0.0.0.0 in a container). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** TCP port; default 0 (ephemeral). */
    public Builder port(int port) {
      require(port >= 0 && port <= 65535, "port must be 0..65535, got %d", port);
      this.port = port;
      return this;
    }

    /** Name in the KServe-style path; default the model file name without {@code .onnx}. */
    public Builder modelName(String name) {
      require(name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
          "model name '%s' must be letters, digits, '.', '_' or '-'", name);
      this.modelName = name;
      return this;
    }

    /** Entries in {@code predictions}; default 5 (fewer if the model has fewer classes). */
    public Builder topK(int k) {
      require(k >= 1, "topK must be >= 1, got %d", k);
      this.topK = k;
      return this;
    }

    /** Largest accepted request body; default {@link #DEFAULT_MAX_BODY_BYTES}. */
    public Builder maxBodyBytes(int bytes) {
      require(bytes >= 1, "maxBodyBytes must be >= 1, got %d", bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Inference threads; default the number of processors. */
    public Builder workerThreads(int threads) {
      require(threads >= 1, "workerThreads must be >= 1, got %d", threads);
      this.workerThreads = threads;
      return this;
    }

    /** Requests that may wait for a worker before new ones get 503; default 64. */
    public Builder queueCapacity(int capacity) {
      require(capacity >= 1, "queueCapacity must be >= 1, got %d", capacity);
      this.queueCapacity = capacity;
      return this;
    }

    /** ONNX Runtime threads per inference; default 1 (parallelism comes from the workers). */
    public Builder intraOpThreads(int threads) {
      require(threads >= 1, "intraOpThreads must be >= 1, got %d", threads);
      this.intraOpThreads = threads;
      return this;
    }

    /** Input size for models whose H and W are dynamic; must match fixed ones. */
    public Builder inputSize(int width, int height) {
      require(width >= 1 && height >= 1, "input size must be positive, got %dx%d", width, height);
      this.inputWidth = width;
      this.inputHeight = height;
      return this;
    }

    /** {@code (pixel / scale - mean[c]) / std[c]}; defaults 255, {0,0,0}, {1,1,1}. */
    public Builder normalization(double scale, double[] mean, double[] std) {
      require(scale > 0, "scale must be positive, got %s", scale);
      require(mean != null && std != null && mean.length == std.length
          && (mean.length == 3 || mean.length == 1),
          "mean and std need 3 values (RGB) or 1 (grey), the same number");
      for (double s : std) {
        require(s > 0, "std values must be positive, got %s", s);
      }
      this.scale = scale;
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /**
     * Whether the model's first output holds logits (default: the server soft-maxes them)
     * or already probabilities (reported as they are).
     */
    public Builder outputsAreLogits(boolean logits) {
      this.softmax = logits;
      return this;
    }

    /**
     * Loads the model and starts listening.
     *
     * @throws ModelServerException if the model is missing or unusable, its class count
     *     differs from the labels, or the address cannot be bound
     */
    public ModelServer start() {
      ImageClassifier classifier = ImageClassifier.open(model, intraOpThreads, inputWidth, inputHeight);
      ThreadPoolExecutor workers = null;
      EventLoopGroup boss = null;
      EventLoopGroup io = null;
      try {
        ObjectMapper json = new ObjectMapper();
        Predictor predictor = predictor(classifier, json);
        workers = new ThreadPoolExecutor(workerThreads, workerThreads, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queueCapacity), daemonThreads("model-server-worker-"),
            new ThreadPoolExecutor.AbortPolicy());
        boss = new MultiThreadIoEventLoopGroup(1, daemonThreads("model-server-accept-"),
            NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(2, daemonThreads("model-server-io-"),
            NioIoHandler.newFactory());
        ThreadPoolExecutor pool = workers;
        int limit = maxBodyBytes;
        String name = modelName;
        Channel channel = new ServerBootstrap()
            .group(boss, io)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .childHandler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                    .addLast("codec", new HttpServerCodec())
                    .addLast("aggregator", new JsonTooLargeAggregator(limit, json))
                    .addLast("predict", new PredictHandler(predictor, name, pool, json));
              }
            })
            .bind(host, port)
            .syncUninterruptibly()
            .channel();
        ModelServer server = new ModelServer(classifier, workers, boss, io, channel, modelName);
        log.info("model server {} listening on {}:{} ({}, {} labels, {} workers)",
            modelName, host, server.port(), classifier, labels.size(), workerThreads);
        return server;
      } catch (Exception e) { // bind() rethrows its checked BindException unwrapped
        // a failed start closes what it opened, then reports
        if (workers != null) {
          workers.shutdownNow();
        }
        if (boss != null) {
          boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (io != null) {
          io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        classifier.close();
        if (e instanceof ModelServerException m) {
          throw m;
        }
        throw new ModelServerException(
            "cannot listen on " + host + ":" + port + ": " + e.getMessage()
                + " (is the port taken? pick another or 0)", e);
      }
    }

    /** The request-to-response work for {@code classifier}, checked against these settings. */
    Predictor predictor(ImageClassifier classifier, ObjectMapper json) {
      if (classifier.declaredClasses() > 0 && classifier.declaredClasses() != labels.size()) {
        throw new ModelServerException(
            "model " + model.getFileName() + " has " + classifier.declaredClasses()
                + " outputs per image but " + labels.size()
                + " labels were given: use the labels file that belongs to this model");
      }
      if (mean.length != 1 && mean.length != classifier.channels()) {
        throw new ModelServerException(
            "normalization has " + mean.length + " channel values but the model takes "
                + classifier.channels() + " channels");
      }
      Preprocessing preprocessing;
      try {
        preprocessing = new Preprocessing(classifier.width(), classifier.height(), ResizeMode.STRETCH,
            ChannelOrder.RGB, scale, boxed(mean), boxed(std));
      } catch (IllegalArgumentException e) {
        throw new ModelServerException("model " + model.getFileName() + " cannot be served: " + e.getMessage());
      }
      return new Predictor(modelName, classifier, new Preprocessor(preprocessing), labels, topK, softmax, json);
    }

    private static List<Double> boxed(double[] values) {
      return Arrays.stream(values).boxed().toList();
    }

    private static void require(boolean condition, String format, Object... args) {
      if (!condition) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The stock aggregator answers an oversized request with an empty 413; this one says what
   * the limit is, as JSON. Like the stock one it keeps a keep-alive connection open when the
   * body has not been sent yet (its remaining content is skipped) and closes it otherwise.
   */
  private static final class JsonTooLargeAggregator extends HttpObjectAggregator {
    private final ObjectMapper json;

    JsonTooLargeAggregator(int maxContentLength, ObjectMapper json) {
      super(maxContentLength);
      this.json = json;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
        throws Exception {
      if (!(oversized instanceof HttpRequest)) {
        super.handleOversizedMessage(ctx, oversized);
        return;
      }
      FullHttpResponse response = PredictHandler.errorResponse(json,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "the request body is larger than " + maxContentLength()
              + " bytes: send a smaller image (downscale or compress it)");
      boolean close = oversized instanceof io.netty.handler.codec.http.FullHttpMessage
          || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
      if (close) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      }
    }
  }
}
