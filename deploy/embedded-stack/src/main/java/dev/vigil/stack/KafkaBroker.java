package dev.vigil.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (combined broker + controller), run in a child JVM.
 *
 * <p>Why a child JVM: the broker's threads, Yammer metrics and other static state stay out of
 * the caller's JVM, a stop always frees both ports (the process is gone), and the same stack can
 * start twice in one JVM. The child's classpath is this JVM's {@code java.class.path}, so it
 * works from Maven/Surefire and from the shaded {@code vigil.jar} alike. The child exits when
 * its stdin closes, and a shutdown hook kills it as well, so it never outlives its parent.
 *
 * <p>The broker listens on {@code 127.0.0.1:port}; the controller listener takes a second,
 * ephemeral loopback port chosen at first start and kept for restarts.
 */
final class KafkaBroker {
  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  /** The child's WARN+ lines are re-logged here. */
  private static final Logger brokerLog = LoggerFactory.getLogger("dev.vigil.stack.kafka");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 30;

  private final Path logDir;
  private final int port;
  private final int controllerPort;

  // Guarded by "this".
  private Process process;
  private Thread shutdownHook;
  private CountDownLatch readyLatch;
  private long launchedAt;
  private final Deque<String> tail = new ArrayDeque<>();

  KafkaBroker(Path logDir, int port, int controllerPort) {
    this.logDir = logDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  int port() {
    return port;
  }

  String bootstrapServers() {
    return Ports.HOST + ":" + port;
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** When the current child JVM was launched (for startup timings). */
  synchronized long launchedAtNanos() {
    return launchedAt;
  }

  /**
   * Launches the broker JVM and returns at once; {@link #awaitReady()} waits for it. Fails
   * fast, before launching, when a port is taken.
   */
  synchronized void launch() {
    if (isRunning()) {
      return;
    }
    Ports.requireFree("Kafka", port, "--kafka-port");
    Ports.requireFree("Kafka controller", controllerPort, "a different --kafka-port");
    synchronized (tail) {
      tail.clear();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A local broker: small heap, serial GC and C1 only keep it light on a 2-core machine.
    command.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Xshare:auto", "-Djava.net.preferIPv4Stack=true", "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=dev/vigil/stack/kafka-broker-logback.xml",
        "-cp", System.getProperty("java.class.path"),
        KafkaBrokerMain.class.getName()));
    for (Map.Entry<Object, Object> e : brokerProperties().entrySet()) {
      command.add(e.getKey() + "=" + e.getValue());
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    // JAVA_TOOL_OPTIONS of the parent (debug agents, ...) would only confuse the child.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    Process child;
    launchedAt = System.nanoTime();
    try {
      child = builder.start();
    } catch (IOException e) {
      throw new StackException("Cannot launch the Kafka broker JVM: " + e.getMessage(), e);
    }
    process = child;
    shutdownHook = new Thread(() -> killOnExit(child), "vigil-kafka-kill");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    CountDownLatch ready = new CountDownLatch(1);
    readyLatch = ready;
    pump(child.getInputStream(), "stdout", line -> {
      if (line.equals(KafkaBrokerMain.READY)) {
        ready.countDown();
      } else {
        relay(line);
      }
    });
    pump(child.getErrorStream(), "stderr", this::relay);
  }

  /** Waits until the launched broker answers an AdminClient; stops it and throws if it fails. */
  synchronized void awaitReady() {
    if (process == null) {
      throw new IllegalStateException("Kafka broker was not launched");
    }
    try {
      awaitReady(process, readyLatch);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** JVM exit without {@link #stop()}: SIGTERM lets the broker shut down cleanly, then kill. */
  private static void killOnExit(Process child) {
    child.destroy();
    try {
      if (!child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        child.destroyForcibly();
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
    }
  }

  private void awaitReady(Process child, CountDownLatch ready) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (!ready.await(100, TimeUnit.MILLISECONDS)) {
        if (!child.isAlive()) {
          throw new StackException("Kafka broker exited during start (exit code "
              + child.exitValue() + "): " + lastProblem());
        }
        if (System.nanoTime() > deadline) {
          throw new StackException("Kafka broker did not start within "
              + START_TIMEOUT.toSeconds() + " s: " + lastProblem());
        }
      }
      // The READY line says startup() returned; the AdminClient proves clients get answers.
      Properties admin = new Properties();
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
      admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
      try (Admin client = Admin.create(admin)) {
        while (true) {
          try {
            int nodes = client.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                .nodes().get().size();
            if (nodes > 0) {
              return;
            }
          } catch (java.util.concurrent.ExecutionException e) {
            if (System.nanoTime() > deadline || !child.isAlive()) {
              throw new StackException("Kafka broker on " + bootstrapServers()
                  + " does not answer: " + e.getCause().getMessage(), e);
            }
          }
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("Interrupted while starting Kafka", e);
    }
  }

  /** Asks the broker to shut down cleanly, then kills it if it has not gone after 30 s. */
  synchronized void stop() {
    Process child = process;
    if (child == null) {
      return;
    }
    try {
      if (child.isAlive() && readyLatch != null && readyLatch.getCount() > 0) {
        // Still booting (a start that failed elsewhere): nothing worth a clean shutdown.
        child.destroyForcibly();
      } else if (child.isAlive()) {
        try {
          OutputStream stdin = child.getOutputStream();
          stdin.write((KafkaBrokerMain.STOP + "\n").getBytes(StandardCharsets.UTF_8));
          stdin.flush();
          stdin.close();
        } catch (IOException e) {
          log.debug("Kafka broker's stdin already closed", e);
        }
        if (!child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("Kafka broker did not stop within {} s; killing it",
              STOP_TIMEOUT.toSeconds());
          child.destroyForcibly();
        }
      }
      child.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      process = null;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // JVM already shutting down: the hook runs anyway, harmless.
      }
      shutdownHook = null;
    }
  }

  Properties brokerProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + Ports.HOST + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + port
        + ",CONTROLLER://" + Ports.HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("auto.create.topics.enable", "true");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // The broker is unfenced (and so ready) on a heartbeat: the default 2 s adds up to 2 s to
    // every start. Shorter is harmless for a single local node.
    p.put("broker.heartbeat.interval.ms", "500");
    // Captured bodies may be up to 10 MB (base64 grows them): accept records up to 20 MiB.
    p.put("message.max.bytes", String.valueOf(20 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("log.cleaner.threads", "1");
    return p;
  }

  private void pump(InputStream stream, String name, java.util.function.Consumer<String> sink) {
    Thread t = new Thread(() -> {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // The child is gone; nothing more to read.
      }
    }, "vigil-kafka-" + name);
    t.setDaemon(true);
    t.start();
  }

  private void relay(String line) {
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }
    // The child's logback prints WARN/ERROR lines with their level first; anything else
    // (storage formatting, stack trace lines, JVM notices) is DEBUG here and still reaches
    // the start failure message through the tail.
    if (line.startsWith("ERROR ")) {
      brokerLog.error("{}", line.substring("ERROR ".length()));
    } else if (line.startsWith("WARN ")) {
      brokerLog.warn("{}", line.substring("WARN ".length()));
    } else {
      brokerLog.debug("{}", line);
    }
  }

  /** True when the last start failed because a listener port was taken. */
  boolean failedToBind() {
    synchronized (tail) {
      return tail.stream().anyMatch(line -> line.contains("Address already in use"));
    }
  }

  /** The most telling line the child printed: its last ERROR, else its last line. */
  private String lastProblem() {
    synchronized (tail) {
      String last = null;
      for (String line : tail) {
        if (line.startsWith("ERROR")) {
          last = line;
        }
      }
      if (last == null) {
        last = tail.peekLast();
      }
      return last == null ? "no output (see the dev.vigil.stack.kafka log)" : last;
    }
  }
}
