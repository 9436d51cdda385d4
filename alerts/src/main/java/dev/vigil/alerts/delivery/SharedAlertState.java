package dev.vigil.alerts.delivery;

import dev.vigil.alerts.AlertContent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The alert state every monitor replica shares: the {@link DedupLedger} entries per endpoint and a
 * claim per message. {@link AlertDispatcher} decides and claims through it; its outbox still does
 * the sending. Two stores, chosen by the job store: {@link JdbcAlertState} (PostgreSQL, with
 * {@code monitor.jobStore: jdbc}) and {@link S3AlertState} (the reports bucket, with conditional
 * writes, otherwise).
 *
 * <p>Both keep the same invariants, stated in full on {@link JdbcAlertState}: an endpoint's ledger
 * is judged and written back atomically; an alert id claimed before sends nothing; a claim is its
 * maker's until sent, refreshed while it waits, and taken over by exactly one other replica after
 * the lease. Delivery is at least once with the alert id as Message-ID.
 *
 * <p>Thread confinement: every method runs on the dispatcher's alerts thread, which also closes it.
 */
public sealed interface SharedAlertState extends AutoCloseable permits JdbcAlertState, S3AlertState {

  /** A claim whose owner has not refreshed it for this long is taken over by another replica. */
  Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(2);

  /**
   * The replica's name in claims: {@code configured} ({@code monitor.jobStore.instanceId}), or for
   * {@code AUTO}, blank or null one made of the host name, the process id and a random suffix.
   */
  static String instanceName(String configured) {
    if (configured != null && !configured.isBlank() && !configured.equals("AUTO")) {
      return configured;
    }
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      host = "host";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }
  /**
   * Sent claims are forgotten after this: a window judged again later than that (a manual
   * {@code run-once} of an old window) may alert again.
   */
  Duration CLAIM_RETENTION = Duration.ofDays(30);

  /** What one window's content came to, decided against the shared ledger. */
  record Decided(DedupLedger.Outcome outcome, Alert alert, List<Claim> claims) {}

  /** One message to deliver: its outbox entry id, the alert and channel, the rendered payload. */
  record Claim(String entryId, String alertId, String channel, byte[] payload) {}

  /** Who, if anyone else, is responsible for a message now. */
  enum Ownership {
    /** This replica holds the claim (or there is none: a message from before shared state). */
    MINE,
    /** Sent already, by this replica or another. */
    SENT,
    /** Taken over by another replica after this one's lease ran out. */
    TAKEN_OVER
  }

  /** The store could not be read or written (or, for S3, kept changing under every retry). */
  final class StateException extends Exception {
    public StateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** This replica's name in claims. */
  String instance();

  /**
   * Decides on {@code content} against the shared ledger and, when it is news, claims its
   * messages, atomically with the ledger's update.
   *
   * @param render the payloads of an alert, per channel (absent channels render nothing); a
   *     failure leaves the ledger and the claims untouched
   * @return the outcome; {@link DedupLedger.Outcome#NOTHING} also when this alert was claimed
   *     before (the window was judged already, by this replica or another)
   */
  Decided decide(AlertContent content, Instant now, Duration coolDown, double worseMargin,
      Function<Alert, Map<String, byte[]>> render) throws StateException;

  /** Whether this replica should still send the message {@code entryId}. */
  Ownership ownership(String entryId) throws StateException;

  /** Records that a server accepted (or refused for good) the message: nobody sends it again. */
  void markSent(String entryId, Instant now) throws StateException;

  /** Refreshes this replica's unsent claims that wait in its outbox ({@code pendingIds}). */
  void heartbeat(Instant now, List<String> pendingIds) throws StateException;

  /**
   * Takes over the unsent claims nobody refreshed for a lease, each won by exactly one replica, and
   * forgets sent claims older than {@link #CLAIM_RETENTION}.
   */
  List<Claim> takeOverStale(Instant now) throws StateException;

  @Override
  void close();
}
