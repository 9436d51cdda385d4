package dev.vigil.faults.monitor;

import dev.vigil.faults.ChildJvm;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the monitor processes did, read from their logs: every published window report is one
 * {@code WindowMonitor} line ({@code endpoint E window START/END[ (backfill)]: N predictions, V
 * violations ...}), written after the report reached S3, so a window reported twice shows up
 * twice whichever replica ran it.
 */
final class MonitorRuns {
  private static final Pattern DONE = Pattern.compile(
      "endpoint (\\S+) window (\\S+)/(\\S+?)( \\(backfill\\))?: (\\d+) predictions, (\\d+) violations");
  private static final Pattern STARTING = Pattern.compile("monitor run of endpoint (\\S+) window (\\S+)/(\\S+?)( \\(backfill\\))? starting");

  /** One published report. */
  record Run(String replica, Instant start, Instant end, boolean backfill, long predictions, int violations) {}

  private MonitorRuns() {}

  /** Every report of {@code endpoint} the replicas logged, in log order per replica. */
  static List<Run> of(String endpoint, ChildJvm... replicas) throws IOException {
    List<Run> out = new ArrayList<>();
    for (ChildJvm replica : replicas) {
      for (String line : replica.lines()) {
        Matcher m = DONE.matcher(line);
        if (m.find() && m.group(1).equals(endpoint)) {
          out.add(new Run(replicaName(replica), Instant.parse(m.group(2)), Instant.parse(m.group(3)), m.group(4) != null,
              Long.parseLong(m.group(5)), Integer.parseInt(m.group(6))));
        }
      }
    }
    return out;
  }

  /** The window start of the first "starting" line at or after line {@code from} of {@code replica}, or null. */
  static Instant startingAfter(ChildJvm replica, String endpoint, int from) throws IOException {
    List<String> lines = replica.lines();
    for (int i = from; i < lines.size(); i++) {
      Matcher m = STARTING.matcher(lines.get(i));
      if (m.find() && m.group(1).equals(endpoint)) {
        return Instant.parse(m.group(2));
      }
    }
    return null;
  }

  /** Reports per window start, in time order. */
  static Map<Instant, Integer> perWindow(List<Run> runs) {
    Map<Instant, Integer> out = new TreeMap<>();
    for (Run r : runs) {
      out.merge(r.start(), 1, Integer::sum);
    }
    return out;
  }

  /** Reports beyond the first of each window. */
  static int duplicates(List<Run> runs) {
    return runs.size() - perWindow(runs).size();
  }

  /**
   * Window starts on the cron grid ({@code step} apart) between the first and the last reported
   * window that have no report: windows lost.
   */
  static List<Instant> gaps(List<Run> runs, Duration step) {
    List<Instant> starts = new ArrayList<>(perWindow(runs).keySet());
    List<Instant> missing = new ArrayList<>();
    if (starts.isEmpty()) {
      return missing;
    }
    for (Instant t = starts.get(0); t.isBefore(starts.get(starts.size() - 1)); t = t.plus(step)) {
      if (!starts.contains(t)) {
        missing.add(t);
      }
    }
    return missing;
  }

  /** Reports per replica, for the figures. */
  static Map<String, Integer> perReplica(List<Run> runs) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Run r : runs) {
      out.merge(r.replica(), 1, Integer::sum);
    }
    return out;
  }

  private static String replicaName(ChildJvm replica) {
    String file = replica.log().getFileName().toString();
    return file.substring(0, file.length() - ".log".length());
  }
}
