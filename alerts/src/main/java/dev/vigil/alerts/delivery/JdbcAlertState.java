package dev.vigil.alerts.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alerts.AlertContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert state shared by every monitor replica, in the PostgreSQL database that already holds the
 * clustered Quartz job store ({@code monitor.jobStore: jdbc}).
 *
 * <h2>Why</h2>
 * Quartz hands each window to whichever replica is free, so the cool-down and the "resolved"
 * state cannot live in one replica's outbox: a replica would re-send what the other's cool-down
 * suppresses, and each would send its own resolved notice (or none).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code vigil_alert_ledger}: one row per (endpoint, violation type), the {@link DedupLedger}
 *       entry. An endpoint's rows are read, judged and written back in one transaction holding a
 *       PostgreSQL advisory lock on the endpoint, so two replicas never decide on stale state.
 *   <li>{@code vigil_alert_claims}: one row per message (alert id + channel, the primary key),
 *       written in the same transaction as the ledger, with the rendered payload. The alert id is a
 *       hash of window, endpoint, kind and violation types, so a window judged twice (a re-run, a
 *       recovered job) finds its claim and sends nothing new.
 *   <li>A claim is owned by the replica that made it until {@code sent_at} is set. Its owner
 *       refreshes {@code claimed_at} while the message waits in its outbox; a claim not refreshed
 *       for a lease is taken over (compare-and-set on {@code claimed_at}) by another replica,
 *       which delivers the stored payload.
 * </ul>
 *
 * <h2>Delivery guarantee: at least once, idempotent</h2>
 * A replica that dies between claim and send loses nothing: its claim is taken over after the
 * lease. A replica that only stalled (long GC, network partition) past the lease may send too;
 * both copies carry the same Message-ID (the alert id), so mail systems and readers that
 * de-duplicate by Message-ID show one. Before each attempt a replica checks it still owns the
 * claim, which closes that window to a send already in flight. We chose this over at-most-once
 * (claim, then never retry on another replica) because a lost alert is worse than a duplicate.
 *
 * <p>Thread confinement: every method runs on the dispatcher's alerts thread; the one connection
 * is reopened after any SQL failure.
 */
public final class JdbcAlertState implements SharedAlertState {
  private static final Logger log = LoggerFactory.getLogger(JdbcAlertState.class);

  /** Namespace of the per-endpoint advisory locks (high 16 bits), apart from Quartz's schema lock. */
  private static final long LOCK_NAMESPACE = 0x5641L << 48; // "VA"
  private static final long SCHEMA_LOCK = LOCK_NAMESPACE | 0xFFFF_FFFFL;

  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE IF NOT EXISTS vigil_alert_ledger (endpoint TEXT NOT NULL, violation TEXT NOT NULL,"
          + " entry TEXT NOT NULL, PRIMARY KEY (endpoint, violation))",
      "CREATE TABLE IF NOT EXISTS vigil_alert_claims (entry_id TEXT PRIMARY KEY, alert_id TEXT NOT NULL,"
          + " channel TEXT NOT NULL, endpoint TEXT NOT NULL, payload BYTEA NOT NULL, claimed_by TEXT NOT NULL,"
          + " claimed_at BIGINT NOT NULL, created_at BIGINT NOT NULL, sent_at BIGINT, sent_by TEXT)",
      "CREATE INDEX IF NOT EXISTS vigil_alert_claims_unsent ON vigil_alert_claims (claimed_at) WHERE sent_at IS NULL");

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String instance;
  private final Duration lease;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private Connection connection; // alerts thread

