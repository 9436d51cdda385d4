package dev.vigil.capture.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.capture.metrics.AgentMetrics;
import dev.vigil.capture.record.CaptureEntry;
import dev.vigil.capture.spool.SegmentSpool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker/channel/spool machinery against an in-process sink that can be switched off: order,
 * spilling to disk, recovery, re-spooling at shutdown, and counted drops when the spool is full.
 * (Kafka and S3 themselves are exercised against real servers in CaptureEndToEndTest.)
 */
class SinkWorkerTest {
  @TempDir Path dir;
  private final AgentMetrics metrics = new AgentMetrics(new SimpleMeterRegistry());

  /** A sink that keeps what it ships, in order, and fails while {@code down}. */
  static final class ListSink implements Sink {
    final List<String> shipped = Collections.synchronizedList(new ArrayList<>());
    final List<CaptureEntry> pending = new ArrayList<>();
    volatile boolean down;
    volatile long shipMillis; // how long each ship takes (a slow upload)

    @Override
    public String name() {
      return "list";
    }

    @Override
    public void add(CaptureEntry e) {
      pending.add(e);
    }

    @Override
    public int pendingCount() {
      return pending.size();
    }

    @Override
    public boolean due(long nowNanos, boolean inputIdle) {
      return inputIdle || pending.size() >= 10;
    }

    @Override
    public void ship(long nowNanos) throws Exception {
      if (down) {
        throw new java.io.IOException("sink is down");
      }
      if (shipMillis > 0) {
        Thread.sleep(shipMillis);
      }
      pending.forEach(e -> shipped.add(e.eventId()));
      pending.clear();
    }

    @Override
    public List<CaptureEntry> pending() {
      return List.copyOf(pending);
    }

    @Override
    public void clearPending() {
      pending.clear();
    }

    @Override
    public void abort() {}

    @Override
    public void close() {}
  }

