package dev.vigil.demo.scenario;

import dev.vigil.agent.AgentConfigMapping;
import dev.vigil.capture.agent.CaptureAgent;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.demo.attack.StopSignAttack;
import dev.vigil.demo.model.DemoModel;
import dev.vigil.demo.server.ModelServer;
import dev.vigil.demo.signs.SignClass;
import dev.vigil.demo.signs.SignGenerator;
import dev.vigil.demo.signs.SignImages;
import dev.vigil.demo.signs.SignSample;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.baseline.Baseline;
import dev.vigil.monitor.flag.CaptureFetcher;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.stats.WindowStatistics;
import dev.vigil.monitor.truth.GroundTruthWriter;
import dev.vigil.capture.format.GroundTruthRecord;
import dev.vigil.monitor.window.Window;
import dev.vigil.pipeline.ReportPipeline;
import dev.vigil.pipeline.replay.SaliencyReplay;
import dev.vigil.saliency.FullGradExplainer;
import dev.vigil.saliency.SaliencyOptions;
import dev.vigil.stack.EmbeddedStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The whole Vigil story on one machine, in one process: the embedded stack, the demo model
 * server behind the capture agent (sampling), clean traffic and a baseline, a quiet clean window,
 * then a window of PGD images that the model reads as Stop, the monitor finding it, FullGrad
 * replay of the flagged samples with clean-vs-adversarial pairs, and the alert email through
 * the embedded SMTP server. Every piece is the production one, wired from a generated
 * configuration file ({@code vigil-demo.yaml}); the demo only drives traffic and windows.
 *
 * <p>Windows are run once over explicit bounds (the instants before and after each burst of
 * traffic), the same code path as {@code vigil monitor run-once}, so the demo does not wait for
 * a cron tick.
 */
public final class DemoScenario {
  /** The endpoint name in the generated configuration. */
  public static final String ENDPOINT = "traffic-signs";
  /**
   * The endpoint's {@code preprocessing} block: the model server's defaults at the model's 64 x 64,
   * so saliency replay explains the tensor the server fed the model.
   */
  public static final String PREPROCESSING = "{width: 64, height: 64, resize: stretch, channelOrder: RGB,"
      + " scale: 255.0, mean: [0.0, 0.0, 0.0], std: [1.0, 1.0, 1.0]}";
  /** Marks a folder as the demo's own, so a rerun may replace what it wrote there before. */
  static final String MARKER = ".vigil-demo";
  private static final List<String> OWN_ENTRIES =
      List.of("reports", "pairs", "charts", "baseline", "work", "alert.eml", "vigil-demo.yaml", "labels.txt", "model");
  private static final int STAGES = 6;
  private static final Duration SHIP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(120);
  private static final int STOP = SignClass.STOP.index();

  private final DemoSettings settings;
  private final DemoListener listener;
  private final Clock clock;
  private final Map<String, Duration> stageTimes = new LinkedHashMap<>();
  /** The true class of every request sent (its inference id -> class): the labels a reviewer would give. */
  private final Map<String, Integer> truth = new ConcurrentHashMap<>();
  private String stageName;
  private long stageStart;

