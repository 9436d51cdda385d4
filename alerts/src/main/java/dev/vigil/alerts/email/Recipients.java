package dev.vigil.alerts.email;

import dev.vigil.alerts.Severity;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who gets an endpoint's email: everyone in {@code all}, plus the endpoint's own list, plus the
 * lists of the severities involved (keys {@code critical}, {@code warning}).
 *
 * @param all {@code alerts.recipients}
 * @param byEndpoint {@code alerts.endpointRecipients}
 * @param bySeverity {@code alerts.severityRecipients}
 */
public record Recipients(List<String> all, Map<String, List<String>> byEndpoint, Map<String, List<String>> bySeverity) {

  public Recipients {
    all = all == null ? List.of() : List.copyOf(all);
    byEndpoint = byEndpoint == null ? Map.of() : Map.copyOf(byEndpoint);
    bySeverity = bySeverity == null ? Map.of() : Map.copyOf(bySeverity);
  }

  public static Recipients of(String... addresses) {
    return new Recipients(List.of(addresses), Map.of(), Map.of());
  }

  /** The addresses for this endpoint and severities, each once, in a stable order. */
  public List<String> resolve(String endpoint, Collection<Severity> severities) {
    Set<String> out = new LinkedHashSet<>(all);
    out.addAll(byEndpoint.getOrDefault(endpoint, List.of()));
    for (Severity s : severities) {
      out.addAll(bySeverity.getOrDefault(s.key(), List.of()));
    }
    return List.copyOf(out);
  }

  boolean isEmpty() {
    return all.isEmpty() && byEndpoint.values().stream().allMatch(List::isEmpty)
        && bySeverity.values().stream().allMatch(List::isEmpty);
  }
}
