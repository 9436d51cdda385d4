package dev.vigil.stack;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Entry point of the child JVM that runs the Kafka broker (see {@link KafkaBroker}).
 *
 * <p>Arguments are {@code key=value} broker properties. The protocol with the parent is tiny:
 * this process prints {@link #READY} on stdout once the broker has started, and shuts the broker
 * down cleanly when stdin says {@link #STOP} or reaches end-of-file. End-of-file is what makes a
 * killed parent (even {@code kill -9}) take its broker with it: nothing is left holding the port.
 */
final class KafkaBrokerMain {
  static final String READY = "VIGIL-KAFKA-READY";
  static final String STOP = "stop";
  static final int EXIT_FORMAT_FAILED = 3;
  static final int EXIT_START_FAILED = 4;

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      props.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
    }
    // Kafka prints its own messages on stdout; keep stdout for the protocol line only.
    PrintStream protocol = System.out;
    System.setOut(System.err);

    KafkaConfig config = KafkaConfig.fromProps(props, false);
    String logDir = config.logDirs().get(0);
    try {
      format(config, logDir);
    } catch (Exception e) {
      System.err.println("ERROR KafkaBrokerMain: cannot format Kafka storage in " + logDir
          + ": " + e);
      System.exit(EXIT_FORMAT_FAILED);
    }

    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    AtomicBoolean down = new AtomicBoolean();
    Runnable shutdown = () -> {
      if (down.compareAndSet(false, true)) {
        server.shutdown();
        server.awaitShutdown();
      }
    };
    // Ctrl-C in a terminal signals the whole process group, this JVM included; SIGTERM from the
    // parent's own shutdown hook lands here too. Either way: a clean broker shutdown.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "vigil-kafka-shutdown"));
    try {
      server.startup();
    } catch (Throwable e) {
      System.err.println("ERROR KafkaBrokerMain: Kafka broker failed to start: " + e);
      e.printStackTrace(System.err);
      down.set(true); // startup() cleans up after itself; a second shutdown could hang
      System.exit(EXIT_START_FAILED);
    }
    protocol.println(READY);
    protocol.flush();

    waitForStop();
    shutdown.run();
    // Exit rather than return: a lingering non-daemon thread must not keep the port.
    System.exit(0);
  }

  /** Formats the log directory once; a formatted directory is reused so data survives restarts. */
  private static void format(KafkaConfig config, String logDir) throws Exception {
    Path dir = Path.of(logDir);
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve("meta.properties"))) {
      return;
    }
    new Formatter()
        .setPrintStream(System.err)
        .setNodeId(config.nodeId())
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir))
        .setMetadataLogDirectory(config.metadataLogDir())
        .setControllerListenerName(config.controllerListenerNames().get(0))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setReleaseVersion(MetadataVersion.latestProduction())
        // Static voter (controller.quorum.voters): the voter set names only the node id, so a
        // different controller port on the next run does not strand the metadata log.
        .setHasDynamicQuorum(false)
        .setIgnoreFormatted(true)
        .run();
  }

  private static void waitForStop() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (STOP.equals(line.trim())) {
          return;
        }
      }
    } catch (java.io.IOException e) {
      // stdin broken means the parent is gone: same as end-of-file, shut down.
      System.err.println("WARN KafkaBrokerMain: parent pipe failed, shutting down: " + e);
    } catch (UncheckedIOException e) {
      System.err.println("WARN KafkaBrokerMain: parent pipe failed, shutting down: " + e);
    }
  }
}