  public DemoScenario(DemoSettings settings, DemoListener listener, Clock clock) {
    this.settings = settings;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Runs the demo with its own embedded stack (a temporary data folder, free ports).
   *
   * @throws IOException when the output folder cannot be written, a port is taken, or a server
   *     fails (one-line message saying what to change)
   */
  public DemoResult run() throws Exception {
    preflight();
    stage(1, "starting the embedded stack (Kafka, S3, SMTP)");
    try (EmbeddedStack stack = EmbeddedStack.builder().progress(listener::detail).build().start()) {
      return run(stack, settings.out());
    }
  }

  /**
   * Runs the demo against a started stack (tests share one per class). Emails go to its SMTP server.
   *
   * @throws IOException as {@link #run()}
   */
  public DemoResult run(EmbeddedStack stack) throws Exception {
    preflight();
    stage(1, "using the given embedded stack");
    return run(stack, settings.out());
  }

  /** What can be refused before anything starts: the output folder and fixed ports. */
  private void preflight() throws IOException {
    prepareOut(settings.out());
    checkPort("agent", settings.agentPort(), "--agent-port");
    checkPort("model server", settings.modelPort(), "--model-port");
  }

  private DemoResult run(EmbeddedStack stack, Path out) throws Exception {
    Path model = model(out);
    Path labels = out.resolve("labels.txt");
    SignImages.writeLabels(labels);
    SignGenerator generator = new SignGenerator(settings.seed());
    try (ModelServer server = ModelServer.builder(model, SignClass.labels()).modelName(ENDPOINT)
        .port(settings.modelPort()).start()) {
      Path configFile = writeConfig(out, stack, server.port(), model, labels);
      VigilConfig config = ConfigLoader.load(configFile);
      listener.detail("model server on 127.0.0.1:" + server.port() + ", configuration " + configFile);
      try (CaptureAgent agent = CaptureAgent.start(AgentConfigMapping.settings(config));
          Traffic traffic = new Traffic(agent.port());
          FullGradExplainer explainer = FullGradExplainer.open(model, saliencyOptions());
          MonitorRuntime runtime = new MonitorRuntime(config, null, List.of(), false, clock);
          CaptureFetcher fetcher = runtime.fetcher()) {
        listener.detail(String.format(Locale.ROOT, "capture agent on 127.0.0.1:%d, sampling %.0f%% into Kafka and S3",
            agent.port(), settings.samplingPercent()));
        Map<String, AttackedSign> attacked = new ConcurrentHashMap<>();
        HeatmapPairs pairs = new HeatmapPairs(explainer, fetcher, attacked, SignClass.labels(), out.resolve("pairs"));
        try (ReportPipeline pipeline = new ReportPipeline(config, new SimpleMeterRegistry(), out.resolve("reports"),
                clock, pairs);
            MonitorRuntime monitors = new MonitorRuntime(config, null, List.of(pipeline.listener()), true, clock,
                pipeline.probes())) {
          return story(stack, config, generator, agent, traffic, runtime, monitors, pipeline, pairs, attacked,
              configFile);
        }
      }
    }
  }

  private DemoResult story(EmbeddedStack stack, VigilConfig config, SignGenerator generator, CaptureAgent agent,
      Traffic traffic, MonitorRuntime runtime, MonitorRuntime monitors, ReportPipeline pipeline, HeatmapPairs pairs,
      Map<String, AttackedSign> attacked, Path configFile) throws Exception {
    Path out = settings.out();
    stage(2, "sending clean traffic and building the baseline from it");
    List<Traffic.Request> baselineRequests = requests("clean", signs(generator, 1, settings.baselineRequests()));
    Window baselineWindow = sendWindow(traffic, agent, baselineRequests, "baseline traffic").window();
    // Reviewed labels of the baseline traffic: the baseline gets its accuracy and its calibration from them.
    pushLabels(runtime, baselineRequests, "baseline");
    // The monitors' runtime carries the model: the baseline keeps its inputs' embeddings and screening threshold.
    Baseline baseline = monitors.baselineMonitor(ENDPOINT, null).baseline(baselineWindow, null,
        MonitorRuntime.constraints(config.monitor()));
    Path baselineDir = out.resolve("baseline");
    runtime.baselines().write(baselineDir.toString(), baseline);
    listener.detail(String.format(Locale.ROOT, "baseline: %d predictions from %d captured records%s -> %s",
        baseline.statistics().count(), baseline.statistics().records(), accuracy(baseline.statistics()), baselineDir));
    if (baseline.signals() != null) {
      listener.detail(String.format(Locale.ROOT, "baseline: %d inputs embedded (%s), screening threshold %.4f",
          baseline.signals().embeddings().rows(), baseline.signals().embeddingNode(),
          baseline.signals().squeezeThreshold()));
    }

    stage(3, "sending a clean window and checking it against the baseline");
    List<Traffic.Request> cleanRequests = requests("check", signs(generator, 2, settings.cleanRequests()));
    Window cleanWindow = sendWindow(traffic, agent, cleanRequests, "clean traffic").window();
    pushLabels(runtime, cleanRequests, "clean window");
    WindowMonitor monitor = monitors.monitor(ENDPOINT);
    MonitorReport cleanReport = monitor.run(cleanWindow);
    listener.detail("clean window: " + cleanReport.statistics().records() + " records" + accuracy(cleanReport) + ", "
        + (cleanReport.violations().isEmpty() ? "no violations" : "violations " + DemoResult.codes(cleanReport)));

    stage(4, "attacking signs toward Stop (PGD, L-inf <= " + settings.attack().epsilon() + "/255) and sending them");
    List<SignSample> victims = signs(generator, 3, settings.attackedRequests() * 2).stream()
        .filter(s -> s.label() != STOP).limit(settings.attackedRequests()).toList();
    StopSignAttack.Run run;
    try (StopSignAttack attack = StopSignAttack.open(config.saliency().model(), saliencyOptions(), STOP,
        settings.attack())) {
      run = attack.attack(victims.stream().map(SignSample::image).toList(),
          done -> listener.progress("attacking", done, victims.size()));
    }
    listener.detail(String.format(Locale.ROOT, "attack: %d of %d now read as Stop (%.1f%%), L-inf mean %.2f/255, max %d/255",
        run.successes(), victims.size(), 100 * run.successRate(), run.meanLinf(), run.maxLinf()));
    List<Traffic.Request> mixed = new ArrayList<>();
    for (int i = 0; i < victims.size(); i++) {
      AttackedSign a = new AttackedSign(String.format(Locale.ROOT, "adversarial-%04d", i), victims.get(i),
          run.images().get(i));
      attacked.put(a.inferenceId(), a);
      truth.put(a.inferenceId(), victims.get(i).label()); // what the sign really is
      mixed.add(new Traffic.Request(a.inferenceId(), SignImages.png(a.adversarial().image())));
    }
    mixed.addAll(requests("attack-window-clean", signs(generator, 4, settings.attackCleanRequests())));
    shuffle(mixed);
    Sent sent = sendWindow(traffic, agent, mixed, "attack traffic");
    Window attackWindow = sent.window();
    int servedAsStop = 0;
    for (int i = 0; i < mixed.size(); i++) {
      if (sent.answers()[i] == STOP && attacked.containsKey(mixed.get(i).id())) {
        servedAsStop++;
      }
    }

    stage(5, "running the monitor on the attack window; FullGrad replay; alert email");
    int before = stack.receivedMessages().size();
    MonitorReport beforeLabels = monitor.run(attackWindow);
    listener.detail("attack window, before its labels: " + beforeLabels.statistics().records() + " records"
        + accuracy(beforeLabels) + ", violations " + DemoResult.codes(beforeLabels));
    awaitAlerts(pipeline, config);
    // The reviewers' labels of the attack window arrive: the monitor re-evaluates the window and
    // replaces its report (the late-label path of the scheduler), now with the realised accuracy.
    pushLabels(runtime, mixed, "attack window");
    MonitorReport attackReport = monitor.recheckLabels().stream()
        .filter(r -> r.windowStart().equals(attackWindow.start())).findFirst()
        .orElseThrow(() -> new IOException("the attack window was not re-evaluated after its labels arrived"));
    listener.detail("attack window, with its labels" + accuracy(attackReport) + ", violations "
        + DemoResult.codes(attackReport));
    awaitAlerts(pipeline, config);

    stage(6, "collecting the email, report, heatmaps, pairs and charts");
    Path eml = stack.receivedMessages().size() > before ? copyNewestEml(stack, out.resolve("alert.eml")) : null;
    List<Path> charts = downloadCharts(runtime, config, attackReport, out.resolve("charts"));
    Path reports = out.resolve("reports");
    // ReportReplay keeps local copies under the window's report folder, as in S3.
    Path saliency = reports.resolve(ReportKeys.directory(config.sinks().s3().prefix(), ENDPOINT,
        attackWindow.start(), attackWindow.end())).resolve(SaliencyReplay.FOLDER);
    List<Path> heatmaps = files(saliency, p -> p.endsWith("-overlay.png") || p.endsWith("-panel.png"));
    Path html = files(reports, p -> p.equals("report.html")).stream().max(Comparator.comparing(DemoScenario::modified))
        .orElse(null);
    finishStage();
    return new DemoResult(configFile, run, servedAsStop, baselineWindow, baseline.statistics().records(),
        cleanReport, beforeLabels, attackReport, baselineDir, eml, html, heatmaps, pairs.written(), charts, stageTimes);
  }

  private SaliencyOptions saliencyOptions() {
    return new SaliencyOptions("cpu", 2, settings.attack().batchSize());
  }

  /**
   * {@code n} class-balanced signs of data set {@code set} (each set is a different, disjoint
   * draw). The demo uses sets 1 to 4; the model was trained on sets derived from its training
   * seed ({@code SignNetTrainer.datasetSeed}), so every sign the demo sends is new to it.
   */
  private static List<SignSample> signs(SignGenerator generator, long set, int n) {
    if (n == 0) {
      return List.of();
    }
    int perClass = (n + generator.classCount() - 1) / generator.classCount();
    return generator.dataset(perClass, set).subList(0, n);
  }

  private List<Traffic.Request> requests(String prefix, List<SignSample> signs) {
    List<Traffic.Request> out = new ArrayList<>(signs.size());
    for (int i = 0; i < signs.size(); i++) {
      String id = String.format(Locale.ROOT, "%s-%04d", prefix, i);
      truth.put(id, signs.get(i).label());
      out.add(new Traffic.Request(id, SignImages.png(signs.get(i).image())));
    }
    return out;
  }

  /**
   * The labels of every request of a window, as reviewers would send them: SageMaker ground-truth
   * records by inference id, through the same writer as {@code vigil labels push}. Requests the
   * agent did not sample get labels too; the report counts them as {@code unmatched_id}.
   */
  private void pushLabels(MonitorRuntime runtime, List<Traffic.Request> requests, String what) throws IOException {
    List<GroundTruthRecord> labels = new ArrayList<>(requests.size());
    for (Traffic.Request r : requests) {
      labels.add(GroundTruthRecord.csv(r.id(), SignClass.labels().get(truth.get(r.id()))));
    }
    try (GroundTruthWriter writer = runtime.labelWriter(ENDPOINT)) {
      writer.write(labels);
      listener.detail("labels of the " + what + ": " + labels.size() + " pushed to " + writer.destination());
    }
  }

  /** ", accuracy 41.6% on 120 labelled (estimated 62.0%)" or ", estimated accuracy 62.0%" for a log line. */
  static String accuracy(MonitorReport r) {
    return accuracy(r.statistics());
  }

  private static String accuracy(WindowStatistics statistics) {
    var g = statistics.groundTruth();
    if (g == null) {
      return "";
    }
    String estimate = g.estimatedAccuracy() == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * g.estimatedAccuracy());
    if (g.accuracy() == null) {
      return estimate.isEmpty() ? "" : ", estimated accuracy " + estimate + " (no labels yet)";
    }
    return String.format(Locale.ROOT, ", accuracy %.1f%% on %d labelled%s", 100 * g.accuracy(), g.labelled(),
        estimate.isEmpty() ? "" : " (estimated before labels " + estimate + ")");
  }

