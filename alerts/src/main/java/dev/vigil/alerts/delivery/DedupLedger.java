package dev.vigil.alerts.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.ViolationLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a window's violations are news, and remembers what was sent (persisted as JSON).
 *
 * <p>Per (endpoint, violation type) it keeps the violation last sent, when, and whether it is still
 * active. A violation is news when it was never sent, had cleared since, was last sent a cool-down
 * or longer ago, or got worse: its value rose by at least {@code worseMargin} (absolute, in the
 * violation's own units, as {@code alerts.worseMargin} documents; every metric is a maximum), or
 * its severity rose. A window with any
 * news is sent whole; otherwise it is suppressed. A clean window after active violations is a
 * "resolved" notice.
 *
 * <p>Persisted to {@code dedup.json} in the outbox (one replica), or held in memory for one
 * transaction of {@link JdbcAlertState} (replicas sharing PostgreSQL), which loads an endpoint's
 * entries, decides and saves them back under a lock.
 *
 * <p>Not thread-safe: owned by the dispatcher's thread.
 */
final class DedupLedger {
  private static final Logger log = LoggerFactory.getLogger(DedupLedger.class);

  /** What was last sent for one (endpoint, violation type). */
  record Entry(String endpoint, ViolationLine line, long lastSentAt, boolean active) {}

  enum Outcome {
    SEND,
    RESOLVED,
    SUPPRESSED,
    NOTHING
  }

  /** The verdict on one window; {@link #commit} applies it. */
  record Decision(Outcome outcome, AlertContent content, List<ViolationLine> fresh, List<ViolationLine> cleared) {}

  private final Path file;
  private final Duration coolDown;
  private final double worseMargin;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private DedupLedger(Path file, Duration coolDown, double worseMargin) {
    this.file = file;
    this.coolDown = coolDown;
    this.worseMargin = worseMargin;
  }

  /** A ledger over {@code entries} that persists nothing itself (the caller saves {@link #entriesFor}). */
  static DedupLedger inMemory(Duration coolDown, double worseMargin, List<Entry> entries) {
    DedupLedger ledger = new DedupLedger(null, coolDown, worseMargin);
    for (Entry e : entries) {
      ledger.entries.put(key(e.endpoint(), e.line()), e);
    }
    return ledger;
  }

  /** The entries of one endpoint, for a shared store to save after {@link #commit}. */
  List<Entry> entriesFor(String endpoint) {
    return entries.values().stream().filter(e -> e.endpoint().equals(endpoint)).toList();
  }

  static DedupLedger open(Path file, Duration coolDown, double worseMargin) throws IOException {
    DedupLedger ledger = new DedupLedger(file, coolDown, worseMargin);
    if (Files.exists(file)) {
      try {
        List<Entry> loaded = ledger.json.readValue(file.toFile(), new TypeReference<List<Entry>>() {});
        for (Entry e : loaded) {
          ledger.entries.put(key(e.endpoint(), e.line()), e);
        }
      } catch (IOException e) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        Files.move(file, aside);
        log.error("Dedup state {} is unreadable ({}); moved to {} and starting empty: alerts in their "
            + "cool-down may be sent once more", file, e.getMessage(), aside);
      }
    }
    return ledger;
  }

  Decision evaluate(AlertContent content, Instant now) {
    String endpoint = content.endpoint();
    if (content.violations().isEmpty()) {
      List<ViolationLine> active = activeFor(endpoint);
      return new Decision(active.isEmpty() ? Outcome.NOTHING : Outcome.RESOLVED, content, List.of(), active);
    }
    List<ViolationLine> fresh = new ArrayList<>();
    for (ViolationLine v : content.violations()) {
      Entry prev = entries.get(key(endpoint, v));
      if (prev == null
          || !prev.active()
          || !now.isBefore(Instant.ofEpochMilli(prev.lastSentAt()).plus(coolDown))
          || worse(v, prev.line())) {
        fresh.add(v);
      }
    }
    List<ViolationLine> cleared = new ArrayList<>();
    for (ViolationLine a : activeFor(endpoint)) {
      boolean still = content.violations().stream().anyMatch(v -> v.type().equals(a.type()));
      if (!still) {
        cleared.add(a);
      }
    }
    return new Decision(fresh.isEmpty() ? Outcome.SUPPRESSED : Outcome.SEND, content, fresh, cleared);
  }

  /** Applies a decision whose notification is now safely in the outbox, and persists. */
  void commit(Decision d, Instant now) throws IOException {
    String endpoint = d.content().endpoint();
    for (ViolationLine v : d.fresh()) {
      entries.put(key(endpoint, v), new Entry(endpoint, v, now.toEpochMilli(), true));
    }
    for (ViolationLine c : d.cleared()) {
      Entry prev = entries.get(key(endpoint, c));
      if (prev != null) {
        entries.put(key(endpoint, c), new Entry(endpoint, prev.line(), prev.lastSentAt(), false));
      }
    }
    if (file == null) {
      return; // in memory: the shared store saves entriesFor(endpoint) in its transaction
    }
    Outbox.writeAtomically(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(List.copyOf(entries.values())));
  }

  private boolean worse(ViolationLine now, ViolationLine sent) {
    return now.severity().compareTo(sent.severity()) > 0 || now.value() - sent.value() >= worseMargin - 1e-12;
  }

  private List<ViolationLine> activeFor(String endpoint) {
    List<ViolationLine> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.active() && e.endpoint().equals(endpoint)) {
        out.add(e.line());
      }
    }
    return out;
  }

  private static String key(String endpoint, ViolationLine v) {
    return endpoint + '\u0000' + v.type();
  }
}
