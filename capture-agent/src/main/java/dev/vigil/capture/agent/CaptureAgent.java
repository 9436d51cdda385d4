package dev.vigil.capture.agent;

import dev.vigil.admin.AdminServer;
import dev.vigil.capture.admin.AgentProbes;
import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.proxy.ProxyServer;
import dev.vigil.capture.proxy.Route;
import dev.vigil.capture.proxy.Router;
import dev.vigil.capture.record.ByteBudget;
import dev.vigil.capture.record.RecordEncoder;
import dev.vigil.capture.sampling.CapturePolicy;
import dev.vigil.capture.sampling.ContentTypes;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.capture.sampling.Sampler;
import dev.vigil.capture.sink.CaptureBuffer;
import dev.vigil.capture.sink.Dispatcher;
import dev.vigil.capture.sink.Sink;
import dev.vigil.capture.sink.SinkChannel;
import dev.vigil.capture.sink.SinkWorker;
import dev.vigil.capture.sink.kafka.KafkaSink;
import dev.vigil.capture.sink.s3.S3Sink;
import dev.vigil.capture.spool.SegmentSpool;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The capture agent, wired by hand: proxy (event loops) -> capture buffer -> dispatcher thread ->
 * one {@link SinkChannel} + {@link SinkWorker} thread per sink (memory queue, then spool) -> Kafka /
 * S3; plus the admin port.
 *
 * <h2>Memory</h2>
 * Half of {@code bufferBytes} bounds captured bytes on the event loops and in the capture buffer;
 * the other half is split between the sinks' memory queues. Add per sink one batch in flight (S3:
 * {@code objectMaxBytes}, Kafka: 1 MB + a 16 MB producer buffer). With the defaults (64 MB buffer,
 * 8 MB objects) the agent stays well inside a 256 MB heap.
 *
 * <h2>CPU</h2>
 * The request path comes first: the dispatcher, spool-sync and sink threads run at
 * {@link Thread#MIN_PRIORITY}, so when the cores are busy the event loops win and capture gets
 * what is left (records it cannot keep up with are dropped at the tap and counted). On Linux the
 * JVM applies Java thread priorities only with {@code -XX:ThreadPriorityPolicy=1} (lowering a
 * priority needs no privilege); without it all threads compete equally.
 *
 * <h2>Shutdown</h2>
 * {@link #close()}: stop accepting, let in-flight exchanges finish (a quarter of the grace),
 * drain the capture buffer, then let the sinks ship and close open S3 objects until the grace
 * deadline; what is still unshipped is put in front of the spool for the next start.
 */
public final class CaptureAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CaptureAgent.class);
  /** Spool segment size cap: small enough that acknowledged data is freed promptly. */
  static final long MAX_SEGMENT_BYTES = 32L << 20;

  private final AgentSettings settings;
  private final PrometheusMeterRegistry registry;
  private final AgentMetrics metrics;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<SinkWorker> workers = new ArrayList<>();
  private EventLoopGroup boss;
  private EventLoopGroup ioGroup;
  private ProxyServer proxy;
  private AdminServer admin;
  private Dispatcher dispatcher;
  private FileLock spoolLock;
  private int port;
  private int adminPort;
  private boolean closed;

  private CaptureAgent(AgentSettings settings) {
    this.settings = settings;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new AgentMetrics(registry);
    new JvmMemoryMetrics().bindTo(registry);
  }

  /**
   * Builds and starts an agent: opens spools (shipping what a previous run left), starts the sink
   * threads, binds the proxy and admin ports.
   *
   * @throws IllegalArgumentException when the settings are inconsistent (message names the key)
   * @throws IOException when the spool directory cannot be used (or another agent holds it)
   * @throws InterruptedException when interrupted while binding
   */
  public static CaptureAgent start(AgentSettings settings) throws IOException, InterruptedException {
    CaptureAgent agent = new CaptureAgent(settings);
    try {
      agent.open();
      return agent;
    } catch (IOException | InterruptedException | RuntimeException e) {
      agent.abortStart();
      throw e;
    }
  }

  private void open() throws IOException, InterruptedException {
    List<Route> routes = new ArrayList<>();
    for (EndpointSettings e : settings.endpoints()) {
      routes.add(Route.of(e.pathPrefix(), e.host(), e.upstream(), policy(e, settings.redactionKeys())));
    }
    Router router = new Router(routes);

    Files.createDirectories(settings.spoolDirectory());
    FileChannel lockChannel =
        FileChannel.open(settings.spoolDirectory().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    opened.add(lockChannel);
    spoolLock = lockChannel.tryLock();
    if (spoolLock == null) {
      throw new IOException(
          "spool directory " + settings.spoolDirectory() + " is in use by another agent; give each agent its own agent.spool.directory");
    }

    List<Sink> sinks = new ArrayList<>();
    if (settings.kafka() != null) {
      Map<String, String> overrides = new HashMap<>();
      for (EndpointSettings e : settings.endpoints()) {
        if (e.kafkaTopic() != null) {
          overrides.put(e.name(), e.kafkaTopic());
        }
      }
      AgentSettings.KafkaSettings k = settings.kafka();
      sinks.add(new KafkaSink(k.bootstrapServers(), k.compression(), k.producer(),
          new KafkaSink.TopicNamer(k.topic(), overrides), metrics));
    }
    if (settings.s3() != null) {
      AgentSettings.S3Settings s = settings.s3();
      // One timer thread for the client's call timeouts (the SDK's default pool grows to five).
      ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-s3-timeouts");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
      });
      opened.add(timers::shutdownNow);
      sinks.add(new S3Sink(s3Client(s, timers), s.bucket(), s.prefix(), s.objectMaxBytes(), s.objectMaxAge()));
    }
    opened.addAll(0, sinks);

    ByteBudget budget = new ByteBudget(settings.bufferBytes() / 2);
    CaptureBuffer buffer = new CaptureBuffer(budget, metrics);
    List<SinkChannel> channels = new ArrayList<>();
    long perSinkMemory = sinks.isEmpty() ? 0 : settings.bufferBytes() / 2 / sinks.size();
    long perSinkSpool = sinks.isEmpty() ? 0 : settings.spoolMaxBytes() / sinks.size();
    for (Sink sink : sinks) {
      SegmentSpool spool =
          new SegmentSpool(settings.spoolDirectory().resolve(sink.name()), perSinkSpool,
              Math.min(MAX_SEGMENT_BYTES, Math.max(1 << 20, perSinkSpool / 16)));
      if (!spool.isEmpty()) {
        log.info("sink {}: {} bytes spooled by a previous run will be shipped first", sink.name(), spool.bytes());
      }
      SinkChannel channel = new SinkChannel(sink.name(), perSinkMemory, spool, metrics);
      channels.add(channel);
      workers.add(new SinkWorker(sink, channel, metrics));
    }
    opened.removeAll(sinks); // owned by their workers from here on
    workers.forEach(SinkWorker::start);
    dispatcher = new Dispatcher(buffer, new RecordEncoder(), channels, metrics);
    dispatcher.start();

    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    // One event loop per core (Netty's own default would be two per core).
    int loops = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
    ioGroup = new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory());
    proxy = new ProxyServer(boss, ioGroup, router, buffer, metrics, settings.upstreamTimeout());
    port = proxy.start(settings.listenHost(), settings.listenPort());
    List<AgentProbes.Upstream> ups = new ArrayList<>();
    for (Route r : routes) {
      ups.add(new AgentProbes.Upstream(r.endpoint(), r.upstreamHost(), r.upstreamPort()));
    }
    AgentProbes probes = new AgentProbes(ups, this::sinkStates);
    admin = new AdminServer("agent.admin", settings.adminHost(), settings.adminPort(), settings.metricsToken(),
        registry::scrape, probes::health, probes::ready);
    adminPort = admin.port();
    log.info("vigil agent listening on {}:{} (admin {}:{}{}), endpoints {}, sinks {}",
        settings.listenHost(), port, settings.adminHost(), adminPort,
        admin.metricsProtected() ? ", /metrics needs the bearer token" : "",
        settings.endpoints().stream().map(EndpointSettings::name).toList(),
        sinks.stream().map(Sink::name).toList());
  }

  static CapturePolicy policy(EndpointSettings e, List<Redactor.Key> redactionKeys) {
    return new CapturePolicy(
        e.name(), e.variant(), new Sampler(e.samplingPercent()), e.requestIdHeader(), e.mode(),
        new ContentTypes(e.textContentTypes()), e.inferenceIdHeader(), e.maxBodyBytes(),
        new Redactor(e.redact(), redactionKeys), e.captureUpstreamErrors());
  }

  static S3Client s3Client(AgentSettings.S3Settings s, ScheduledExecutorService timers) {
    AwsCredentialsProvider credentials =
        s.accessKeyId() == null || s.accessKeyId().isEmpty()
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKeyId(), s.secretAccessKey()));
    S3ClientBuilder b =
        S3Client.builder()
            .region(Region.of(s.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(s.pathStyle())
            // S3-compatible servers (S3Proxy, MinIO) may not know the newer default checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            // One SHA-256 over each upload (or none over https) instead of aws-chunked SigV4
            // signing, which copies the body chunk by chunk.
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o -> o.apiCallTimeout(Duration.ofSeconds(60)).apiCallAttemptTimeout(Duration.ofSeconds(20))
                    .scheduledExecutorService(timers));
    if (s.endpointOverride() != null) {
      b.endpointOverride(s.endpointOverride());
    }
    return b.build();
  }

  /** The proxy's bound port. */
  public int port() {
    return port;
  }

  public int adminPort() {
    return adminPort;
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  /** Sink name to state (OK, RETRYING, STOPPED) plus whether it is spooling. */
  public Map<String, String> sinkStates() {
    Map<String, String> out = new LinkedHashMap<>();
    for (SinkWorker w : workers) {
      String state = w.state().name();
      if (w.channel().spooling()) {
        state += "_SPOOLING";
      }
      out.put(w.name(), state);
    }
    return out;
  }

  /** Bytes currently spooled on disk across sinks. */
  public long spooledBytes() {
    return workers.stream().mapToLong(w -> w.channel().spooledBytes()).sum();
  }

  /** Graceful stop within the configured grace period. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Duration grace = settings.shutdownGrace();
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      proxy.drain(grace.dividedBy(4));
      proxy.close();
      dispatcher.shutdown(remaining(deadline).dividedBy(2));
      List<Thread> stoppers = new ArrayList<>();
      Duration left = remaining(deadline);
      for (SinkWorker w : workers) {
        Thread t = new Thread(() -> {
          try {
            w.shutdown(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "vigil-stop-" + w.name());
        t.start();
        stoppers.add(t);
      }
      for (Thread t : stoppers) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (admin != null) {
        admin.close();
      }
      shutdownLoops();
      closeOpened();
      registry.close();
      log.info("vigil agent stopped");
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private void shutdownLoops() {
    if (ioGroup != null) {
      ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private void closeOpened() {
    try {
      if (spoolLock != null) {
        spoolLock.release();
      }
    } catch (IOException ignored) {
      // the channel close below releases it anyway
    }
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {}: {}", c, e.toString());
      }
    }
    opened.clear();
  }

  /** A failed start: close what was opened, in reverse. */
  private void abortStart() {
    closed = true;
    if (proxy != null) {
      proxy.close();
    }
    if (admin != null) {
      admin.close();
    }
    try {
      if (dispatcher != null) {
        dispatcher.shutdown(Duration.ofSeconds(1));
      }
      for (SinkWorker w : workers) {
        w.shutdown(Duration.ZERO);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    shutdownLoops();
    closeOpened();
    registry.close();
  }
}