  private static void awaitAlerts(ReportPipeline pipeline, VigilConfig config) throws IOException, InterruptedException {
    if (!pipeline.awaitIdle(ALERT_TIMEOUT)) {
      throw new IOException("the alert was not delivered within " + ALERT_TIMEOUT.toSeconds() + " s ("
          + pipeline.pendingAlerts() + " waiting in " + config.alerts().outbox() + ")");
    }
  }

  private void shuffle(List<Traffic.Request> requests) {
    SplittableRandom rng = new SplittableRandom(settings.seed());
    for (int i = requests.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      requests.set(i, requests.set(j, requests.get(i)));
    }
  }

  /** One window of traffic: its bounds and the class the model answered per request, in order. */
  private record Sent(Window window, int[] answers) {}

  /**
   * Sends one window's requests and waits until the agent has shipped what it sampled to S3; the
   * window runs from just before the first request to just after the last capture.
   */
  private Sent sendWindow(Traffic traffic, CaptureAgent agent, List<Traffic.Request> requests, String what)
      throws IOException, InterruptedException {
    Instant start = clock.instant();
    int[] answers = traffic.send(requests, what, listener);
    awaitShipped(agent);
    return new Sent(new Window(start, clock.instant().plusMillis(1)), answers);
  }

  /** Polls the agent's counters until every sampled record is in S3 (objects close after 1 s). */
  private static void awaitShipped(CaptureAgent agent) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SHIP_TIMEOUT.toNanos();
    while (true) {
      double sampled = agent.metrics().registry().find("vigil.agent.capture.sampled").counters().stream()
          .mapToDouble(Counter::count).sum();
      double shipped = agent.metrics().shippedCount("s3");
      double dropped = agent.metrics().registry().find("vigil.agent.capture.dropped").counters().stream()
          .mapToDouble(Counter::count).sum();
      if (shipped + dropped >= sampled) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(String.format(Locale.ROOT,
            "the capture agent shipped %.0f of %.0f sampled records to S3 within %d s; sink states %s", shipped,
            sampled, SHIP_TIMEOUT.toSeconds(), agent.sinkStates()));
      }
      Thread.sleep(100);
    }
  }

  private Path model(Path out) throws IOException {
    Path file = out.resolve("model").resolve("traffic-signs.onnx");
    Files.createDirectories(file.getParent());
    if (settings.modelOrNull() != null) {
      if (!Files.isRegularFile(settings.modelOrNull())) {
        throw new IOException("model " + settings.modelOrNull() + " does not exist: pass the path of an .onnx file");
      }
      Files.copy(settings.modelOrNull(), file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    }
    return DemoModel.writeTo(file);
  }

  private Path writeConfig(Path out, EmbeddedStack stack, int modelPort, Path model, Path labels) throws IOException {
    Path work = out.resolve("work");
    String yaml = """
        # Written by `vigil demo` for one run: the embedded stack's ports change every run.
        endpoints:
          - name: %s
            variant: v1
            upstream: http://127.0.0.1:%d
            sampling: {percent: %s, requestIdHeader: X-Request-Id}
            capture: {mode: InputAndOutput, inferenceIdHeader: X-Inference-Id}
            output: {format: pointer, pointer: /probabilities}
            labels: "%s"
            preprocessing: %s
        sinks:
          kafka: {enabled: true, bootstrapServers: "%s"}
          s3: {bucket: %s, prefix: capture, region: %s, endpointOverride: "%s", pathStyle: true,
               accessKeyId: "%s", secretAccessKey: "%s", objectMaxAge: 1s}
        agent:
          listen: {host: 127.0.0.1, port: %d}
          admin: {host: 127.0.0.1, port: 0}
          spool: {directory: "%s", maxBytes: 64MB}
          shutdownGrace: 5s
        monitor:
          minRecords: %d
          # The demo model is near certain on clean signs (mean top-1 about 0.99): below 0.7 is unusual for it.
          lowConfidenceThreshold: 0.7
          baseline: "%s"
          flaggedSamplesPerViolation: 8
          # Reviewed labels of the demo's requests (SageMaker's ground-truth format) under ground-truth/traffic-signs/.
          groundTruth: {source: s3, maxDelay: 24h, minLabels: 20}
          admin: {host: 127.0.0.1, port: 0}
        saliency:
          model: "%s"
          batchSize: 8
          samplesPerViolation: 4
          intraOpThreads: 2
          # Input drift of the model's embeddings and feature-squeezing screening of flagged samples.
          signals: {enabled: true, sampleSize: 256}
        alerts:
          smtp: {host: 127.0.0.1, port: %d, tls: none}
          from: vigil-demo@localhost
          recipients: [ml-oncall@example.com]
          outbox: "%s"
        """.formatted(ENDPOINT, modelPort, String.format(Locale.ROOT, "%s", settings.samplingPercent()),
        labels.toAbsolutePath(), PREPROCESSING, stack.kafkaBootstrapServers(), stack.s3Bucket(), stack.s3Region(),
        stack.s3Endpoint(), stack.s3AccessKey(), stack.s3SecretKey(), settings.agentPort(),
        work.resolve("spool").toAbsolutePath(), settings.minRecords(), out.resolve("baseline").toAbsolutePath(),
        model.toAbsolutePath(), stack.smtpPort(), work.resolve("outbox").toAbsolutePath());
    Path file = out.resolve("vigil-demo.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  private static Path copyNewestEml(EmbeddedStack stack, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(stack.smtpDirectory())) {
      Path newest = files.filter(p -> p.toString().endsWith(".eml"))
          .max(Comparator.comparing(DemoScenario::modified)).orElse(null);
      if (newest == null) {
        return null;
      }
      return Files.copy(newest, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  /** The monitor's charts for the window, from its report folder in S3. */
  private static List<Path> downloadCharts(MonitorRuntime runtime, VigilConfig config, MonitorReport report, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    String folder = ReportKeys.directory(config.sinks().s3().prefix(), report.endpoint(), report.windowStart(),
        report.windowEnd());
    List<Path> out = new ArrayList<>();
    List<String> names = new ArrayList<>(List.of(ReportKeys.CLASS_DISTRIBUTION_PNG,
        ReportKeys.CONFIDENCE_HISTOGRAM_PNG, ReportKeys.CLASS_SHARE_HISTORY_PNG));
    if (dev.vigil.monitor.chart.InputProjectionChart.available(report)) {
      names.add(ReportKeys.INPUT_EMBEDDINGS_PNG);
    }
    for (String name : names) {
      try {
        byte[] png = runtime.s3().getObjectAsBytes(b -> b.bucket(config.sinks().s3().bucket()).key(folder + name))
            .asByteArray();
        out.add(Files.write(dir.resolve(name), png));
      } catch (SdkException e) {
        throw new IOException("chart " + name + " of the attack window is not in S3 (" + folder + "): " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static List<Path> files(Path root, java.util.function.Predicate<String> name) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> name.test(p.getFileName().toString())).sorted().toList();
    }
  }

  /**
   * Makes {@code out} the demo's folder: new, empty or written by an earlier demo (whose files
   * are replaced); anything else is refused rather than mixed with.
   */
  static void prepareOut(Path out) throws IOException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IOException("--out " + out + " is a file; pass a folder");
    }
    boolean ours = Files.exists(out.resolve(MARKER));
    if (Files.isDirectory(out) && !ours) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IOException("--out " + out + " is not empty and was not written by vigil demo;"
              + " pass a new or empty folder");
        }
      }
    }
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve(MARKER), "written by vigil demo; its files here are replaced on the next run\n");
      if (ours) {
        for (String entry : OWN_ENTRIES) {
          deleteRecursively(out.resolve(entry));
        }
      }
    } catch (FileSystemException e) {
      throw new IOException("--out " + out + " is not writable (" + e.getMessage()
          + "); pass a folder you can write to", e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A fixed port that is taken fails here with one line, before anything starts. */
  static void checkPort(String what, int port, String option) throws IOException {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    } catch (IOException e) {
      throw new IOException(what + " port " + port + " on 127.0.0.1 is already in use; stop the other process or pass "
          + option + " 0 (any free port)", e);
    }
  }

  private void stage(int number, String description) {
    finishStage();
    stageName = number + ". " + description;
    stageStart = System.nanoTime();
    listener.stage(number, STAGES, description);
  }

  private void finishStage() {
    if (stageName != null) {
      stageTimes.put(stageName, Duration.ofNanos(System.nanoTime() - stageStart));
      stageName = null;
    }
  }
}
