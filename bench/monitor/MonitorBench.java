import dev.vigil.capture.format.CaptureLayout;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.capture.format.CapturedBody;
import dev.vigil.capture.format.VigilMetadata;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.check.Constraints;
import dev.vigil.config.OutputFormat;
import dev.vigil.monitor.output.OutputSpec;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.window.KafkaWindowSource;
import dev.vigil.monitor.window.S3WindowSource;
import dev.vigil.monitor.window.Window;
import dev.vigil.monitor.window.WindowSource;
import dev.vigil.stack.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Monitor throughput benchmark (bench/monitor/run.sh drives it).
 *
 * <ul>
 *   <li>{@code serve DIR N}: starts the embedded stack (real Kafka + S3Proxy) on DIR, writes N
 *       capture records (~1.1 KB, 43 classes, one hour) to S3 objects of ~8 MB and to a 3-partition
 *       topic, writes DIR/ready with the addresses, the window and N, then blocks;
 *   <li>{@code run s3|kafka DIR}: reads that window with the monitor in this JVM (run it with
 *       -Xmx512m), prints records/s and the peak heap, and exits 1 when a round read a different
 *       number of records than were written.
 * </ul>
 *
 * <p>The window is the last complete hour when the data is generated (the broker deletes records
 * older than its 7-day retention, so a fixed date would read fewer records as time passes). Data
 * generated earlier in DIR is reused while its window is younger than {@link #REUSE_FOR}.
 */
public class MonitorBench {
  static final Duration REUSE_FOR = Duration.ofDays(6);
  static final String ENDPOINT = "bench";
  static final String TOPIC = "vigil.capture.bench";

  public static void main(String[] args) throws Exception {
    if (args[0].equals("serve")) {
      serve(Path.of(args[1]), Integer.parseInt(args[2]));
    } else {
      run(args[1], Path.of(args[2]));
    }
  }

  static void serve(Path dir, int n) throws Exception {
    Path done = dir.resolve("generated-" + n);
    Window w = reusableWindow(done);
    if (w == null) { // new data: a fresh stack, so no topic or objects of another window remain
      deleteRecursively(dir.resolve("stack"));
      Files.deleteIfExists(done);
      Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
      w = new Window(hour.minus(Duration.ofHours(1)), hour);
    }
    EmbeddedStack stack = EmbeddedStack.builder().dataDir(dir.resolve("stack")).smtp(false).progress(l -> { }).build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
    S3Client s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true)
        .region(Region.of(stack.s3Region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
    if (!Files.exists(done)) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      }
      Properties p = new Properties();
      p.put("bootstrap.servers", stack.kafkaBootstrapServers());
      p.put("linger.ms", "20");
      p.put("batch.size", "1048576");
      p.put("compression.type", "lz4");
      CaptureRecordCodec codec = new CaptureRecordCodec();
      SplittableRandom rnd = new SplittableRandom(42);
      long t0 = System.nanoTime();
      long bytes = 0;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        ByteArrayOutputStream object = new ByteArrayOutputStream(9 << 20);
        Instant objectStart = null;
        long stepNanos = w.length().toNanos() / n;
        byte[] image = new byte[350];
        for (int i = 0; i < n; i++) {
          Instant t = w.start().plusNanos(stepNanos * i);
          for (int b = 0; b < image.length; b++) {
            image[b] = (byte) rnd.nextInt(256);
          }
          int cls = rnd.nextInt(43);
          double conf = 0.3 + 0.69 * rnd.nextDouble();
          StringBuilder v = new StringBuilder(420).append('[');
          for (int c = 0; c < 43; c++) {
            double x = c == cls ? conf : (1 - conf) / 42;
            v.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", x));
          }
          CaptureRecord r = new CaptureRecord(CapturedBody.base64("image/png", "INPUT", image),
              CapturedBody.text("application/json", "OUTPUT", v.append(']').toString()),
              new UUID(rnd.nextLong(), rnd.nextLong()).toString(), t, null, "0",
              new VigilMetadata(ENDPOINT, "v1", 1000 + rnd.nextInt(5000), 200, false));
          byte[] line = codec.toJsonLine(r);
          bytes += line.length;
          producer.send(new ProducerRecord<>(TOPIC, i % 3, t.toEpochMilli(), null, line));
          if (objectStart == null) {
            objectStart = t;
          }
          object.write(line);
          object.write('\n');
          if (object.size() >= 8 << 20 || i == n - 1) {
            String key = CaptureLayout.objectKey("capture", ENDPOINT, "v1", objectStart, UUID.randomUUID());
            s3.putObject(b -> b.bucket(stack.s3Bucket()).key(key), RequestBody.fromBytes(object.toByteArray()));
            object.reset();
            objectStart = null;
          }
        }
      }
      System.out.printf(Locale.ROOT, "generated %d records (%.0f bytes/record avg) for window %s into S3 and Kafka in %.1f s%n",
          n, (double) bytes / n, w, (System.nanoTime() - t0) / 1e9);
      Files.writeString(done, bytes + "\n" + w);
    } else {
      System.out.printf(Locale.ROOT, "reusing %d records of window %s in %s%n", n, w, dir);
    }
    Files.writeString(dir.resolve("ready"), String.join("\n", stack.s3Endpoint().toString(), stack.s3Bucket(),
        stack.s3AccessKey(), stack.s3SecretKey(), stack.s3Region(), stack.kafkaBootstrapServers(), w.toString(),
        Integer.toString(n)));
    System.out.println("ready");
    Thread.currentThread().join();
  }

  /** The window of data generated earlier (the marker's second line), or null when there is none to reuse. */
  static Window reusableWindow(Path done) throws IOException {
    if (!Files.exists(done)) {
      return null;
    }
    List<String> lines = Files.readAllLines(done);
    if (lines.size() < 2) {
      return null; // written before the window was recorded
    }
    Window w = Window.parse(lines.get(1));
    return w.start().isAfter(Instant.now().minus(REUSE_FOR)) ? w : null;
  }

  static void deleteRecursively(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> files = Files.walk(p)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static void run(String source, Path dir) throws Exception {
    List<String> ready = Files.readAllLines(dir.resolve("ready"));
    Window w = Window.parse(ready.get(6));
    long written = Long.parseLong(ready.get(7));
    S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create(ready.get(0))).forcePathStyle(true)
        .region(Region.of(ready.get(4)))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ready.get(2), ready.get(3))))
        .build();
    WindowSource src;
    if (source.equals("s3")) {
      src = new S3WindowSource(s3, ready.get(1), "capture", ENDPOINT, "v1", Duration.ofMinutes(2),
          Integer.getInteger("threads", 2));
    } else {
      Properties p = new Properties();
      p.put("bootstrap.servers", ready.get(5));
      p.put("fetch.max.bytes", "16777216");
      p.put("max.partition.fetch.bytes", "4194304");
      src = new KafkaWindowSource(p, TOPIC, "v1", Duration.ofMinutes(5), Duration.ofMinutes(10), Integer.getInteger("threads", 2));
    }
    WindowMonitor m = new WindowMonitor(ENDPOINT, "v1", OutputSpec.of(OutputFormat.PROBABILITIES), src,
        Constraints.defaults(), null, 16, null, null, List.of(), Clock.systemUTC());
    int rounds = Integer.getInteger("rounds", 3);
    boolean failed = false;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= rounds; round++) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      MonitorReport r = m.analyze(w);
      byte[] json = ReportJson.toJson(r);
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      // The CPU figure does not depend on what else runs on the machine: records per CPU-second
      // of this JVM, times 2 cores, is the rate on 2 dedicated cores if the servers kept up.
      System.out.printf(Locale.ROOT, "%s round %d: %d records, %d predictions, %d unusable in %.2f s wall = %,.0f records/s;"
              + " %.2f CPU-s in the monitor JVM = %,.0f records per CPU-second (x2 cores: %,.0f records/s); load average %.1f (report %d bytes)%n",
          source, round, r.statistics().records(), r.statistics().count(), r.statistics().unusableTotal(), s,
          r.statistics().records() / s, cpu, r.statistics().records() / cpu, 2 * r.statistics().records() / cpu,
          os.getSystemLoadAverage(), json.length);
      if (r.statistics().records() != written) {
        failed = true;
        System.out.printf(Locale.ROOT, "%s round %d: FAILED: read %d records of window %s, %d were written%n",
            source, round, r.statistics().records(), w, written);
      }
    }
    long peak = 0;
    long oldPeak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
        if (pool.getName().contains("Old")) {
          oldPeak = pool.getCollectionUsage() == null ? 0 : pool.getCollectionUsage().getUsed();
        }
      }
    }
    System.gc();
    long live = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    System.out.printf(Locale.ROOT, "%s: max heap %d MB (no OutOfMemoryError), peak heap occupancy incl. garbage %d MB,"
            + " old gen after last GC %d MB, live after full GC %d MB, %d cores visible%n", source,
        Runtime.getRuntime().maxMemory() >> 20, peak >> 20, oldPeak >> 20, live >> 20, Runtime.getRuntime().availableProcessors());
    s3.close();
    if (failed) {
      System.exit(1);
    }
  }
}
