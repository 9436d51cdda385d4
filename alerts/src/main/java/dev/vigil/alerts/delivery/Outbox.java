package dev.vigil.alerts.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent outbox: a directory of messages waiting for their server.
 *
 * <h2>Layout</h2>
 * <pre>
 *   pending/ID.payload   the rendered message (an .eml for email, JSON for the webhook)
 *   pending/ID.state     attempts, next attempt, last error (JSON); written LAST, so an entry
 *                        exists only once both files are complete
 *   sent/ID.state        what the server accepted, and when: an id found here is never sent again
 *   rejected/ID.*        what a server refused for good (kept for a human, never deleted)
 * </pre>
 *
 * <h2>Crash safety</h2>
 * Every file is written to a {@code .tmp} sibling, forced to disk and renamed atomically. Marking
 * an entry accepted writes {@code sent/ID.state} before deleting the pending files, so a crash in
 * between leaves both and {@link #open} finishes the job instead of sending again. The one window
 * that can still duplicate is a crash after the server accepted and before {@code sent/} is
 * written; the stable Message-ID lets the receiving side drop that copy.
 *
 * <p>Not thread-safe: owned by the dispatcher's thread, except {@link #pendingCount()}.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final String STATE = ".state";
  private static final String PAYLOAD = ".payload";

  /** One pending (or finished) message's bookkeeping; times are epoch milliseconds. */
  record Entry(
      String id,
      String alertId,
      String channel,
      long createdAt,
      int attempts,
      long nextAttemptAt,
      String lastError,
      long finishedAt,
      String serverReply) {

    Entry retried(Instant next, String error) {
      return new Entry(id, alertId, channel, createdAt, attempts + 1, next.toEpochMilli(), error, 0, null);
    }

    Entry finished(Instant at, String reply) {
      return new Entry(id, alertId, channel, createdAt, attempts + 1, nextAttemptAt, lastError, at.toEpochMilli(), reply);
    }
  }

  private final Path pending;
  private final Path sent;
  private final Path rejected;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final AtomicInteger pendingCount = new AtomicInteger();

  private Outbox(Path root) {
    this.pending = root.resolve("pending");
    this.sent = root.resolve("sent");
    this.rejected = root.resolve("rejected");
  }

  /** Opens (creating if needed) the outbox under {@code root} and recovers from a crash. */
  static Outbox open(Path root) throws IOException {
    Outbox outbox = new Outbox(root);
    outbox.recover();
    return outbox;
  }

  private void recover() throws IOException {
    for (Path dir : List.of(pending, sent, rejected)) {
      Files.createDirectories(dir);
      for (Path tmp : list(dir, "*.tmp")) {
        Files.deleteIfExists(tmp); // never renamed into place: its write did not complete
      }
    }
    for (Path stateFile : list(pending, "*" + STATE)) {
      String id = idOf(stateFile, STATE);
      Path payload = pending.resolve(id + PAYLOAD);
      if (Files.exists(sent.resolve(id + STATE))) {
        // Crashed while marking it accepted: the server has it, finish the bookkeeping.
        Files.deleteIfExists(payload);
        Files.deleteIfExists(stateFile);
        continue;
      }
      if (Files.exists(rejected.resolve(id + STATE))) {
        if (Files.exists(payload)) {
          move(payload, rejected.resolve(id + PAYLOAD));
        }
        Files.deleteIfExists(stateFile);
        continue;
      }
      Entry entry;
      try {
        entry = json.readValue(stateFile.toFile(), Entry.class);
      } catch (IOException e) {
        Path corrupt = rejected.resolve(id + STATE + ".corrupt");
        log.error("Outbox state file {} is unreadable ({}); moved to {} with its payload; inspect and re-queue by hand",
            stateFile, e.getMessage(), corrupt);
        move(stateFile, corrupt);
        if (Files.exists(payload)) {
          move(payload, rejected.resolve(id + PAYLOAD));
        }
        continue;
      }
      if (!Files.exists(payload)) {
        log.error("Outbox entry {} has a state file but no payload; moved the state to {}", id, rejected);
        move(stateFile, rejected.resolve(id + STATE + ".orphan"));
        continue;
      }
      entries.put(id, entry);
    }
    for (Path payload : list(pending, "*" + PAYLOAD)) {
      String id = idOf(payload, PAYLOAD);
      if (!entries.containsKey(id)) {
        // Payload renamed into place but its state never was: the add did not complete.
        log.warn("Outbox payload {} has no state file (interrupted write); deleting it", payload);
        Files.deleteIfExists(payload);
      }
    }
    pendingCount.set(entries.size());
    if (!entries.isEmpty()) {
      log.info("Outbox {} holds {} pending message(s) from an earlier run", pending.getParent(), entries.size());
    }
  }

  /** Whether this id was ever added: pending, accepted or rejected. */
  boolean known(String id) {
    return entries.containsKey(id)
        || Files.exists(sent.resolve(id + STATE))
        || Files.exists(rejected.resolve(id + STATE));
  }

  /** Whether the server accepted this id. */
  boolean accepted(String id) {
    return Files.exists(sent.resolve(id + STATE));
  }

  /** Stores a new message, due now. Durable when this returns. */
  void add(String id, String alertId, String channel, byte[] payload, Instant now) throws IOException {
    if (known(id)) {
      throw new IllegalStateException("outbox already holds " + id);
    }
    Entry entry = new Entry(id, alertId, channel, now.toEpochMilli(), 0, now.toEpochMilli(), null, 0, null);
    writeAtomically(pending.resolve(id + PAYLOAD), payload);
    writeAtomically(pending.resolve(id + STATE), json.writeValueAsBytes(entry));
    entries.put(id, entry);
    pendingCount.set(entries.size());
  }

  /** Pending entries whose next attempt is due, oldest first. */
  List<Entry> due(Instant now) {
    long t = now.toEpochMilli();
    List<Entry> due = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.nextAttemptAt() <= t) {
        due.add(e);
      }
    }
    due.sort(Comparator.comparingLong(Entry::createdAt).thenComparing(Entry::id));
    return due;
  }

  byte[] payload(Entry entry) throws IOException {
    return Files.readAllBytes(pending.resolve(entry.id() + PAYLOAD));
  }

  /** Records that the server accepted it; it will never be sent again. */
  void markAccepted(Entry entry, Instant now, String reply) throws IOException {
    writeAtomically(sent.resolve(entry.id() + STATE), json.writeValueAsBytes(entry.finished(now, reply)));
    Files.deleteIfExists(pending.resolve(entry.id() + STATE));
    Files.deleteIfExists(pending.resolve(entry.id() + PAYLOAD));
    entries.remove(entry.id());
    pendingCount.set(entries.size());
  }

  /** Records a failed attempt and when to try again. */
  Entry markRetry(Entry entry, Instant next, String error) throws IOException {
    Entry updated = entry.retried(next, error);
    entries.put(entry.id(), updated); // in memory first: a failing disk must not make it due again at once
    writeAtomically(pending.resolve(entry.id() + STATE), json.writeValueAsBytes(updated));
    return updated;
  }

  /** Moves a permanently refused message to {@code rejected/}. */
  void markRejected(Entry entry, Instant now, String reply) throws IOException {
    writeAtomically(rejected.resolve(entry.id() + STATE), json.writeValueAsBytes(entry.finished(now, reply)));
    move(pending.resolve(entry.id() + PAYLOAD), rejected.resolve(entry.id() + PAYLOAD));
    Files.deleteIfExists(pending.resolve(entry.id() + STATE));
    entries.remove(entry.id());
    pendingCount.set(entries.size());
  }

  /** Ids of the pending messages. */
  List<String> pendingIds() {
    return List.copyOf(entries.keySet());
  }

  /** Pending messages; safe from any thread. */
  int pendingCount() {
    return pendingCount.get();
  }

  /** Earliest next attempt among pending entries, or null when none. */
  Instant nextDue() {
    return entries.values().stream()
        .map(e -> Instant.ofEpochMilli(e.nextAttemptAt()))
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    move(tmp, target);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static List<Path> list(Path dir, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(out::add);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static String idOf(Path file, String suffix) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - suffix.length());
  }
}
