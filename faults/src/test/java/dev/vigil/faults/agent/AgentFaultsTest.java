package dev.vigil.faults.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.faults.FaultFigures;
import dev.vigil.faults.agent.AgentRig.Agent;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture agent's faults, on the shipped jar as a child process against the real Kafka and
 * S3Proxy: {@code kill -9} while spooling, corrupt spool segments, Kafka and S3 outages under
 * load, and a spool disk that fills. Each test uses its own endpoint (so its own topic and S3
 * prefix) and spool, and prints one {@link FaultFigures} line.
 */
class AgentFaultsTest {
  private static final String SHIPPED = "vigil_agent_capture_shipped_total";
  private static final String SPOOLED = "vigil_agent_capture_spooled_total";
  private static final String DROPPED = "vigil_agent_capture_dropped_total";
  private static final String CORRUPT = "vigil_agent_spool_corrupt_frames_total";
  private static final Duration SHIP_TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path work;
  private static AgentRig rig;

  @BeforeAll
  static void start() throws Exception {
    rig = new AgentRig(work);
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  /** S3 is down, everything goes to the spool, the agent is killed; the next start ships it all. */
  @Test
  void killNineWhileSpoolingLosesNothingThatReachedTheSpool() throws Exception {
    String ep = "fault-kill9";
    int sent = 200;
    Path spool = work.resolve(ep + "-spool");
    Path config = rig.config(ep, false, true, spool, "16MB");
    rig.stack.stopS3();
    int failed;
    double spooledAtKill;
    try (Agent first = rig.startAgent(ep + "-1", config)) {
      failed = rig.sendAll(first, ep, 0, sent, 2048);
      spooledAtKill = rig.awaitMetric(first, SPOOLED, "sink=\"s3\"", sent, Duration.ofSeconds(60));
      first.jvm().kill9();
    } finally {
      rig.stack.startS3();
    }
    try (Agent second = rig.startAgent(ep + "-2", config)) {
      Map<Integer, Integer> seen = rig.awaitS3(ep, sent, SHIP_TIMEOUT, Duration.ofSeconds(2));
      int lost = AgentRig.lost(seen, sent);
      FaultFigures.of("agent-kill-9-while-spooling").put("requests", sent).put("requests_failed", failed)
          .put("spooled_at_kill", (long) spooledAtKill).put("records_lost", lost)
          .put("duplicates", AgentRig.duplicates(seen)).print();
      assertThat(failed).isZero();
      assertThat(lost).as("records lost after kill -9 and restart").isZero();
      assertThat(AgentRig.duplicates(seen)).isZero();
    }
  }

  /** Bytes overwritten mid-segment in the first and in the last segment: only those frames are lost. */
  @Test
  void corruptSpoolSegmentsLoseOnlyTheDamagedFrames() throws Exception {
    String ep = "fault-corrupt";
    int sent = 120; // of 24 KB: 1 MB segments, so three or more
    Path spool = work.resolve(ep + "-spool");
    Path config = rig.config(ep, false, true, spool, "16MB");
    rig.stack.stopS3();
    int failed;
    try (Agent first = rig.startAgent(ep + "-1", config)) {
      failed = rig.sendAll(first, ep, 0, sent, 24 * 1024);
      rig.awaitMetric(first, SPOOLED, "sink=\"s3\"", sent, Duration.ofSeconds(60));
      assertThat(first.jvm().stop(Duration.ofSeconds(30))).as("exit code after SIGTERM").isIn(0, 143);
    } finally {
      rig.stack.startS3();
    }
    List<Path> segments = rig.segments(spool.resolve("s3"));
    assertThat(segments).as("spool segments").hasSizeGreaterThanOrEqualTo(2);
    for (Path seg : List.of(segments.get(0), segments.get(segments.size() - 1))) {
      try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap("CORRUPTCORRUPT!!".getBytes(StandardCharsets.US_ASCII)), ch.size() / 2);
      }
    }
    try (Agent second = rig.startAgent(ep + "-2", config)) {
      Map<Integer, Integer> seen = rig.awaitS3(ep, sent - 4, SHIP_TIMEOUT, Duration.ofSeconds(3));
      double corrupt = rig.metric(second, CORRUPT, "sink=\"s3\"");
      int lost = AgentRig.lost(seen, sent);
      FaultFigures.of("agent-corrupt-spool-segments").put("requests", sent).put("requests_failed", failed)
          .put("segments", segments.size()).put("corrupt_frames_counted", (long) corrupt).put("records_lost", lost)
          .put("duplicates", AgentRig.duplicates(seen)).print();
      assertThat(failed).isZero();
      assertThat(corrupt).as("corrupt runs counted").isEqualTo(2.0);
      // 16 bytes damage one frame, or two when they straddle a boundary
      assertThat(lost).isBetween(2, 4);
      assertThat(seen).containsKey(sent - 1);
      assertThat(AgentRig.duplicates(seen)).isZero();
      assertThat(second.jvm().lines()).anyMatch(l -> l.contains("WARN") && l.contains("corrupt frame at offset"));
    }
  }

  /** Requests keep flowing while Kafka and S3 are both down, then both come back. */
  @Test
  void kafkaAndS3OutagesUnderLoadFailNoRequestAndLoseNoRecord() throws Exception {
    String ep = "fault-outage";
    Path config = rig.config(ep, true, true, work.resolve(ep + "-spool"), "32MB");
    try (Agent agent = rig.startAgent(ep + "-1", config)) {
      int sent;
      int failed;
      try (AgentRig.Load load = rig.new Load(agent, ep, 1024, Duration.ofMillis(5))) {
        Thread.sleep(1500);
        rig.stack.stopKafka();
        rig.stack.stopS3();
        Thread.sleep(3000);
        rig.stack.startS3();
        rig.stack.startKafka();
        Thread.sleep(1500);
        load.close();
        sent = load.sent();
        failed = load.failed();
      }
      Map<Integer, Integer> s3 = rig.awaitS3(ep, sent, SHIP_TIMEOUT, Duration.ofSeconds(2));
      Map<Integer, Integer> kafka = rig.kafkaNumbers(ep, sent, SHIP_TIMEOUT, Duration.ofSeconds(2));
      double dropped = rig.metric(agent, DROPPED, "");
      FaultFigures.of("agent-kafka-and-s3-outage-under-load").put("requests", sent).put("requests_failed", failed)
          .put("records_lost_kafka", AgentRig.lost(kafka, sent)).put("records_lost_s3", AgentRig.lost(s3, sent))
          .put("duplicates_kafka", AgentRig.duplicates(kafka)).put("duplicates_s3", AgentRig.duplicates(s3))
          .put("dropped", (long) dropped).print();
      assertThat(sent).isGreaterThan(50);
      assertThat(failed).isZero();
      assertThat(AgentRig.lost(kafka, sent)).isZero();
      assertThat(AgentRig.lost(s3, sent)).isZero();
      assertThat(AgentRig.duplicates(s3)).isZero();
      assertThat(dropped).isZero();
    }
  }

  /**
   * The spool's disk is smaller than spool.maxBytes and fills while S3 is down: the request path
   * stays up, what does not fit is dropped and counted, everything that was spooled is shipped.
   * A 1 MB tmpfs when running as root (CI does); otherwise the agent's file size limit
   * (RLIMIT_FSIZE through prlimit), which fails writes beyond it the same way.
   */
  @Test
  void aFullSpoolDiskDropsAndCountsButNeverFailsARequest() throws Exception {
    String ep = "fault-disk-full";
    int sent = 160; // of 16 KB: 2.5 MB for a 1 MB disk
    Path spool = work.resolve(ep + "-spool");
    Files.createDirectories(spool);
    boolean tmpfs = mountTmpfs(spool, "1m");
    try {
      Path config = rig.config(ep, false, true, spool, "64MB");
      rig.stack.stopS3();
      int failed;
      double dropped;
      double spooled;
      try (Agent agent = rig.startAgent(ep + "-1", config)) {
        if (!tmpfs) {
          run("prlimit", "--pid", Long.toString(agent.jvm().pid()), "--fsize=1048576");
        }
        try {
          failed = rig.sendAll(agent, ep, 0, sent, 16 * 1024);
          dropped = rig.awaitMetric(agent, DROPPED, "reason=\"spool_full\"", 1, Duration.ofSeconds(60));
          // everything sampled is either spooled or dropped
          spooled = awaitSum(agent, sent, dropped);
          dropped = rig.metric(agent, DROPPED, "reason=\"spool_full\"");
        } finally {
          rig.stack.startS3();
        }
        assertThat(agent.jvm().isAlive()).isTrue();
        Map<Integer, Integer> seen = rig.awaitS3(ep, (int) spooled, SHIP_TIMEOUT, Duration.ofSeconds(2));
        int shipped = seen.size();
        // a number is lost when it was neither shipped nor counted as dropped
        int unaccounted = sent - shipped - (int) dropped;
        FaultFigures.of("agent-spool-disk-full").put("disk", tmpfs ? "tmpfs-1MB" : "rlimit-fsize-1MB")
            .put("requests", sent).put("requests_failed", failed).put("dropped", (long) dropped)
            .put("shipped", shipped).put("records_lost", unaccounted).put("duplicates", AgentRig.duplicates(seen))
            .print();
        assertThat(failed).isZero();
        assertThat(dropped).isPositive();
        assertThat(unaccounted).as("records neither shipped nor counted as dropped").isZero();
        assertThat(AgentRig.duplicates(seen)).isZero();
        // after the outage the spool works again: a new request is shipped
        assertThat(rig.send(agent, ep, sent, 64)).isTrue();
        assertThat(rig.awaitS3(ep, shipped + 1, SHIP_TIMEOUT, Duration.ofSeconds(1))).containsKey(sent);
      }
    } finally {
      if (tmpfs) {
        run("umount", spool.toString());
      }
    }
  }

  private static double awaitSum(Agent agent, int sent, double droppedSoFar) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double spooled = 0;
    while (System.nanoTime() < deadline) {
      spooled = rig.metric(agent, SPOOLED, "sink=\"s3\"");
      double dropped = rig.metric(agent, DROPPED, "reason=\"spool_full\"");
      if (spooled + dropped >= sent) {
        return spooled;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("spooled " + spooled + " + dropped never reached " + sent + " (first drops " + droppedSoFar
        + "); agent log ends:\n" + agent.jvm().tail(30));
  }

  /** A tmpfs of {@code size} on {@code dir} when this process may mount (root); false otherwise. */
  private static boolean mountTmpfs(Path dir, String size) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
        .redirectErrorStream(true).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
  }
}
