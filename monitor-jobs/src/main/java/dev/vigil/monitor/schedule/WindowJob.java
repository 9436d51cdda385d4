package dev.vigil.monitor.schedule;

import dev.vigil.monitor.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.quartz.CronExpression;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job: one per endpoint. Thin on purpose: it turns the fire into a window and hands it
 * to the node's {@link WindowRunner}. The window derives from the trigger's <em>scheduled</em>
 * fire time (not "now"), so a late or misfired run, or a run on another cluster node, covers
 * exactly the same window.
 *
 * <p><b>Exactly once.</b> A window whose report was published whole ({@link WindowRunner#reported})
 * is not run again: a recovered fire (the replica running it died: Quartz reruns it elsewhere with
 * the original fire time) or a repeated one costs one look-up.
 *
 * <p><b>Backfill.</b> Before its own window, a run checks the windows of earlier cron times that
 * have no report, newest back to the last reported one, never before the schedule's first fire
 * and at most {@code monitor.backfill.maxWindows}; it runs them oldest first, each marked as a
 * backfill. A window whose run failed is retried this way by the next fire.
 */
@DisallowConcurrentExecution
public final class WindowJob implements Job {
  static final String ENDPOINT = "endpoint";
  static final String START_OFFSET = "windowStart";
  static final String END_OFFSET = "windowEnd";
  static final String CRON = "cron";
  /** Job-data key of {@code monitor.backfill.maxWindows} (a string: the JDBC store keeps properties). */
  static final String BACKFILL = "backfillMaxWindows";
  /** Scheduler-context key of the {@code Map<String, WindowRunner>} of this node. */
  static final String RUNNERS = "vigil.runners";

  private static final Logger log = LoggerFactory.getLogger(WindowJob.class);
  private static final Duration MAX_LOOKBACK = Duration.ofDays(400);

  /**
   * The latest cron time at or before {@code scheduled}. A normal fire is a cron time already;
   * a misfire handled by "fire once now" is scheduled at the recovery instant, and aligning it
   * keeps windows on the cron grid (the most recent missed window runs; older ones are backfilled
   * first, see {@link #missedFireTimes}).
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
    JobDataMap data = context.getMergedJobDataMap();
    String endpoint = data.getString(ENDPOINT);
    String cron = data.getString(CRON);
    Duration start = Duration.parse(data.getString(START_OFFSET));
    Duration end = Duration.parse(data.getString(END_OFFSET));
    Instant fire = alignedFireTime(cron, scheduledFireTime(context));
    Window window = new Window(fire.plus(start), fire.plus(end));
    WindowRunner runner;
    Instant firstFire;
    try {
      @SuppressWarnings("unchecked")
      Map<String, WindowRunner> runners = (Map<String, WindowRunner>) context.getScheduler().getContext().get(RUNNERS);
      runner = runners == null ? null : runners.get(endpoint);
      Trigger own = context.getScheduler().getTrigger(TriggerKey.triggerKey(endpoint, MonitorScheduler.GROUP));
      firstFire = own == null ? fire : own.getStartTime().toInstant();
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    if (runner == null) {
      log.warn("no monitor for endpoint {} on this node (config differs between replicas?); window {} skipped",
          endpoint, window);
      return;
    }
    if (context.isRecovering()) {
      log.info("rerunning endpoint {} window {}: the replica that started it died (recovery)", endpoint, window);
    }
    String maxText = data.getString(BACKFILL);
    int max = maxText == null ? 0 : Integer.parseInt(maxText);
    for (Instant missed : missedFireTimes(cron, fire, firstFire, max,
        t -> runner.reported(endpoint, new Window(t.plus(start), t.plus(end))))) {
      runOnce(runner, endpoint, new Window(missed.plus(start), missed.plus(end)), true);
    }
    runOnce(runner, endpoint, window, false);
  }

  /**
   * The fire time this run stands for: the trigger's scheduled time, or for a recovery run (the
   * replica that fired it died) the original trigger's.
   */
  private static Instant scheduledFireTime(JobExecutionContext context) {
    if (context.isRecovering()) {
      String original = context.getMergedJobDataMap()
          .getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
      if (original != null) {
        return Instant.ofEpochMilli(Long.parseLong(original));
      }
    }
    return context.getScheduledFireTime().toInstant();
  }

  /** Runs a window unless its report was published before (a recovered or repeated fire). */
  private static void runOnce(WindowRunner runner, String endpoint, Window window, boolean backfill) {
    try {
      if (runner.reported(endpoint, window)) {
        log.info("endpoint {} window {} was reported already; not running it again", endpoint, window);
        return;
      }
    } catch (Exception e) {
      log.warn("cannot tell whether endpoint {} window {} was reported ({}); running it", endpoint, window, e.toString());
    }
    log.info("monitor run of endpoint {} window {}{} starting", endpoint, window, backfill ? " (backfill)" : "");
    try {
      runner.run(endpoint, window, backfill);
    } catch (Exception e) {
      // Logged, not rethrown as refire: the next fire sees no report and backfills it.
      log.error("monitor run for endpoint {} window {} failed: {}", endpoint, window, e.toString(), e);
    }
  }

  /** Whether a window (by its fire time) was reported; may fail. */
  @FunctionalInterface
  interface Reported {
    boolean test(Instant fireTime) throws Exception;
  }

  /**
   * The fire times before {@code fire} whose windows were missed, oldest first: walking back from
   * {@code fire}, every cron time not yet reported, stopping at the first reported one, at the
   * schedule's first fire ({@code firstFire}: nothing before the monitor was set up is "missed")
   * or after {@code max} windows. When the question cannot be answered, nothing is backfilled.
   */
  static List<Instant> missedFireTimes(String cron, Instant fire, Instant firstFire, int max, Reported reported) {
    List<Instant> missed = new ArrayList<>();
    Instant t = fire;
    while (missed.size() < max) {
      Instant previous = previousFireTime(cron, t);
      if (previous == null || previous.isBefore(firstFire.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
        break;
      }
      try {
        if (reported.test(previous)) {
          break;
        }
      } catch (Exception e) {
        log.warn("cannot look for windows missed before {} ({}); no backfill this time", fire, e.toString());
        return List.of();
      }
      missed.add(previous);
      t = previous;
    }
    Collections.reverse(missed);
    return missed;
  }

  /** The cron time strictly before {@code t}, or null when there is none (or no cron). */
  static Instant previousFireTime(String cron, Instant t) {
    if (cron == null) {
      return null;
    }
    Instant candidate = alignedFireTime(cron, t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(1));
    try {
      CronExpression c = new CronExpression(cron);
      c.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
      return c.isSatisfiedBy(Date.from(candidate)) && candidate.isBefore(t) ? candidate : null;
    } catch (java.text.ParseException e) {
      return null;
    }
  }
}
