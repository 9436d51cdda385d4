package dev.vigil.monitor.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts a window's unreadable outputs by reason and keeps one example per reason, in bounded
 * memory: at most {@value #MAX_REASONS} distinct reasons, later ones are counted under {@value
 * #OTHER}. The example of a reason is its record with the smallest eventId, so merging readers
 * in any order gives the same result. Not thread-safe: one per reading thread, combined with
 * {@link #merge}.
 */
final class UnreadableOutputs {
  static final int MAX_REASONS = 32;
  static final String OTHER = "other reasons";

  private final Map<String, Entry> byReason = new HashMap<>();

  private static final class Entry {
    long count;
    String detail;
    String eventId;
    String body;
  }

  void add(String reason, String detail, String eventId, String exampleBody) {
    add(reason, 1, detail, eventId, exampleBody);
  }

  private void add(String reason, long count, String detail, String eventId, String exampleBody) {
    String key = byReason.containsKey(reason) || byReason.size() < MAX_REASONS - 1 ? reason : OTHER;
    Entry e = byReason.computeIfAbsent(key, k -> new Entry());
    e.count += count;
    String id = eventId == null ? "" : eventId;
    if (e.detail == null || id.compareTo(e.eventId) < 0) {
      e.detail = detail;
      e.eventId = id;
      e.body = exampleBody;
    }
  }

  void merge(UnreadableOutputs other) {
    other.byReason.forEach((reason, e) -> add(reason, e.count, e.detail, e.eventId, e.body));
  }

  /** Most frequent first; ties by reason. */
  List<UnreadableOutput> snapshot() {
    List<UnreadableOutput> out = new ArrayList<>();
    byReason.forEach((r, e) -> out.add(new UnreadableOutput(r, e.count, e.detail,
        e.eventId.isEmpty() ? null : e.eventId, e.body)));
    out.sort(Comparator.comparingLong(UnreadableOutput::count).reversed().thenComparing(UnreadableOutput::reason));
    return List.copyOf(out);
  }
}
