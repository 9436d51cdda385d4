package dev.vigil.alerts.delivery;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.ViolationLine;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decided notification, handed to every channel to render.
 *
 * @param id stable id: the same window of the same endpoint always gets the same id, so a re-run
 *     or a restart can never produce a second message (it is also the Message-ID's local part)
 * @param kind an alert, or the notice that the endpoint's violations cleared
 * @param content the window's content (no violations for {@link Kind#RESOLVED})
 * @param cleared for {@link Kind#RESOLVED}: the violations that were active and have cleared
 * @param createdAt when the dispatcher decided to send it
 */
public record Alert(String id, Kind kind, AlertContent content, List<ViolationLine> cleared, Instant createdAt) {

  /** What the notification says. */
  public enum Kind {
    ALERT,
    RESOLVED
  }

  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(createdAt, "createdAt");
    cleared = cleared == null ? List.of() : List.copyOf(cleared);
  }
}
