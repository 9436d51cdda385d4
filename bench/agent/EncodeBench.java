import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.record.RecordEncoder;
import dev.vigil.capture.record.SampledExchange;
import dev.vigil.capture.sampling.CaptureMode;
import dev.vigil.capture.sampling.CapturePolicy;
import dev.vigil.capture.sampling.ContentTypes;
import dev.vigil.capture.sampling.Redactor;
import dev.vigil.capture.sampling.Sampler;
import dev.vigil.capture.spool.SegmentSpool;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The capture dispatcher's per-record work in isolation, on one thread: encode a sampled exchange
 * (4 KB JSON request or 50 KB PNG request, 4 KB JSON response) into its JSON line, and append
 * that entry to a disk spool (what happens to a record when a sink is behind). Prints
 * CPU microseconds (thread CPU time, so other load on the machine matters less) and bytes allocated per record, so an encoding change can be judged without the
 * whole benchmark (which needs wrk, nginx, Kafka and S3Proxy on the same cores).
 *
 * <p>Run after the README's build: {@code java -cp deploy/target/vigil.jar bench/agent/EncodeBench.java [seconds]}
 * ({@code bench/agent/run.sh --smoke} runs it for 0.3 s).
 */
public class EncodeBench {
  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    CapturePolicy policy =
        new CapturePolicy("bench", "default", new Sampler(100), null, CaptureMode.InputAndOutput,
            new ContentTypes(List.of("application/json", "text/csv", "text/plain")), null, 10 << 20,
            new Redactor(List.of()), true);
    Random rnd = new Random(1);
    StringBuilder sb = new StringBuilder("{\"probabilities\":[");
    while (sb.length() < 4080) {
      sb.append(String.format("%.6f,", rnd.nextDouble()));
    }
    sb.setLength(sb.length() - 1);
    sb.append("]}");
    byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] png = new byte[50 * 1024];
    rnd.nextBytes(png);
    RecordEncoder encoder = new RecordEncoder();
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    Path dir = Files.createTempDirectory("encode-bench");
    for (String kind : List.of("json", "png")) {
      byte[] req = kind.equals("json") ? json : png;
      String ct = kind.equals("json") ? "application/json" : "image/png";
      for (int round = 0; round < 2; round++) { // round 0 warms the JIT
        try (SegmentSpool spool = new SegmentSpool(dir.resolve(kind + round), 1L << 40, 32L << 20)) {
          long n = 0;
          long lineBytes = 0;
          long bytes0 = threads.getThreadAllocatedBytes(tid);
          long t0 = System.nanoTime();
          long cpu0 = threads.getCurrentThreadCpuTime();
          long encodeCpu = 0;
          long end = t0 + (long) (seconds * 1e9);
          while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
              long a = threads.getCurrentThreadCpuTime();
              CaptureEntry e = encoder.encode(new SampledExchange(policy, UUID.randomUUID(), Instant.now(), null,
                  ct, req, false, "application/json", json, false, 200, 1234, 0)).entry();
              encodeCpu += threads.getCurrentThreadCpuTime() - a;
              spool.append(e.spoolHeader(), e.line());
              lineBytes += e.line().length;
              n++;
            }
            if (n % 2000 == 0) {
              spool.ack(spool.read(Integer.MAX_VALUE, Long.MAX_VALUE).end()); // keep the disk use bounded
            }
          }
          long cpu = threads.getCurrentThreadCpuTime() - cpu0;
          long alloc = threads.getThreadAllocatedBytes(tid) - bytes0;
          if (round == 1) {
            System.out.printf("RESULT %s records=%d line=%d B cpu: encode=%.1f us/record encode+spool=%.1f us/record; alloc=%d B/record%n",
                kind, n, lineBytes / n, encodeCpu / 1e3 / n, cpu / 1e3 / n, alloc / n);
          }
        }
      }
    }
  }
}
