package dev.vigil.monitor.schedule;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz scheduling of the monitor jobs: one job + cron trigger per endpoint, in memory (one
 * node) or in a clustered JDBC job store on PostgreSQL, where replicas share the triggers and
 * Quartz's row locks make each fire run on exactly one node (nothing home-made).
 *
 * <p><b>Misfires</b> (the node or the cluster was down at fire time) run once when the scheduler
 * is back ({@code MISFIRE_INSTRUCTION_FIRE_ONCE_NOW}), for the window of the missed fire time;
 * that run first backfills the windows missed before it, oldest first, up to {@code
 * monitor.backfill.maxWindows} (see {@link WindowJob}).
 *
 * <p><b>Recovery.</b> Jobs request recovery: when a replica dies mid-window, the cluster notices
 * after about {@code clusterCheckin + 7.5 s} and another replica reruns the same window (same
 * scheduled fire time). A window whose report was published whole is never run twice.
 *
 * <p><b>Schema.</b> With JDBC, the Quartz tables are created from the quartz jar's {@code
 * tables_postgres.sql} when {@code qrtz_job_details} is absent, under a PostgreSQL advisory lock
 * so replicas starting together do not race.
 */
public final class MonitorScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MonitorScheduler.class);
  static final String GROUP = "vigil-monitor";
  static final String SCHEDULER_NAME = "vigil-monitor";
  private static final long SCHEMA_LOCK = 0x5649_4749_4cL; // "VIGIL"

  private final Scheduler scheduler;

  private MonitorScheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * One endpoint's schedule.
   *
   * @param backfillMaxWindows missed windows a run checks first, oldest first (0: none)
   */
  public record Job(String endpoint, String cron, Duration windowStart, Duration windowEnd, int backfillMaxWindows) {
    /** A job without backfill. */
    public Job(String endpoint, String cron, Duration windowStart, Duration windowEnd) {
      this(endpoint, cron, windowStart, windowEnd, 0);
    }

    public Job {
      if (backfillMaxWindows < 0) {
        throw new IllegalArgumentException("monitor.backfill.maxWindows must be >= 0, was " + backfillMaxWindows);
      }
      Objects.requireNonNull(endpoint, "endpoint");
      if (!org.quartz.CronExpression.isValidExpression(cron)) {
        throw new IllegalArgumentException("monitor.schedule '" + cron + "' is not a Quartz cron expression;"
            + " use hourly, daily, every N hours or e.g. '0 0 * * * ?'");
      }
      if (windowEnd.compareTo(windowStart) <= 0) {
        throw new IllegalArgumentException("monitor.window.end (" + windowEnd + ") must be after monitor.window.start ("
            + windowStart + ")");
      }
    }
  }

  /**
   * Job-store settings.
   *
   * @param jdbcUrl null for the in-memory store; a PostgreSQL URL for the clustered store
   * @param instanceId {@code AUTO} or a unique name per replica
   * @param clusterCheckin how often a node checks in; a dead node's jobs are taken over after
   *     about this long (Quartz {@code clusterCheckinInterval})
   * @param misfireThreshold a fire later than this is a misfire (run once, aligned to the cron
   *     grid); a later but not misfired fire just runs late
   */
  public record Store(String jdbcUrl, String user, String password, String instanceId, Duration clusterCheckin,
      Duration misfireThreshold) {
    /** Default check-in interval (Quartz's 7.5 s) and misfire threshold (60 s). */
    public static final Duration CLUSTER_CHECKIN = Duration.ofMillis(7500);
    public static final Duration MISFIRE_THRESHOLD = Duration.ofSeconds(60);

    public static Store memory() {
      return new Store(null, null, null, "AUTO", CLUSTER_CHECKIN, MISFIRE_THRESHOLD);
    }

    /** A clustered PostgreSQL store with the default timings. */
    public static Store postgres(String jdbcUrl, String user, String password, String instanceId) {
      return new Store(jdbcUrl, user, password, instanceId, CLUSTER_CHECKIN, MISFIRE_THRESHOLD);
    }

    /** A clustered PostgreSQL store checking in every {@code clusterCheckin}. */
    public static Store postgres(String jdbcUrl, String user, String password, String instanceId,
        Duration clusterCheckin) {
      return new Store(jdbcUrl, user, password, instanceId, clusterCheckin, MISFIRE_THRESHOLD);
    }
  }

  /**
   * Builds the scheduler (not started), creates the schema if needed and (re)schedules the jobs:
   * an existing trigger with the same cron is left alone so replicas do not reset each other.
   *
   * @param runners this node's runner per endpoint
   * @throws SchedulerException when Quartz or the database refuses; the message names the cause
   */
  public static MonitorScheduler create(List<Job> jobs, Map<String, WindowRunner> runners, Store store)
      throws SchedulerException {
    Properties p = new Properties();
    p.put("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
    p.put("org.quartz.scheduler.instanceId", store.instanceId() == null ? "AUTO" : store.instanceId());
    p.put("org.quartz.scheduler.skipUpdateCheck", "true");
    p.put("org.quartz.threadPool.threadCount", Integer.toString(Math.max(2, Math.min(8, jobs.size()))));
    p.put("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.put("org.quartz.jobStore.misfireThreshold", Long.toString(store.misfireThreshold().toMillis()));
    if (store.jdbcUrl() == null) {
      p.put("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    } else {
      createSchemaIfAbsent(store);
      // Quartz keeps data sources in a JVM-wide registry by name: a unique name per scheduler
      // keeps one replica's shutdown from closing another's pool in the same JVM.
      String ds = "vigil_" + java.util.UUID.randomUUID().toString().replace("-", "");
      p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
      p.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
      p.put("org.quartz.jobStore.dataSource", ds);
      p.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
      p.put("org.quartz.jobStore.isClustered", "true");
      p.put("org.quartz.jobStore.clusterCheckinInterval", Long.toString(store.clusterCheckin().toMillis()));
      // After a database outage, retry within a check-in or two rather than Quartz's fixed 15 s.
      p.put("org.quartz.jobStore.dbRetryInterval",
          Long.toString(Math.max(1000, Math.min(15_000, 2 * store.clusterCheckin().toMillis()))));
      p.put("org.quartz.jobStore.useProperties", "true");
      p.put("org.quartz.dataSource." + ds + ".provider", "hikaricp");
      p.put("org.quartz.dataSource." + ds + ".driver", "org.postgresql.Driver");
      p.put("org.quartz.dataSource." + ds + ".URL", store.jdbcUrl());
      p.put("org.quartz.dataSource." + ds + ".user", store.user() == null ? "" : store.user());
      p.put("org.quartz.dataSource." + ds + ".password", store.password() == null ? "" : store.password());
      p.put("org.quartz.dataSource." + ds + ".maxConnections", Integer.toString(Math.max(2, Math.min(8, jobs.size())) + 3));
    }
    StdSchedulerFactory factory = new StdSchedulerFactory(p);
    Scheduler s = factory.getScheduler();
    // Quartz registers schedulers by name JVM-wide; we keep our own reference, so several
    // replicas of one cluster (same name) can live in one JVM (tests, the embedded demo).
    SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
    try {
      s.getContext().put(WindowJob.RUNNERS, Map.copyOf(runners));
      for (Job j : jobs) {
        schedule(s, j);
      }
    } catch (SchedulerException | RuntimeException e) {
      s.shutdown(false); // a failed constructor closes what it opened
      throw e;
    }
    return new MonitorScheduler(s);
  }

  private static void schedule(Scheduler s, Job j) throws SchedulerException {
    JobKey jobKey = JobKey.jobKey(j.endpoint(), GROUP);
    TriggerKey triggerKey = TriggerKey.triggerKey(j.endpoint(), GROUP);
    JobDetail detail = JobBuilder.newJob(WindowJob.class)
        .withIdentity(jobKey)
        .usingJobData(WindowJob.ENDPOINT, j.endpoint())
        .usingJobData(WindowJob.START_OFFSET, j.windowStart().toString())
        .usingJobData(WindowJob.END_OFFSET, j.windowEnd().toString())
        .usingJobData(WindowJob.CRON, j.cron())
        .usingJobData(WindowJob.BACKFILL, Integer.toString(j.backfillMaxWindows()))
        .storeDurably()
        // A window a dead replica was running is rerun by another (clustered store).
        .requestRecovery(true)
        .build();
    Trigger trigger = TriggerBuilder.newTrigger()
        .withIdentity(triggerKey)
        .forJob(jobKey)
        .withSchedule(CronScheduleBuilder.cronSchedule(j.cron())
            .inTimeZone(TimeZone.getTimeZone("UTC"))
            .withMisfireHandlingInstructionFireAndProceed())
        .build();
    Trigger existing = s.getTrigger(triggerKey);
    if (existing == null) {
      try {
        // Not "replace": replicas starting together must not reset a trigger another one just
        // stored (its first fire would run again under the new trigger).
        s.scheduleJob(detail, java.util.Set.of(trigger), false);
        log.info("scheduled monitor of {}: cron '{}' (UTC), window {}..{} around each fire", j.endpoint(), j.cron(),
            j.windowStart(), j.windowEnd());
        return;
      } catch (ObjectAlreadyExistsException raced) {
        existing = s.getTrigger(triggerKey); // another replica stored it first
      }
    }
    if (existing instanceof CronTrigger c && c.getCronExpression().equals(j.cron())) {
      s.addJob(detail, true, true); // keep the trigger (and its next fire time), refresh job data
      return;
    }
    s.scheduleJob(detail, java.util.Set.of(trigger), true); // the cron changed
    log.info("scheduled monitor of {}: cron '{}' (UTC), window {}..{} around each fire", j.endpoint(), j.cron(),
        j.windowStart(), j.windowEnd());
  }

  public void start() throws SchedulerException {
    scheduler.start();
  }

  public String instanceId() throws SchedulerException {
    return scheduler.getSchedulerInstanceId();
  }

  public boolean isRunning() {
    try {
      return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
    } catch (SchedulerException e) {
      return false;
    }
  }

  /** Stops firing and waits for running jobs to finish. */
  @Override
  public void close() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      log.warn("scheduler shutdown failed: {}", e.toString());
    }
  }

  /** Creates the Quartz tables from the jar's script when they are absent. */
  static void createSchemaIfAbsent(Store store) throws SchedulerException {
    try (Connection c = DriverManager.getConnection(store.jdbcUrl(), store.user(), store.password())) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        try (ResultSet rs = st.executeQuery(
            "SELECT 1 FROM information_schema.tables WHERE lower(table_name) = 'qrtz_job_details' AND table_schema = current_schema()")) {
          if (rs.next()) {
            c.commit();
            return;
          }
        }
        for (String sql : schemaStatements()) {
          st.execute(sql);
        }
      }
      c.commit();
      log.info("created the Quartz tables in {}", store.jdbcUrl());
    } catch (SQLException | IOException e) {
      throw new SchedulerException("cannot prepare the Quartz tables at " + store.jdbcUrl() + ": " + e.getMessage()
          + " (check monitor.jobStore.jdbcUrl, user and password, and that the user may create tables)", e);
    }
  }

  /** The CREATE statements of {@code tables_postgres.sql} (its DROPs and COMMIT left out). */
  static List<String> schemaStatements() throws IOException {
    String script;
    try (InputStream in = Scheduler.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/tables_postgres.sql")) {
      if (in == null) {
        throw new IOException("tables_postgres.sql is missing from the quartz jar");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder noComments = new StringBuilder();
    for (String line : script.split("\n")) {
      if (!line.strip().startsWith("--")) {
        noComments.append(line).append('\n');
      }
    }
    List<String> out = new ArrayList<>();
    for (String stmt : noComments.toString().split(";")) {
      String s = stmt.strip();
      String upper = s.toUpperCase(java.util.Locale.ROOT);
      if (!s.isEmpty() && !upper.startsWith("DROP") && !upper.equals("COMMIT")) {
        out.add(s);
      }
    }
    return out;
  }
}
