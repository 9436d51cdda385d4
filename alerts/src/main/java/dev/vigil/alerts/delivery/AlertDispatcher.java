package dev.vigil.alerts.delivery;

import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.ViolationLine;
import dev.vigil.alerts.report.ReportPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes monitoring results from any thread and delivers alerts on its own thread.
 *
 * <h2>Threads</h2>
 * {@link #offer} only puts the content on a bounded queue and returns; it never blocks, never
 * throws and never talks to a server, so a monitoring job is never slowed or failed by alerting.
 * One thread ({@code vigil-alerts}) owns everything else: the dedup ledger, the outbox, rendering
 * and sending. Fields marked "alerts thread" are only touched there.
 *
 * <h2>Delivery</h2>
 * For each content the thread publishes the HTML report (when a publisher is set), asks the
 * {@link DedupLedger} whether the content is news and, if so, renders one payload per channel
 * into the persistent {@link Outbox} (durable before the ledger records it as sent), then attempts
 * every due outbox entry. A failed attempt is counted ({@code alerts.send.failures}) and retried with exponential
 * backoff ({@code initialBackoff * 2^(attempts-1)}, capped at {@code maxBackoff}), across restarts
 * too: a new dispatcher over the same directory carries on where the old one stopped.
 *
 * <h2>Replicas</h2>
 * With a {@link SharedAlertState} ({@link Builder#sharedState}: PostgreSQL or S3), the dedup
 * decision is taken against the state all replicas share, and each message is claimed there, with
 * its payload, atomically with it; the local outbox still does the sending and retrying. Before each attempt the
 * dispatcher checks the claim is still its own; every {@code lease / 4} it refreshes the claims
 * waiting in its outbox and takes over those another replica left unrefreshed for a lease (it
 * died between claim and send). Delivery is at least once with a stable Message-ID: see
 * {@link JdbcAlertState}. When the shared state is unreachable the window is not alerted
 * (logged, counted in {@code alerts.state.failures}); the next window re-raises what persists.
 *
 * <h2>Loss</h2>
 * Once in the outbox a message is never lost and, thanks to its stable id and the outbox's record
 * of what servers accepted, never sent twice. Before that, content can be lost in two documented
 * ways: the queue is full ({@link Offer#QUEUE_FULL}, counted as {@code alerts.dropped}), or the
 * process dies with content still queued. The next window's content re-raises any violation that
 * persists, so the cost is one window's delay.
 */
public final class AlertDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);

  /** Default queue capacity: windows are hourly per endpoint, so this is a generous backlog. */
  public static final int DEFAULT_QUEUE_CAPACITY = 256;
  /** Default cool-down per (endpoint, violation type). */
  public static final Duration DEFAULT_COOL_DOWN = Duration.ofHours(6);
  /** Default "worse" margin: absolute, in the violation's own units. */
  public static final double DEFAULT_WORSE_MARGIN = 0.1;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofHours(1);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  /** How long {@link #close()} waits for the thread to finish its current attempt. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** What happened to offered content. */
  public enum Offer {
    /** On the queue; the alerts thread takes it from here. */
    QUEUED,
    /** The queue is full: dropped and counted. */
    QUEUE_FULL,
    /** The dispatcher is closed: dropped and counted. */
    CLOSED
  }

  /** Queued work: content, or a recipe for it run on the alerts thread. */
  private record Pending(String endpoint, Supplier<AlertContent> content) {}

  private final BlockingQueue<Pending> queue;
  private final List<Channel> channels;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final long pollMillis;
  private final ReportPublisher publisher; // nullable
  private final Outbox outbox; // alerts thread (pendingCount excepted)
  private final DedupLedger ledger; // alerts thread
  private final SharedAlertState shared; // nullable; alerts thread
  private final Duration coolDown;
  private final double worseMargin;
  private final long sharedPassMillis;
  private long nextSharedPass; // alerts thread
  private final MeterRegistry registry;
  private final Counter droppedFull;
  private final Counter droppedClosed;
  private final Counter suppressed;
  private final Thread thread;
  private volatile boolean closed;
  /** Offers queued or being handled; lets {@link #awaitIdle} tell "queued" from "done". */
  private final AtomicInteger unhandled = new AtomicInteger();

  private AlertDispatcher(Builder b, Outbox outbox, DedupLedger ledger) {
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.channels = List.copyOf(b.channels);
    this.clock = b.clock;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.pollMillis = Math.max(1, b.pollInterval.toMillis());
    this.publisher = b.publisher;
    this.outbox = outbox;
    this.ledger = ledger;
    this.shared = b.shared;
    this.coolDown = b.coolDown;
    this.worseMargin = b.worseMargin;
    this.sharedPassMillis = shared == null ? 0 : Math.max(1000, b.claimLease.toMillis() / 4);
    this.registry = b.registry;
    this.droppedFull = Counter.builder("alerts.dropped").tag("reason", "queue_full")
        .description("alert contents dropped before reaching the outbox").register(registry);
    this.droppedClosed = Counter.builder("alerts.dropped").tag("reason", "closed").register(registry);
    this.suppressed = Counter.builder("alerts.suppressed").tag("reason", "cool_down")
        .description("windows not sent because nothing was new within the cool-down").register(registry);
    Gauge.builder("alerts.outbox.pending", outbox, Outbox::pendingCount)
        .description("messages waiting in the outbox").register(registry);
    this.thread = new Thread(this::run, "vigil-alerts");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Hands one window's content to the alerts thread. Never blocks and never throws.
   *
   * @return whether it was queued; a refusal is counted in {@code alerts.dropped}
   */
  public Offer offer(AlertContent content) {
    if (content == null) {
      return rejectNull();
    }
    return enqueue(new Pending(content.endpoint(), () -> content));
  }

  /**
   * Hands over a recipe for one window's content, run later on the alerts thread: for content
   * that is slow to make (charts, saliency replay) and must not delay the caller. Never blocks and
   * never throws; a recipe that throws is logged and counted in {@code alerts.content.failures}.
   *
   * @param endpoint the endpoint, for logs while the recipe has not run
   */
  public Offer offer(String endpoint, Supplier<AlertContent> content) {
    if (content == null) {
      return rejectNull();
    }
    return enqueue(new Pending(endpoint, content));
  }

  private Offer enqueue(Pending pending) {
    if (closed) {
      droppedClosed.increment();
      log.warn("Alert dispatcher is closed; dropped the alert content of endpoint {}", pending.endpoint());
      return Offer.CLOSED;
    }
    unhandled.incrementAndGet();
    if (!queue.offer(pending)) {
      unhandled.decrementAndGet();
      droppedFull.increment();
      log.warn("Alert queue is full ({} entries); dropped the content of endpoint {}", queue.size(), pending.endpoint());
      return Offer.QUEUE_FULL;
    }
    return Offer.QUEUED;
  }

  private Offer rejectNull() {
    droppedClosed.increment();
    log.warn("Ignored a null alert content");
    return Offer.CLOSED;
  }

  /**
   * Waits until everything offered so far has been handled and the outbox holds nothing that is
   * due, for one-shot commands that exit right after offering (a long-running process never needs
   * it: the outbox is retried for as long as it runs).
   *
   * @return true when nothing is pending; false on time-out (messages stay in the outbox and the
   *     next dispatcher over the same directory delivers them)
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (unhandled.get() > 0 || outbox.pendingCount() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(Math.min(pollMillis, 100));
    }
    return true;
  }

  /** Messages waiting in the outbox (not yet accepted by their server). */
  public int pendingCount() {
    return outbox.pendingCount();
  }

  /** The channels this dispatcher delivers to, in order. */
  public List<Channel> channels() {
    return channels;
  }

  /**
   * Stops accepting, moves what is queued into the outbox, and stops the thread. Pending messages
   * stay in the outbox for the next dispatcher over the same directory.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      thread.join(CLOSE_TIMEOUT.toMillis() + pollMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("Alerts thread did not stop within {}; {} queued content(s) may be lost", CLOSE_TIMEOUT, queue.size());
    }
  }

  // ---------------------------------------------------------------- alerts thread

  private void run() {
    while (true) {
      try {
        Pending pending = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
        while (pending != null) {
          try {
            handle(pending);
          } finally {
            unhandled.decrementAndGet();
          }
          pending = queue.poll();
        }
        if (closed) {
          break; // queue drained into the outbox; pending entries wait for the next process
        }
        sharedPass();
        deliverDue();
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (Throwable t) {
        // The loop never dies: log, and the next pass tries again.
        log.error("Alerts pass failed; continuing", t);
      }
    }
    if (shared != null) {
      shared.close(); // confined to this thread
    }
  }

  /** Refreshes this replica's claims and takes over those of dead replicas (every lease / 4). */
  private void sharedPass() throws IOException {
    if (shared == null) {
      return;
    }
    long nowMillis = clock.millis();
    if (nowMillis < nextSharedPass) {
      return;
    }
    nextSharedPass = nowMillis + sharedPassMillis;
    Instant now = clock.instant();
    try {
      shared.heartbeat(now, outbox.pendingIds());
      for (SharedAlertState.Claim claim : shared.takeOverStale(now)) {
        if (!outbox.known(claim.entryId())) {
          outbox.add(claim.entryId(), claim.alertId(), claim.channel(), claim.payload(), now);
        }
      }
    } catch (SharedAlertState.StateException e) {
      stateFailure("heartbeat");
      log.warn("Shared alert state unreachable ({}); claims are refreshed again in {} ms", e.getMessage(),
          sharedPassMillis);
    }
  }

  private void stateFailure(String operation) {
    Counter.builder("alerts.state.failures").tag("operation", operation)
        .description("failed reads and writes of the alert state shared by replicas").register(registry).increment();
  }

  private void handle(Pending pending) {
    AlertContent content;
    try {
      content = pending.content().get();
    } catch (RuntimeException e) {
      Counter.builder("alerts.content.failures").register(registry).increment();
      log.error("Could not build the alert content of endpoint {}; this window is not alerted", pending.endpoint(), e);
      return;
    }
    if (content == null) {
      return;
    }
    handle(content);
  }

  private void handle(AlertContent content) {
    publish(content);
    Instant now = clock.instant();
    if (shared != null) {
      handleShared(content, now);
      return;
    }
    DedupLedger.Decision d = ledger.evaluate(content, now);
    switch (d.outcome()) {
      case NOTHING -> {
        return;
      }
      case SUPPRESSED -> {
        suppressed.increment();
        log.info("Alert for endpoint {} suppressed: its violations were sent within the cool-down and are not worse",
            content.endpoint());
        commit(d, now);
        return;
      }
      case SEND, RESOLVED -> {
        // continue below
      }
      default -> throw new IllegalStateException("unknown outcome " + d.outcome());
    }
    Alert.Kind kind = d.outcome() == DedupLedger.Outcome.RESOLVED ? Alert.Kind.RESOLVED : Alert.Kind.ALERT;
    Alert alert = new Alert(alertId(kind, content), kind, content, d.cleared(), now);
    boolean allStored = true;
    for (Channel channel : channels) {
      String entryId = alert.id() + "." + channel.name();
      if (outbox.known(entryId)) {
        log.info("Alert {} for {} already in the outbox or sent; not rendering it again", alert.id(), channel.name());
        continue;
      }
      try {
        Optional<byte[]> payload = channel.render(alert);
        if (payload.isPresent()) {
          outbox.add(entryId, alert.id(), channel.name(), payload.get(), now);
          log.info("Alert {} ({}, endpoint {}) queued for {}", alert.id(), kind, content.endpoint(), channel.name());
        }
      } catch (Exception e) {
        allStored = false;
        Counter.builder("alerts.render.failures").tag("channel", channel.name()).register(registry).increment();
        log.error("Could not render/store alert {} for channel {}; the next window will try again",
            alert.id(), channel.name(), e);
      }
    }
    if (allStored) {
      commit(d, now);
    }
  }

  /** As {@link #handle(AlertContent)}, decided and claimed in the state the replicas share. */
  private void handleShared(AlertContent content, Instant now) {
    SharedAlertState.Decided decided;
    try {
      decided = shared.decide(content, now, coolDown, worseMargin, this::renderAll);
    } catch (SharedAlertState.StateException e) {
      stateFailure("decide");
      log.error("Shared alert state unreachable ({}); endpoint {} window {}..{} is not alerted, the next window"
          + " re-raises what persists", e.getMessage(), content.endpoint(), content.windowStart(), content.windowEnd());
      return;
    } catch (RuntimeException e) {
      log.error("Could not decide/render the alert of endpoint {}; the next window will try again", content.endpoint(), e);
      return;
    }
    switch (decided.outcome()) {
      case NOTHING -> {
        return;
      }
      case SUPPRESSED -> {
        suppressed.increment();
        log.info("Alert for endpoint {} suppressed: its violations were sent within the cool-down (by any replica)"
            + " and are not worse", content.endpoint());
        return;
      }
      case SEND, RESOLVED -> {
        // continue below
      }
      default -> throw new IllegalStateException("unknown outcome " + decided.outcome());
    }
    for (SharedAlertState.Claim claim : decided.claims()) {
      if (outbox.known(claim.entryId())) {
        continue;
      }
      try {
        outbox.add(claim.entryId(), claim.alertId(), claim.channel(), claim.payload(), now);
        log.info("Alert {} ({}, endpoint {}) claimed by {} and queued for {}", claim.alertId(),
            decided.alert().kind(), content.endpoint(), shared.instance(), claim.channel());
      } catch (IOException e) {
        // The claim stays unrefreshed (not in this outbox), so a replica takes it over after the lease.
        log.error("Could not store claimed alert {} for {} locally; another replica takes it over after the lease",
            claim.alertId(), claim.channel(), e);
      }
    }
  }

  /** Every channel's payload of an alert; a failure throws, so the shared transaction rolls back. */
  private Map<String, byte[]> renderAll(Alert alert) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Channel channel : channels) {
      try {
        channel.render(alert).ifPresent(p -> out.put(channel.name(), p));
      } catch (Exception e) {
        Counter.builder("alerts.render.failures").tag("channel", channel.name()).register(registry).increment();
        throw new IllegalStateException("rendering alert " + alert.id() + " for " + channel.name() + " failed: " + e, e);
      }
    }
    return out;
  }

  /** Every window gets its report.html, alerted or not; a failure never stops the alert. */
  private void publish(AlertContent content) {
    if (publisher == null) {
      return;
    }
    try {
      publisher.publish(content);
    } catch (Exception e) {
      Counter.builder("alerts.report.failures").register(registry).increment();
      log.warn("Could not publish report.html for endpoint {} ({}); alerts go out without it",
          content.endpoint(), e.toString());
    }
  }

  private void commit(DedupLedger.Decision d, Instant now) {
    try {
      ledger.commit(d, now);
    } catch (IOException e) {
      log.error("Could not persist the dedup state; a restart may re-send recent alerts", e);
    }
  }

  private void deliverDue() throws IOException {
    for (Outbox.Entry entry : outbox.due(clock.instant())) {
      if (closed) {
        return;
      }
      Channel channel = channel(entry.channel());
      if (channel == null) {
        continue; // channel no longer configured: keep it pending for a process that has it
      }
      byte[] payload;
      try {
        payload = outbox.payload(entry);
      } catch (IOException e) {
        // Unreadable payload (disk trouble, or someone removed it): back off instead of spinning.
        Instant next = clock.instant().plus(backoff(entry.attempts() + 1));
        outbox.markRetry(entry, next, "cannot read the stored message: " + e);
        failure(channel, "outbox_io");
        log.error("Cannot read outbox entry {} ({}); next try at {}", entry.id(), e.toString(), next);
        continue;
      }
      if (shared != null && !stillMine(entry)) {
        continue;
      }
      SendResult result;
      try {
        result = channel.send(payload);
      } catch (RuntimeException e) {
        result = SendResult.retry("channel threw " + e);
      }
      Instant now = clock.instant();
      switch (result.status()) {
        case ACCEPTED -> {
          outbox.markAccepted(entry, now, result.detail());
          markSharedSent(entry, now);
          Counter.builder("alerts.sent").tag("channel", channel.name()).register(registry).increment();
          log.info("Alert {} delivered by {} after {} attempt(s): {}", entry.alertId(), channel.name(),
              entry.attempts() + 1, result.detail());
        }
        case RETRY -> {
          Instant next = now.plus(backoff(entry.attempts() + 1));
          outbox.markRetry(entry, next, result.detail());
          failure(channel, "transient");
          log.warn("Alert {} not delivered by {} (attempt {}): {}; next try at {}", entry.alertId(), channel.name(),
              entry.attempts() + 1, result.detail(), next);
        }
        case REJECTED -> {
          outbox.markRejected(entry, now, result.detail());
          markSharedSent(entry, now);
          failure(channel, "rejected");
          log.error("Alert {} refused for good by {}: {}; kept under the outbox's rejected/ directory",
              entry.alertId(), channel.name(), result.detail());
        }
        default -> throw new IllegalStateException("unknown status " + result.status());
      }
    }
  }

  /** False (and the entry finished locally) when another replica sent it or took it over. */
  private boolean stillMine(Outbox.Entry entry) throws IOException {
    SharedAlertState.Ownership ownership;
    try {
      ownership = shared.ownership(entry.id());
    } catch (SharedAlertState.StateException e) {
      stateFailure("ownership");
      log.warn("Shared alert state unreachable ({}); sending alert {} anyway (at least once)", e.getMessage(),
          entry.alertId());
      return true;
    }
    if (ownership == SharedAlertState.Ownership.MINE) {
      return true;
    }
    outbox.markAccepted(entry, clock.instant(), "handled by another replica: " + ownership);
    log.info("Alert {} for {} is {} by another replica; dropped from this outbox", entry.alertId(), entry.channel(),
        ownership == SharedAlertState.Ownership.SENT ? "sent" : "taken over");
    return false;
  }

  private void markSharedSent(Outbox.Entry entry, Instant now) {
    if (shared == null) {
      return;
    }
    try {
      shared.markSent(entry.id(), now);
    } catch (SharedAlertState.StateException e) {
      stateFailure("mark_sent");
      log.warn("Could not record alert {} as sent in the shared state ({}); another replica may send it once more"
          + " after the lease, with the same Message-ID", entry.alertId(), e.getMessage());
    }
  }

  private void failure(Channel channel, String reason) {
    Counter.builder("alerts.send.failures").tag("channel", channel.name()).tag("reason", reason)
        .description("failed delivery attempts").register(registry).increment();
  }

  /** {@code initialBackoff * 2^(attempts-1)}, capped at {@code maxBackoff}. */
  Duration backoff(int attempts) {
    int shift = Math.min(Math.max(attempts - 1, 0), 30);
    Duration d = initialBackoff.multipliedBy(1L << shift);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private Channel channel(String name) {
    for (Channel c : channels) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** Same window, same endpoint, same kind and violation types: same id, in any process. */
  static String alertId(Alert.Kind kind, AlertContent c) {
    List<String> types = new ArrayList<>();
    for (ViolationLine v : c.violations()) {
      types.add(v.type());
    }
    types.sort(null);
    String key = String.join("\u0000", kind.name(), c.endpoint(), c.variant(), c.windowStart().toString(),
        c.windowEnd().toString(), String.join(",", types));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is always available", e);
    }
  }

  /**
   * Builds a dispatcher. Each setter may be called once; {@link #build()} checks the whole.
   */
  public static final class Builder {
    private Path outboxDir;
    private final List<Channel> channels = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private Duration coolDown = DEFAULT_COOL_DOWN;
    private double worseMargin = DEFAULT_WORSE_MARGIN;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private ReportPublisher publisher;
    private MeterRegistry registry;
    private SharedAlertState shared;
    private Duration claimLease = SharedAlertState.DEFAULT_CLAIM_LEASE;

    private Builder() {}

    /** The outbox directory (required); it also holds the dedup state ({@code dedup.json}). */
    public Builder outbox(Path dir) {
      this.outboxDir = require(dir, "outbox");
      return this;
    }

    /** Adds a delivery channel; a disabled one ({@link Channel#disabled}) is accepted and delivers nothing. */
    public Builder channel(Channel channel) {
      Channel c = require(channel, "channel");
      for (Channel existing : channels) {
        if (existing.name().equals(c.name())) {
          throw new IllegalArgumentException("channel name '" + c.name() + "' is used twice; names key the outbox");
        }
      }
      channels.add(c);
      return this;
    }

    /** Time source for cool-downs and backoff (tests pass a movable clock). */
    public Builder clock(Clock clock) {
      this.clock = require(clock, "clock");
      return this;
    }

    public Builder coolDown(Duration coolDown) {
      requireArgument(!require(coolDown, "coolDown").isNegative(), "coolDown must be >= 0 but was %s", coolDown);
      this.coolDown = coolDown;
      return this;
    }

    /** How much a violation's value must rise (absolute, its own units) to be re-sent within the cool-down. */
    public Builder worseMargin(double margin) {
      requireArgument(margin >= 0 && Double.isFinite(margin), "worseMargin must be a finite number >= 0 but was %s", margin);
      this.worseMargin = margin;
      return this;
    }

    public Builder queueCapacity(int capacity) {
      requireArgument(capacity > 0, "queueCapacity must be > 0 but was %s", capacity);
      this.queueCapacity = capacity;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      requireArgument(require(initial, "initial backoff").compareTo(Duration.ZERO) > 0,
          "initial backoff must be > 0 but was %s", initial);
      requireArgument(require(max, "max backoff").compareTo(initial) >= 0,
          "max backoff (%s) must be >= initial backoff (%s)", max, initial);
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How often the thread looks for due retries when idle (default 1 s). */
    public Builder pollInterval(Duration interval) {
      requireArgument(require(interval, "pollInterval").compareTo(Duration.ZERO) > 0,
          "pollInterval must be > 0 but was %s", interval);
      this.pollInterval = interval;
      return this;
    }

    /** Publishes report.html (locally and next to report.json) for every window offered, before alerting. */
    public Builder reportPublisher(ReportPublisher publisher) {
      this.publisher = require(publisher, "reportPublisher");
      return this;
    }

    /**
     * Decide and claim alerts in the state all monitor replicas share (the dispatcher closes it);
     * without it, the cool-down and resolved state live in this outbox's {@code dedup.json}.
     */
    public Builder sharedState(SharedAlertState state) {
      this.shared = require(state, "sharedState");
      return this;
    }

    /** How long a claim may go unrefreshed before another replica takes it over (default 2 min). */
    public Builder claimLease(Duration lease) {
      requireArgument(require(lease, "claimLease").compareTo(Duration.ofSeconds(1)) >= 0,
          "claimLease must be >= 1s but was %s", lease);
      this.claimLease = lease;
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = require(registry, "meterRegistry");
      return this;
    }

    /**
     * Opens the outbox and dedup state and starts the alerts thread.
     *
     * @throws IllegalStateException when no outbox or no channel was set
     * @throws IOException when the outbox directory cannot be created or read
     */
    public AlertDispatcher build() throws IOException {
      if (outboxDir == null) {
        throw new IllegalStateException("an outbox directory is required (alerts.outbox)");
      }
      if (channels.isEmpty()) {
        throw new IllegalStateException("at least one channel is required (email, webhook, or Channel.disabled)");
      }
      Outbox outbox = Outbox.open(outboxDir);
      DedupLedger ledger = DedupLedger.open(outboxDir.resolve("dedup.json"), coolDown, worseMargin);
      if (registry == null) {
        registry = new SimpleMeterRegistry();
      }
      return new AlertDispatcher(this, outbox, ledger);
    }

    private static <T> T require(T value, String what) {
      if (value == null) {
        throw new NullPointerException(what + " must not be null");
      }
      return value;
    }

    private static void requireArgument(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }
}