  private static CaptureEntry entry(int i) {
    return new CaptureEntry("ep", "v1", "id-" + i, 0, ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> ids(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("id-" + i);
    }
    return out;
  }

  @Test
  void spoolsToDiskWhileTheSinkIsDownAndShipsEverythingInOrderAfterRecovery() throws Exception {
    ListSink sink = new ListSink();
    SinkChannel channel = new SinkChannel("list", 4_000, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    for (int i = 0; i < 50; i++) {
      channel.submit(entry(i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.shipped.size() == 50);
    sink.down = true;
    for (int i = 50; i < 300; i++) {
      channel.submit(entry(i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.state() == SinkWorker.State.RETRYING);
    assertThat(channel.spooling()).isTrue();
    assertThat(channel.spooledBytes()).isPositive();
    sink.down = false;
    for (int i = 300; i < 320; i++) {
      channel.submit(entry(i));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.shipped.size() == 320);
    assertThat(sink.shipped).containsExactlyElementsOf(ids(0, 320));
    await().atMost(Duration.ofSeconds(5)).until(() -> !channel.spooling() && channel.spooledBytes() == 0);
    worker.shutdown(Duration.ofSeconds(2));
  }

  @Test
  void unshippedRecordsAreSpooledAtShutdownAndShippedFirstByTheNextWorker() throws Exception {
    ListSink sink = new ListSink();
    sink.down = true;
    SinkChannel channel = new SinkChannel("list", 1 << 20, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    for (int i = 0; i < 40; i++) {
      channel.submit(entry(i)); // all fit in memory (the worker may already have moved them to disk)
    }
    worker.shutdown(Duration.ofMillis(300));

    ListSink next = new ListSink();
    SinkChannel reopened = new SinkChannel("list", 1 << 20, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    assertThat(reopened.spooling()).isTrue();
    SinkWorker second = new SinkWorker(next, reopened, metrics);
    second.start();
    for (int i = 40; i < 45; i++) {
      reopened.submit(entry(i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> next.shipped.size() == 45);
    assertThat(next.shipped).containsExactlyElementsOf(ids(0, 45));
    second.shutdown(Duration.ofSeconds(1));
  }

  @Test
  void dropsAndCountsOnlyWhenTheSpoolIsFull() throws Exception {
    ListSink sink = new ListSink();
    sink.down = true;
    SinkChannel channel = new SinkChannel("list", 1_000, new SegmentSpool(dir, 10_000, 2_000), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    for (int i = 0; i < 200; i++) {
      channel.submit(entry(i));
    }
    double dropped = metrics.droppedCount("list", "spool_full");
    assertThat(dropped).isPositive();
    assertThat(channel.spooledBytes()).isLessThanOrEqualTo(10_000);
    sink.down = false;
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.shipped.size() == 200 - (int) dropped);
    // what was kept is the oldest, in order: drops only hit records arriving while the spool was full
    assertThat(sink.shipped).isEqualTo(ids(0, 200 - (int) dropped));
    worker.shutdown(Duration.ofSeconds(1));
  }

  /** The stall: a corrupt frame in an earlier segment was retried forever. */
  @Test
  void aCorruptFrameInAnEarlierSegmentIsSkippedAndCountedAndEverythingElseShips() throws Exception {
    ListSink sink = new ListSink();
    sink.down = true;
    SinkChannel channel = new SinkChannel("list", 1_000, new SegmentSpool(dir, 1 << 20, 2_000), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    for (int i = 0; i < 60; i++) {
      channel.submit(entry(i));
    }
    worker.shutdown(Duration.ofMillis(300));
    List<Path> segments;
    try (var files = java.nio.file.Files.list(dir)) {
      segments = files.filter(p -> p.toString().matches(".*\\.seg2?")).sorted().toList();
    }
    assertThat(segments).hasSizeGreaterThan(3);
    dev.vigil.capture.spool.SegmentSpoolTest.overwrite(segments.get(1), 700, "CORRUPTCORRUPT!!");

    ListSink next = new ListSink();
    AgentMetrics restarted = new AgentMetrics(new SimpleMeterRegistry()); // a new process's meters
    SinkChannel reopened = new SinkChannel("list", 1_000, new SegmentSpool(dir, 1 << 20, 2_000), restarted);
    SinkWorker second = new SinkWorker(next, reopened, restarted);
    second.start();
    reopened.submit(entry(60));
    await().atMost(Duration.ofSeconds(20)).until(() -> next.shipped.contains("id-60"));
    assertThat(ids(0, 61)).containsSubsequence(next.shipped);
    assertThat(next.shipped).hasSizeBetween(59, 60);
    assertThat(restarted.registry().get("vigil.agent.spool.corrupt.frames").tag("sink", "list").functionCounter().count())
        .isEqualTo(1.0);
    await().atMost(Duration.ofSeconds(5)).until(() -> !reopened.spooling() && reopened.spooledBytes() == 0);
    second.shutdown(Duration.ofSeconds(1));
  }

  /** A process killed while its sink is down loses nothing that reached the channel. */
  @Test
  void whenTheSinkFailsMemoryAndThePendingBatchMoveToTheSpool() throws Exception {
    ListSink sink = new ListSink();
    sink.down = true;
    SinkChannel channel = new SinkChannel("list", 1 << 20, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    for (int i = 0; i < 30; i++) {
      channel.submit(entry(i)); // fits in memory
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.state() == SinkWorker.State.RETRYING && channel.spooling());
    for (int i = 30; i < 40; i++) {
      channel.submit(entry(i));
    }
    assertThat(channel.memoryUsed()).isZero();
    channel.sync();
    // "kill -9": the worker is abandoned, not shut down; a new process opens the same spool
    ListSink next = new ListSink();
    AgentMetrics restarted = new AgentMetrics(new SimpleMeterRegistry());
    Path copy = java.nio.file.Files.createDirectories(dir.resolve("after-kill"));
    copyTree(dir, copy); // what the disk holds at the kill
    SinkChannel fromCopy = new SinkChannel("list", 1 << 20, new SegmentSpool(copy, 1 << 20, 4096), restarted);
    SinkWorker second = new SinkWorker(next, fromCopy, restarted);
    second.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> next.shipped.size() >= 40);
    assertThat(next.shipped).containsExactlyElementsOf(ids(0, 40));
    second.shutdown(Duration.ofSeconds(1));
    sink.down = false;
    worker.shutdown(Duration.ofSeconds(1));
  }

  /** Memory already overflowed to the spool when the sink failed: memory goes in front of it. */
  @Test
  void spillPutsMemoryInFrontOfWhatIsAlreadySpooled() throws Exception {
    SinkChannel channel = new SinkChannel("list", 1_000, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    for (int i = 1; i < 10; i++) {
      channel.submit(entry(i)); // about three fit in memory, the rest spool
    }
    assertThat(channel.spooling()).isTrue();
    assertThat(channel.memoryUsed()).isPositive();
    assertThat(channel.spill(List.of(entry(0)))).isTrue(); // entry 0: the worker's unshipped batch
    assertThat(channel.memoryUsed()).isZero();
    channel.close();
    // what a restart (after kill -9) reads: everything, oldest first
    assertThat(readAll(dir)).containsExactlyElementsOf(ids(0, 10));
  }

  /** One slow ship made the memory queue overflow: one pass over the disk puts the channel back on memory. */
  @Test
  void leavesTheSpoolOnceEverythingOnItIsRead() throws Exception {
    SinkChannel channel = overflowedChannel();
    assertThat(channel.spooling()).isTrue();
    List<String> order = new ArrayList<>();
    SinkChannel.Batch fromMemory = channel.poll(100, 1 << 20);
    assertThat(fromMemory.fromSpool()).isFalse();
    fromMemory.entries().forEach(e -> order.add(e.eventId()));
    SinkChannel.Batch fromDisk = channel.poll(100, 1 << 20);
    assertThat(fromDisk.fromSpool()).isTrue();
    assertThat(channel.spooling()).as("read to its end, though not yet acknowledged").isFalse();

    channel.submit(entry(10));
    assertThat(channel.memoryUsed()).as("the next record takes the memory path").isPositive();
    fromDisk.entries().forEach(e -> order.add(e.eventId()));
    channel.ack(fromDisk.spoolEnd());
    assertThat(channel.spooledBytes()).isZero();
    channel.poll(100, 1 << 20).entries().forEach(e -> order.add(e.eventId()));
    assertThat(order).containsExactlyElementsOf(ids(0, 11));
    channel.close();
  }

  /** Back on memory with a read batch still unacknowledged, the queue overflows again: disk order stays record order. */
  @Test
  void whenMemoryOverflowsBehindAReadBatchItGoesToDiskBehindThatBatch() throws Exception {
    SinkChannel channel = overflowedChannel();
    assertThat(channel.poll(100, 1 << 20).fromSpool()).isFalse(); // 0..2, shipped from memory
    assertThat(channel.poll(100, 1 << 20).fromSpool()).isTrue(); // 3..9, read; its ship never returns
    for (int i = 10; i < 20; i++) {
      channel.submit(entry(i)); // memory, then an overflow
    }
    assertThat(channel.spooling()).isTrue();
    assertThat(channel.memoryUsed()).as("the memory queue went to disk with the overflow").isZero();
    channel.sync();
    channel.close();
    // what a restart (after kill -9) ships: the unacknowledged batch, then the rest, in order
    assertThat(readAll(dir)).containsExactlyElementsOf(ids(3, 20));
  }

  /** Shutdown while back on memory with a read batch unacknowledged: memory goes behind that batch. */
  @Test
  void atShutdownMemoryNewerThanTheSpoolGoesBehindIt() throws Exception {
    SinkChannel channel = overflowedChannel();
    channel.poll(100, 1 << 20); // 0..2 from memory, shipped
    channel.poll(100, 1 << 20); // 3..9 from disk, never shipped
    channel.submit(entry(10));
    channel.submit(entry(11));
    assertThat(channel.memoryUsed()).isPositive();
    channel.rewind(); // what the worker's finish() does for an unshipped spool batch
    assertThat(channel.spoolRemaining(List.of())).isEqualTo(2);
    channel.close();
    assertThat(readAll(dir)).containsExactlyElementsOf(ids(3, 12));
  }

  /**
   * The S3 path of the agent bench: a sink that fell behind once (one slow upload) spools; once it
   * keeps up again, records take the memory path while traffic goes on, instead of every record
   * being written to disk and read back for as long as traffic lasts (the acknowledgement that
   * would empty the spool never comes while records keep arriving during each ship).
   */
  @Test
  void aSinkThatFellBehindOnceReturnsToMemoryWhileTrafficGoesOn() throws Exception {
    ListSink sink = new ListSink();
    sink.shipMillis = 300;
    SinkChannel channel = new SinkChannel("list", 16_000, new SegmentSpool(dir, 64 << 20, 1 << 20), metrics);
    SinkWorker worker = new SinkWorker(sink, channel, metrics);
    worker.start();
    int n = 0;
    long start = System.nanoTime();
    double spooledAtMid = -1;
    int submittedAtMid = 0;
    while (System.nanoTime() - start < 2_000_000_000L) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ms > 400) {
        sink.shipMillis = 5; // keeps up from here on: ships take 5 ms, records arrive about 2 per ms
      }
      if (ms > 1_000 && spooledAtMid < 0) {
        spooledAtMid = metrics.spooledCount("list");
        submittedAtMid = n;
      }
      channel.submit(entry(n++));
      channel.submit(entry(n++));
      Thread.sleep(1);
    }
    int lateRecords = n - submittedAtMid;
    double lateSpooled = metrics.spooledCount("list") - spooledAtMid;
    int total = n;
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.shipped.size() >= total);
    assertThat(spooledAtMid).as("the slow ship made the queue overflow").isPositive();
    assertThat(lateSpooled)
        .as("records spooled in the last second, of %d submitted then", lateRecords)
        .isLessThan(lateRecords * 0.2);
    worker.shutdown(Duration.ofSeconds(2));
    assertThat(sink.shipped).containsExactlyElementsOf(ids(0, n));
  }

  /** A channel whose memory queue overflowed: records 0..2 in memory, 3..9 spooled. */
  private SinkChannel overflowedChannel() throws java.io.IOException {
    SinkChannel channel = new SinkChannel("list", 1_000, new SegmentSpool(dir, 1 << 20, 4096), metrics);
    for (int i = 0; i < 10; i++) {
      channel.submit(entry(i)); // about three fit in memory, the rest spool
    }
    return channel;
  }

  /** Everything a new process would read from the spool in {@code spoolDir}, acknowledging as it goes. */
  private static List<String> readAll(Path spoolDir) throws java.io.IOException {
    SinkChannel reopened = new SinkChannel("list", 1_000, new SegmentSpool(spoolDir, 1 << 20, 4096),
        new AgentMetrics(new SimpleMeterRegistry()));
    List<String> read = new ArrayList<>();
    for (SinkChannel.Batch b = reopened.poll(100, 1 << 20); !b.entries().isEmpty(); b = reopened.poll(100, 1 << 20)) {
      b.entries().forEach(e -> read.add(e.eventId()));
      if (b.fromSpool()) {
        reopened.ack(b.spoolEnd());
      }
    }
    reopened.close();
    return read;
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(from)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().matches(".*\\.seg2?|cursor")) {
          java.nio.file.Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