  private JdbcAlertState(String jdbcUrl, String user, String password, String instance, Duration lease) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.instance = instance;
    this.lease = lease;
  }

  /**
   * Connects and creates the two tables when absent.
   *
   * @param instance this replica's name in claims (unique per replica), or null for host + random
   * @param lease how long a claim may go unrefreshed before another replica takes it over
   * @throws SQLException when the database is unreachable or refuses; the message says which setting to check
   */
  public static JdbcAlertState open(String jdbcUrl, String user, String password, String instance, Duration lease)
      throws SQLException {
    if (lease == null || lease.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("claim lease must be >= 1s but was " + lease);
    }
    JdbcAlertState state = new JdbcAlertState(jdbcUrl, user, password,
        SharedAlertState.instanceName(instance), lease);
    try {
      Connection c = state.connection();
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        for (String sql : SCHEMA) {
          st.execute(sql);
        }
      }
      c.commit();
    } catch (SQLException e) {
      state.close();
      throw new SQLException("cannot prepare the shared alert tables at " + jdbcUrl + ": " + e.getMessage()
          + " (check monitor.jobStore.jdbcUrl, user and password, and that the user may create tables)", e);
    }
    return state;
  }

  /** This replica's name in {@code claimed_by}. */
  @Override
  public String instance() {
    return instance;
  }

  /**
   * Decides on {@code content} against the shared ledger and, when it is news, claims its
   * messages, all in one transaction under the endpoint's lock.
   *
   * @param render the payloads of an alert, per channel (absent channels render nothing); runs
   *     inside the transaction, so a failure leaves the ledger and the claims untouched
   * @return the outcome; {@link DedupLedger.Outcome#NOTHING} also when this alert was claimed
   *     before (the window was judged already, by this replica or another)
   */
  @Override
  public Decided decide(AlertContent content, Instant now, Duration coolDown, double worseMargin,
      Function<Alert, Map<String, byte[]>> render) throws StateException {
    try {
      Connection c = connection();
      String endpoint = content.endpoint();
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, LOCK_NAMESPACE | (endpoint.hashCode() & 0xFFFF_FFFFL));
        lock.execute();
      }
      DedupLedger ledger = DedupLedger.inMemory(coolDown, worseMargin, load(c, endpoint));
      DedupLedger.Decision d = ledger.evaluate(content, now);
      List<Claim> claims = new ArrayList<>();
      Alert alert = null;
      DedupLedger.Outcome outcome = d.outcome();
      if (outcome == DedupLedger.Outcome.SEND || outcome == DedupLedger.Outcome.RESOLVED) {
        Alert.Kind kind = outcome == DedupLedger.Outcome.RESOLVED ? Alert.Kind.RESOLVED : Alert.Kind.ALERT;
        alert = new Alert(AlertDispatcher.alertId(kind, content), kind, content, d.cleared(), now);
        if (claimed(c, alert.id())) {
          c.rollback();
          log.info("Alert {} of endpoint {} window {}..{} was claimed before (window judged again); not sending it twice",
              alert.id(), endpoint, content.windowStart(), content.windowEnd());
          return new Decided(DedupLedger.Outcome.NOTHING, alert, List.of());
        }
        for (Map.Entry<String, byte[]> e : render.apply(alert).entrySet()) {
          claims.add(new Claim(alert.id() + "." + e.getKey(), alert.id(), e.getKey(), e.getValue()));
        }
        insertClaims(c, endpoint, claims, now);
      }
      if (outcome != DedupLedger.Outcome.NOTHING) {
        ledger.commit(d, now);
        save(c, ledger.entriesFor(endpoint));
      }
      c.commit();
      return new Decided(outcome, alert, claims);
    } catch (SQLException | IOException | RuntimeException e) {
      broken();
      if (e instanceof SQLException sql) {
        throw unreachable(sql);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Whether this replica should still send the message {@code entryId}. */
  @Override
  public Ownership ownership(String entryId) throws StateException {
    try (PreparedStatement ps = connection().prepareStatement(
        "SELECT claimed_by, sent_at FROM vigil_alert_claims WHERE entry_id = ?")) {
      ps.setString(1, entryId);
      try (ResultSet rs = ps.executeQuery()) {
        connection.commit();
        if (!rs.next()) {
          return Ownership.MINE;
        }
        rs.getLong(2);
        if (!rs.wasNull()) {
          return Ownership.SENT;
        }
        return instance.equals(rs.getString(1)) ? Ownership.MINE : Ownership.TAKEN_OVER;
      }
    } catch (SQLException e) {
      broken();
      throw unreachable(e);
    }
  }

  /**
   * Records that a server accepted (or refused for good) the message: nobody sends it again. The
   * payload is dropped (an e-mail with heatmaps is megabytes); the row stays as the claim.
   */
  @Override
  public void markSent(String entryId, Instant now) throws StateException {
    update("UPDATE vigil_alert_claims SET sent_at = ?, sent_by = ?, payload = ''::bytea WHERE entry_id = ?"
        + " AND sent_at IS NULL", now.toEpochMilli(), instance, entryId);
  }

  /**
   * Refreshes this replica's unsent claims that wait in its outbox ({@code pendingIds}), so nobody
   * takes them over while it is alive; a claim it holds but lost locally is left to expire.
   */
  @Override
  public void heartbeat(Instant now, List<String> pendingIds) throws StateException {
    if (pendingIds.isEmpty()) {
      return;
    }
    try {
      heartbeat(connection(), now, pendingIds);
    } catch (SQLException e) {
      broken();
      throw unreachable(e);
    }
  }

  private void heartbeat(Connection c, Instant now, List<String> pendingIds) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE vigil_alert_claims SET claimed_at = ?"
        + " WHERE claimed_by = ? AND sent_at IS NULL AND entry_id = ANY (?)")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, instance);
      ps.setArray(3, c.createArrayOf("text", pendingIds.toArray()));
      ps.executeUpdate();
      c.commit();
    }
  }

  /**
   * Takes over the unsent claims nobody refreshed for a lease (their replica died between claim
   * and send, or lost the message locally), oldest first; each row is taken by compare-and-set on
   * its owner and {@code claimed_at}, so two replicas never both win it. Also deletes sent claims
   * older than {@link #CLAIM_RETENTION}.
   */
  @Override
  public List<Claim> takeOverStale(Instant now) throws StateException {
    List<Claim> taken = new ArrayList<>();
    try {
      Connection c = connection();
      try (PreparedStatement prune = c.prepareStatement(
          "DELETE FROM vigil_alert_claims WHERE sent_at IS NOT NULL AND sent_at < ?")) {
        prune.setLong(1, now.minus(CLAIM_RETENTION).toEpochMilli());
        prune.executeUpdate();
      }
      List<Object[]> stale = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT entry_id, claimed_by, claimed_at FROM vigil_alert_claims"
          + " WHERE sent_at IS NULL AND claimed_at < ? ORDER BY created_at, entry_id LIMIT 100")) {
        ps.setLong(1, now.minus(lease).toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            stale.add(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)});
          }
        }
      }
      c.commit();
      for (Object[] row : stale) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE vigil_alert_claims SET claimed_by = ?, claimed_at = ?"
            + " WHERE entry_id = ? AND claimed_by = ? AND claimed_at = ? AND sent_at IS NULL"
            + " RETURNING alert_id, channel, payload")) {
          ps.setString(1, instance);
          ps.setLong(2, now.toEpochMilli());
          ps.setString(3, (String) row[0]);
          ps.setString(4, (String) row[1]);
          ps.setLong(5, (Long) row[2]);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              taken.add(new Claim((String) row[0], rs.getString(1), rs.getString(2), rs.getBytes(3)));
              log.warn("Took over alert message {} from replica {}, silent for more than {}", row[0], row[1], lease);
            }
          }
        }
        c.commit();
      }
      return taken;
    } catch (SQLException e) {
      broken();
      throw unreachable(e);
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the alert-state connection: {}", e.toString());
      }
      connection = null;
    }
  }

  // ---------------------------------------------------------------- internals

  private List<DedupLedger.Entry> load(Connection c, String endpoint) throws SQLException, IOException {
    List<DedupLedger.Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT entry FROM vigil_alert_ledger WHERE endpoint = ?")) {
      ps.setString(1, endpoint);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(json.readValue(rs.getString(1), DedupLedger.Entry.class));
        }
      }
    }
    return out;
  }

  private void save(Connection c, List<DedupLedger.Entry> entries) throws SQLException, IOException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO vigil_alert_ledger (endpoint, violation, entry)"
        + " VALUES (?, ?, ?) ON CONFLICT (endpoint, violation) DO UPDATE SET entry = EXCLUDED.entry")) {
      for (DedupLedger.Entry e : entries) {
        ps.setString(1, e.endpoint());
        ps.setString(2, e.line().type());
        ps.setString(3, json.writeValueAsString(e));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static boolean claimed(Connection c, String alertId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM vigil_alert_claims WHERE alert_id = ? LIMIT 1")) {
      ps.setString(1, alertId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void insertClaims(Connection c, String endpoint, List<Claim> claims, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO vigil_alert_claims (entry_id, alert_id, channel,"
        + " endpoint, payload, claimed_by, claimed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Claim claim : claims) {
        ps.setString(1, claim.entryId());
        ps.setString(2, claim.alertId());
        ps.setString(3, claim.channel());
        ps.setString(4, endpoint);
        ps.setBytes(5, claim.payload());
        ps.setString(6, instance);
        ps.setLong(7, now.toEpochMilli());
        ps.setLong(8, now.toEpochMilli());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void update(String sql, long time, String text, String... more) throws StateException {
    try (PreparedStatement ps = connection().prepareStatement(sql)) {
      ps.setLong(1, time);
      ps.setString(2, text);
      for (int i = 0; i < more.length; i++) {
        ps.setString(3 + i, more[i]);
      }
      ps.executeUpdate();
      connection.commit();
    } catch (SQLException e) {
      broken();
      throw unreachable(e);
    }
  }

  private StateException unreachable(SQLException e) {
    return new StateException("PostgreSQL at " + jdbcUrl + ": " + e.getMessage(), e);
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection c = DriverManager.getConnection(jdbcUrl, user, password);
      c.setAutoCommit(false);
      connection = c;
    }
    return connection;
  }

  /** After a failure: roll back what can be, and reconnect next time (the server may have restarted). */
  private void broken() {
    if (connection != null) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is gone anyway
      }
    }
    close();
  }
}
