package dev.vigil.cli;

import dev.vigil.admin.AdminServer;
import dev.vigil.cli.support.ExitCodes;
import dev.vigil.cli.support.StopSignal;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.JobStoreType;
import dev.vigil.config.MonitorConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.monitor.MonitorRuntime;
import dev.vigil.monitor.WindowMonitor;
import dev.vigil.monitor.check.Violation;
import dev.vigil.monitor.report.MonitorAdmin;
import dev.vigil.monitor.report.MonitorMetrics;
import dev.vigil.monitor.report.MonitorReport;
import dev.vigil.monitor.report.ReportJson;
import dev.vigil.monitor.report.ReportKeys;
import dev.vigil.monitor.schedule.MonitorScheduler;
import dev.vigil.monitor.schedule.WindowRunner;
import dev.vigil.monitor.window.Window;
import dev.vigil.pipeline.ReportPipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code vigil monitor --config FILE}: runs the Quartz scheduler (one job per endpoint) until
 * stopped; {@code vigil monitor run-once}: one window now.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Run the scheduled monitor jobs: every endpoint's window of captures is checked against its"
          + " baseline on monitor.schedule; reports go to S3 (PREFIX/reports/ENDPOINT/yyyy/MM/dd/HH/)"
          + " and to Kafka (monitor.reportsTopic); /metrics and /healthz on monitor.admin.",
      "Runs until stopped (Ctrl-C / SIGTERM: running windows finish first)."
    },
    subcommands = {MonitorCommand.RunOnce.class})
