import dev.vigil.stack.EmbeddedStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Startup/stop figures of the embedded stack (real servers). Run from the repository root after
 * building the jar:
 *
 * <pre>java -cp deploy/target/vigil.jar bench/embedded-stack/StackStartupBench.java [--smoke] [rounds]</pre>
 *
 * Round 1 starts on an empty data dir (Kafka formats its storage, PostgreSQL runs initdb);
 * later rounds reuse it, like a second {@code vigil stack}. Prints the median of each figure.
 * After every start and restart it checks that each server accepts connections on its port, and
 * exits 1 when one does not. {@code --smoke}: one round (default rounds: 3).
 */
public class StackStartupBench {
  public static void main(String[] args) throws Exception {
    boolean smoke = args.length > 0 && args[0].equals("--smoke");
    int argi = smoke ? 1 : 0;
    int rounds = args.length > argi ? Integer.parseInt(args[argi]) : smoke ? 1 : 3;
    Path dir = Files.createTempDirectory("vigil-stack-bench-");
    Map<String, List<Long>> warm = new LinkedHashMap<>();
    Map<String, Long> cold = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      Map<String, Long> figures = new LinkedHashMap<>();
      long t0 = System.nanoTime();
      EmbeddedStack stack = EmbeddedStack.builder().dataDir(dir).postgres(true)
          .progress(line -> { }).build().start();
      figures.put("start (all, wall)", ms(t0));
      stack.startupTimes().forEach((k, v) -> figures.put("start " + k, v.toMillis()));
      requireListening("after start", stack);
      figures.put("kafka stop", time(stack::stopKafka));
      figures.put("kafka start", time(stack::startKafka));
      figures.put("s3 stop", time(stack::stopS3));
      figures.put("s3 start", time(stack::startS3));
      figures.put("smtp stop", time(stack::stopSmtp));
      figures.put("smtp start", time(stack::startSmtp));
      requireListening("after the restarts", stack);
      figures.put("close (all)", time(stack::close));
      figures.put("full start+close", figures.get("start (all, wall)") + figures.get("close (all)"));
      if (round == 1) {
        cold.putAll(figures);
      } else {
        figures.forEach((k, v) -> warm.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      }
      System.err.println("round " + round + ": " + figures);
    }
    System.out.printf("%-22s %10s %16s%n", "figure (ms)", "cold", "warm (median)");
    for (String key : cold.keySet()) {
      List<Long> w = warm.getOrDefault(key, List.of());
      System.out.printf("%-22s %10d %16s%n", key, cold.get(key), w.isEmpty() ? "-" : median(w));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Each server's port accepts a connection, or the bench fails (the stack is closed first). */
  private static void requireListening(String when, EmbeddedStack stack) {
    Map<String, Integer> ports = Map.of("kafka", stack.kafkaPort(), "s3", stack.s3Port(), "smtp", stack.smtpPort(),
        "imap", stack.imapPort(), "postgres", stack.postgresPort());
    ports.forEach((name, port) -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      } catch (IOException e) {
        stack.close();
        System.err.println("FAILED: " + name + " does not accept connections on port " + port + " " + when + ": " + e);
        System.exit(1);
      }
    });
  }

  private static long time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return ms(t0);
  }

  private static long ms(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0).toMillis();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
