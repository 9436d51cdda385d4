import dev.vigil.stack.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Startup/stop figures of the embedded stack (real servers). Run from the repository root after
 * building the jar:
 *
 * <pre>java -cp deploy/target/vigil.jar bench/embedded-stack/StackStartupBench.java [rounds]</pre>
 *
 * Round 1 starts on an empty data dir (Kafka formats its storage, PostgreSQL runs initdb);
 * later rounds reuse it, like a second {@code vigil stack}. Prints the median of each figure.
 */
public class StackStartupBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
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
      figures.put("kafka stop", time(stack::stopKafka));
      figures.put("kafka start", time(stack::startKafka));
      figures.put("s3 stop", time(stack::stopS3));
      figures.put("s3 start", time(stack::startS3));
      figures.put("smtp stop", time(stack::stopSmtp));
      figures.put("smtp start", time(stack::startSmtp));
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
