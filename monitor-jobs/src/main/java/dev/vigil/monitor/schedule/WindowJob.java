package dev.vigil.monitor.schedule;

import dev.vigil.monitor.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.quartz.CronExpression;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job: one per endpoint. Thin on purpose: it turns the fire into a window and hands it
 * to the node's {@link WindowRunner}. The window derives from the trigger's <em>scheduled</em>
 * fire time (not "now"), so a late or misfired run, or a run on another cluster node, covers
 * exactly the same window.
 */
@DisallowConcurrentExecution
public final class WindowJob implements Job {
  static final String ENDPOINT = "endpoint";
  static final String START_OFFSET = "windowStart";
  static final String END_OFFSET = "windowEnd";
  static final String CRON = "cron";
  /** Scheduler-context key of the {@code Map<String, WindowRunner>} of this node. */
  static final String RUNNERS = "vigil.runners";

  private static final Logger log = LoggerFactory.getLogger(WindowJob.class);
  private static final Duration MAX_LOOKBACK = Duration.ofDays(400);

  /**
   * The latest cron time at or before {@code scheduled}. A normal fire is a cron time already;
   * a misfire handled by "fire once now" is scheduled at the recovery instant, and aligning it
   * keeps windows on the cron grid (the most recent missed window runs; older ones are backfilled
   * with {@code vigil monitor run-once}).
   */
  static Instant alignedFireTime(String cron, Instant scheduled) {
    if (cron == null) {
      return scheduled;
    }
    CronExpression c;
    try {
      c = new CronExpression(cron);
    } catch (java.text.ParseException e) {
      return scheduled;
    }
    c.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
    // Cron times are whole seconds; isSatisfiedBy ignores the fraction, so drop it first.
    Instant whole = scheduled.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Date target = Date.from(whole);
    if (c.isSatisfiedBy(target)) {
      return whole;
    }
    // Find some cron time <= scheduled by looking back exponentially, then walk forward.
    Date candidate = null;
    for (Duration d = Duration.ofSeconds(1); d.compareTo(MAX_LOOKBACK) <= 0; d = d.multipliedBy(2)) {
      Date t = c.getTimeAfter(Date.from(scheduled.minus(d)));
      if (t != null && !t.after(target)) {
        candidate = t;
        break;
      }
    }
    if (candidate == null) {
      return scheduled;
    }
    for (Date next = c.getTimeAfter(candidate); next != null && !next.after(target); next = c.getTimeAfter(next)) {
      candidate = next;
    }
    return candidate.toInstant();
  }

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    String endpoint = context.getMergedJobDataMap().getString(ENDPOINT);
    Duration start = Duration.parse(context.getMergedJobDataMap().getString(START_OFFSET));
    Duration end = Duration.parse(context.getMergedJobDataMap().getString(END_OFFSET));
    Instant fire = alignedFireTime(context.getMergedJobDataMap().getString(CRON),
        context.getScheduledFireTime().toInstant());
    Window window = new Window(fire.plus(start), fire.plus(end));
    WindowRunner runner;
    try {
      @SuppressWarnings("unchecked")
      Map<String, WindowRunner> runners = (Map<String, WindowRunner>) context.getScheduler().getContext().get(RUNNERS);
      runner = runners == null ? null : runners.get(endpoint);
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    if (runner == null) {
      log.warn("no monitor for endpoint {} on this node (config differs between replicas?); window {} skipped",
          endpoint, window);
      return;
    }
    try {
      runner.run(endpoint, window);
    } catch (Exception e) {
      // Logged, not rethrown as refire: the next fire is the retry; `vigil monitor run-once` backfills.
      log.error("monitor run for endpoint {} window {} failed: {}", endpoint, window, e.toString(), e);
    }
  }
}