final class MonitorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Not `required`: picocli would then demand it before `run-once` too.
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The YAML configuration file (required to run the scheduler).")
  Path config;

  @Option(names = "--reports-dir", paramLabel = "DIR", defaultValue = "./vigil-data/reports",
      description = "Local copies of report.html and heatmaps (S3 gets them too). Default: ${DEFAULT-VALUE}")
  Path reportsDir;

  /** Released by the shutdown hook, or by {@link #stop()} (tests). */
  private final StopSignal stopped = new StopSignal();

  /** Stops a running scheduler ({@code call()} returns after running windows finish). */
  void stop() {
    stopped.stop();
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Missing required option --config=FILE (or use 'vigil monitor run-once --help')");
    }
    VigilConfig cfg = ConfigLoader.load(config);
    MonitorConfig m = cfg.monitor();
    String metricsToken = m.admin().resolveMetricsToken().reveal(); // a missing token file fails before anything starts
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrintWriter out = spec.commandLine().getOut();
    try (ReportPipeline pipeline = new ReportPipeline(cfg, registry, reportsDir, Clock.systemUTC());
        MonitorRuntime runtime = new MonitorRuntime(cfg, new MonitorMetrics(registry), List.of(pipeline.listener()), true,
            Clock.systemUTC(), pipeline.probes())) {
      Map<String, WindowRunner> runners = new HashMap<>();
      List<MonitorScheduler.Job> jobs = new ArrayList<>();
      for (EndpointConfig e : cfg.endpoints()) {
        runners.put(e.name(), new ScheduledWindows(runtime.monitor(e.name())));
        jobs.add(new MonitorScheduler.Job(e.name(), m.cronExpression(), m.window().start(), m.window().end(),
            m.backfillMaxWindows()));
      }
      MonitorScheduler.Store store = m.jobStore().type() == JobStoreType.JDBC
          ? MonitorScheduler.Store.postgres(m.jobStore().jdbcUrl(), m.jobStore().user(), m.jobStore().password().reveal(),
              m.jobStore().instanceId(), m.jobStore().clusterCheckin())
          : MonitorScheduler.Store.memory();
      try (MonitorScheduler scheduler = MonitorScheduler.create(jobs, runners, store);
          AdminServer admin = MonitorAdmin.start(m.admin().host(), m.admin().port(),
              metricsToken, registry, scheduler::isRunning)) {
        scheduler.start();
        out.printf(Locale.ROOT, "vigil monitor: %d endpoint(s) %s, schedule '%s' (cron %s, UTC), window %s..%s, "
                + "job store %s (instance %s); metrics on http://%s:%d/metrics%n",
            jobs.size(), runners.keySet(), m.schedule(), m.cronExpression(), m.window().start(), m.window().end(),
            m.jobStore().type().configName(), scheduler.instanceId(), m.admin().host(), admin.port());
        out.flush();
        stopped.await("vigil-monitor-shutdown", scheduler::close); // running windows finish first
      }
    }
    return ExitCodes.OK;
  }

  /**
   * A scheduled endpoint: runs windows (backfills marked), then re-runs earlier windows whose
   * late labels arrived since, and tells which windows were reported already.
   */
  private record ScheduledWindows(WindowMonitor monitor) implements WindowRunner {
    @Override
    public void run(String endpoint, Window window) throws Exception {
      run(endpoint, window, false);
    }

    @Override
    public void run(String endpoint, Window window, boolean backfill) throws Exception {
      monitor.run(window, null, backfill);
      monitor.recheckLabels();
    }

    @Override
    public boolean reported(String endpoint, Window window) {
      return monitor.reported(window);
    }
  }

  /** {@code vigil monitor run-once --endpoint E --window START/DURATION}. */
  @Command(
      name = "run-once",
      mixinStandardHelpOptions = true,
      description = {
        "Check one window of one endpoint now (backfill, debugging): read the captures, judge them,"
            + " write the report to S3 and Kafka (unless --dry-run) and print a summary.",
        "A window that was reported before is replaced, not duplicated."
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the window was checked (violations or not)", "1:captures or outputs unreachable",
          "2:bad options or configuration"})
  static final class RunOnce implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = {"-e", "--endpoint"}, required = true, paramLabel = "NAME", description = "Endpoint name from the config.")
    String endpoint;

    @Option(names = {"-w", "--window"}, required = true, paramLabel = "START/DURATION",
        description = "The window, e.g. 2026-11-22T10:00:00Z/PT1H (or START/END).")
    String window;

    @Option(names = "--dry-run", description = "Print the report without writing it to S3 or Kafka, replaying or alerting.")
    boolean dryRun;

    @Option(names = "--reports-dir", paramLabel = "DIR", defaultValue = "./vigil-data/reports",
        description = "Local copies of report.html and heatmaps (S3 gets them too). Default: ${DEFAULT-VALUE}")
    Path reportsDir;

    @Option(names = "--alert-timeout", paramLabel = "DURATION", defaultValue = "PT60S",
        description = "How long to wait for the heatmaps and the alert to be delivered before exiting;"
            + " undelivered alerts stay in alerts.outbox for the next run. Default: ${DEFAULT-VALUE}")
    java.time.Duration alertTimeout;

    @Option(names = "--json", description = "Print the whole report.json on stdout instead of a summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Window w = parseWindow(spec, window);
      VigilConfig cfg = ConfigLoader.load(config);
      // A dry run only prints: no report written, no replay, no alert.
      try (ReportPipeline pipeline = dryRun ? null
              : new ReportPipeline(cfg, new SimpleMeterRegistry(), reportsDir, Clock.systemUTC());
          MonitorRuntime runtime = new MonitorRuntime(cfg, null, pipeline == null ? List.of() : List.of(pipeline.listener()),
              !dryRun, Clock.systemUTC(), pipeline == null ? null : pipeline.probes())) {
        WindowMonitor monitor = monitor(spec, runtime, endpoint);
        MonitorReport r;
        try (WindowProgress progress = new WindowProgress(spec.commandLine().getErr(), "reading " + endpoint + " " + w)) {
          r = dryRun ? monitor.analyze(w, progress.counter()) : monitor.run(w, progress.counter());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(new String(ReportJson.toJson(r), StandardCharsets.UTF_8));
        } else {
          printSummary(out, r);
          if (!dryRun) {
            out.printf("report: s3://%s/%s%s%n", cfg.sinks().s3().bucket(),
                ReportKeys.directory(cfg.sinks().s3().prefix(), r.endpoint(), r.windowStart(), r.windowEnd()), ReportKeys.REPORT);
          }
        }
        out.flush();
        if (pipeline != null) {
          boolean delivered = pipeline.awaitIdle(alertTimeout);
          spec.commandLine().getErr().println(delivered
              ? "alerts: delivered (or nothing to send); report.html under " + reportsDir
              : "alerts: " + pipeline.pendingAlerts() + " alert(s) still waiting in " + cfg.alerts().outbox()
                  + " (is SMTP reachable?); the next vigil monitor run delivers them");
        }
      }
      return ExitCodes.OK;
    }
  }

  static Window parseWindow(CommandSpec spec, String text) {
    try {
      return Window.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--window: " + e.getMessage());
    }
  }

  static WindowMonitor monitor(CommandSpec spec, MonitorRuntime runtime, String endpoint) throws Exception {
    if (runtime.config().endpoint(endpoint).isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--endpoint: no endpoint named '" + endpoint
          + "' in the config; configured: " + runtime.config().endpoints().stream().map(EndpointConfig::name).toList());
    }
    return runtime.monitor(endpoint);
  }

  private static String share(Double v) {
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  static void printSummary(PrintWriter out, MonitorReport r) {
    out.printf(Locale.ROOT, "endpoint %s window %s/%s (%s): %d predictions from %d records, completeness %.2f%%%n",
        r.endpoint(), r.windowStart(), r.windowEnd(), r.source(), r.statistics().count(), r.statistics().records(),
        r.completeness() * 100);
    var g = r.statistics().groundTruth();
    if (g != null) {
      out.printf(Locale.ROOT, "ground truth (%s): %d of %d predictions labelled (%.1f%%), accuracy %s, macro-F1 %s,"
              + " estimated accuracy %s; %d labels read, unused %s%n", g.source(), g.labelled(), r.statistics().count(),
          g.coverage() * 100, share(g.accuracy()), share(g.macroF1()), share(g.estimatedAccuracy()), g.labelsRead(),
          g.problems());
    }
    if (r.violations().isEmpty()) {
      out.println("no violations");
    }
    for (Violation v : r.violations()) {
      out.printf(Locale.ROOT, "VIOLATION %s [%s] %s: value %.4f, limit %.4f%s - %s%n", v.type().code(), v.severity().code(),
          v.featureName(), v.value(), v.limit(), v.baselineValue() == null ? "" : String.format(Locale.ROOT, ", baseline %.4f", v.baselineValue()),
          v.description());
      r.samplesOf(v).stream().limit(3).forEach(s -> out.printf(Locale.ROOT, "    sample %s %s (%s, confidence %s)%n",
          s.eventId(), s.location().uri(), s.predictedLabel(), s.confidence() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", s.confidence())));
    }
  }
}
