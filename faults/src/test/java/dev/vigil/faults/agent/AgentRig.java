package dev.vigil.faults.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.capture.format.CaptureRecord;
import dev.vigil.capture.format.CaptureRecordCodec;
import dev.vigil.faults.ChildJvm;
import dev.vigil.stack.EmbeddedStack;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the agent fault tests share: the real stack (Kafka, S3Proxy) in this JVM, a small model
 * server, the shipped agent jar as a child process, a client that numbers its requests, and
 * readers that tell which numbers reached Kafka and S3 (so losses and duplicates are counted per
 * request, not estimated).
 */
final class AgentRig implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PORTS = Pattern.compile("proxy on [^ ]+:(\\d+), admin on [^ ]+:(\\d+)");

  final EmbeddedStack stack;
  final Path work;
  private final HttpServer upstream;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final S3Client s3;
  private final CaptureRecordCodec codec = new CaptureRecordCodec();

  AgentRig(Path work) throws IOException {
    this.work = work;
    stack = EmbeddedStack.builder().dataDir(work.resolve("stack")).kafka(true).s3(true).smtp(false).postgres(false)
        .build().start();
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(Executors.newFixedThreadPool(4));
    upstream.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      byte[] out = "{\"probabilities\":[0.1,0.9]}".getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, out.length);
      x.getResponseBody().write(out);
      x.close();
    });
    upstream.start();
    s3 = S3Client.builder().endpointOverride(stack.s3Endpoint()).forcePathStyle(true).region(Region.of(stack.s3Region()))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
        .build();
  }

  /** The agent's configuration for one endpoint (named after the fault: its own topic and prefix). */
  Path config(String endpoint, boolean kafka, boolean s3Sink, Path spool, String spoolMaxBytes) throws IOException {
    String yaml = """
        endpoints:
          - name: %s
            upstream: http://127.0.0.1:%d
            capture: {mode: Input, maxBodyBytes: 64KB}
        sinks:
          kafka: {enabled: %s, bootstrapServers: '%s'}
          s3: {enabled: %s, bucket: %s, prefix: capture, region: %s, endpointOverride: '%s', pathStyle: true,
               accessKeyId: '%s', secretAccessKey: '%s', objectMaxBytes: 256KB, objectMaxAge: 1s}
        agent:
          listen: {host: 127.0.0.1, port: 0}
          admin: {host: 127.0.0.1, port: 0}
          bufferBytes: 1MB
          spool: {directory: '%s', maxBytes: %s}
          shutdownGrace: 3s
        """.formatted(endpoint, upstream.getAddress().getPort(), kafka, stack.kafkaBootstrapServers(), s3Sink,
        stack.s3Bucket(), stack.s3Region(), stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(), spool,
        spoolMaxBytes);
    Path file = work.resolve(endpoint + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** A running agent child and its ports. */
  record Agent(ChildJvm jvm, int port, int adminPort) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      jvm.close();
    }
  }

  Agent startAgent(String name, Path config) throws IOException, InterruptedException {
    ChildJvm jvm = ChildJvm.start(name, ChildJvm.AGENT_JAR, work,
        List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), Map.of(), "--config", config.toString());
    String line = jvm.awaitLine(PORTS.pattern(), Duration.ofSeconds(90));
    Matcher m = PORTS.matcher(line);
    if (!m.find()) {
      throw new AssertionError("no ports in: " + line);
    }
    return new Agent(jvm, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** POSTs request {@code n} (a JSON body of about {@code padBytes}); true when answered 200. */
  boolean send(Agent agent, String endpoint, int n, int padBytes) {
    String body = "{\"fault\":\"" + endpoint + "\",\"n\":" + n + ",\"pad\":\"" + "x".repeat(padBytes) + "\"}";
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/predict"))
              .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Sends requests {@code from..to-1} one after the other; returns how many failed. */
  int sendAll(Agent agent, String endpoint, int from, int to, int padBytes) {
    int failed = 0;
    for (int n = from; n < to; n++) {
      if (!send(agent, endpoint, n, padBytes)) {
        failed++;
      }
    }
    return failed;
  }

  /** A counter of the agent's /metrics, summed over the series whose labels contain {@code labels}. */
  double metric(Agent agent, String name, String labels) throws IOException, InterruptedException {
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.adminPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") && line.contains(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Polls {@code metric} until it reaches {@code atLeast}; fails with the agent's log tail. */
  double awaitMetric(Agent agent, String name, String labels, double atLeast, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    double v = 0;
    while (System.nanoTime() < deadline) {
      v = metric(agent, name, labels);
      if (v >= atLeast) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + "{" + labels + "} = " + v + ", expected >= " + atLeast + " within " + timeout
        + "; agent log ends:\n" + agent.jvm().tail(30));
  }

  /** How often each request number occurs among an endpoint's records in S3. */
  Map<Integer, Integer> s3Numbers(String endpoint) throws Exception {
    Map<Integer, Integer> seen = new HashMap<>();
    String prefix = "capture/" + endpoint + "/";
    for (var o : s3.listObjectsV2Paginator(b -> b.bucket(stack.s3Bucket()).prefix(prefix)).contents()) {
      if (!o.key().endsWith(".jsonl")) {
        continue; // S3Proxy lists directory markers and in-progress temporary files too
      }
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(stack.s3Bucket()).key(o.key())).asByteArray();
      for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          count(seen, codec.parse(line.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    return seen;
  }

  /** Polls S3 until at least {@code atLeast} distinct numbers arrived and nothing new came for {@code settle}. */
  Map<Integer, Integer> awaitS3(String endpoint, int atLeast, Duration timeout, Duration settle) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, Integer> seen = Map.of();
    int lastTotal = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      seen = s3Numbers(endpoint);
      int total = seen.values().stream().mapToInt(Integer::intValue).sum();
      if (total != lastTotal) {
        lastTotal = total;
        stableSince = System.nanoTime();
      } else if (seen.size() >= atLeast && System.nanoTime() - stableSince >= settle.toNanos()) {
        return seen;
      }
      Thread.sleep(300);
    }
    return seen;
  }

  /** How often each request number occurs in the endpoint's Kafka topic, polling until {@code atLeast} distinct arrived. */
  Map<Integer, Integer> kafkaNumbers(String endpoint, int atLeast, Duration timeout, Duration settle) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<Integer, Integer> seen = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of("vigil.capture." + endpoint));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
          count(seen, codec.parse(r.value()));
        }
        if (seen.size() >= atLeast && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + settle.toNanos();
        }
      }
    }
    return seen;
  }

  private static void count(Map<Integer, Integer> seen, CaptureRecord r) {
    try {
      JsonNode body = JSON.readTree(r.endpointInput().data());
      seen.merge(body.get("n").asInt(), 1, Integer::sum);
    } catch (IOException e) {
      throw new AssertionError("captured input is not the JSON that was sent: " + e.getMessage(), e);
    }
  }

  /** Numbers in {@code [0, sent)} that never arrived. */
  static int lost(Map<Integer, Integer> seen, int sent) {
    int lost = 0;
    for (int n = 0; n < sent; n++) {
      if (!seen.containsKey(n)) {
        lost++;
      }
    }
    return lost;
  }

  /** Records beyond the first of each number. */
  static int duplicates(Map<Integer, Integer> seen) {
    return seen.values().stream().mapToInt(c -> c - 1).sum();
  }

  /** Keeps sending numbered requests on a thread until stopped; counts failures. */
  final class Load implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile boolean stop;

    Load(Agent agent, String endpoint, int padBytes, Duration pause) {
      thread = new Thread(() -> {
        while (!stop) {
          int n = next.getAndIncrement();
          if (!send(agent, endpoint, n, padBytes)) {
            failed.incrementAndGet();
          }
          try {
            Thread.sleep(pause.toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "fault-load-" + endpoint);
      thread.start();
    }

    int sent() {
      return next.get();
    }

    int failed() {
      return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(30_000);
    }
  }

  List<Path> segments(Path spool) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var files = Files.list(spool)) {
      files.filter(f -> f.getFileName().toString().endsWith(".seg2")).sorted().forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() {
    s3.close();
    upstream.stop(0);
    ((java.util.concurrent.ExecutorService) upstream.getExecutor()).shutdownNow();
    stack.close();
  }
}
