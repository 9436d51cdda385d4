package dev.vigil.capture.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentSpoolTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> strings(List<byte[]> entries) {
    return entries.stream().map(e -> new String(e, StandardCharsets.UTF_8)).toList();
  }

  private static List<String> drain(SegmentSpool spool) throws Exception {
    List<String> out = new ArrayList<>();
    while (true) {
      SegmentSpool.Read r = spool.read(7, 1 << 20);
      if (r.entries().isEmpty()) {
        return out;
      }
      out.addAll(strings(r.entries()));
      spool.ack(r.end());
    }
  }

  @Test
  void readsBackInOrderAcrossSegmentsAndResetsWhenFullyAcknowledged() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 100)) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        expected.add("record-" + i);
        assertThat(spool.append(b("record-" + i))).isTrue();
      }
      assertThat(segmentFiles()).hasSizeGreaterThan(3);
      assertThat(drain(spool)).isEqualTo(expected);
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.bytes()).isZero();
      assertThat(segmentFiles()).isEmpty();
    }
  }

  @Test
  void resumesAtTheCursorAfterReopen() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 64)) {
      for (int i = 0; i < 20; i++) {
        spool.append(b("r" + i));
      }
      SegmentSpool.Read r = spool.read(5, 1 << 20);
      spool.ack(r.end());
      spool.read(5, 1 << 20); // read but not acknowledged: must come back after a restart
    }
    try (SegmentSpool reopened = new SegmentSpool(dir, 1 << 20, 64)) {
      List<String> rest = drain(reopened);
      assertThat(rest).hasSize(15);
      assertThat(rest.get(0)).isEqualTo("r5");
      assertThat(rest.get(14)).isEqualTo("r19");
    }
  }

  @Test
  void refusesAppendsBeyondMaxBytes() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1000, 300)) {
      int accepted = 0;
      while (spool.append(new byte[92])) { // 100-byte frames
        accepted++;
      }
      assertThat(accepted).isEqualTo(10);
      assertThat(spool.bytes()).isLessThanOrEqualTo(1000);
      SegmentSpool.Read r = spool.read(3, 1 << 20);
      spool.ack(r.end());
      // acknowledged whole segments free room again
      assertThat(spool.append(new byte[92])).isTrue();
    }
  }

  @Test
  void cutsOffATornFrameAtTheTail() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("complete-1"));
      spool.append(b("complete-2"));
    }
    Path seg = segmentFiles().get(0);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3, 4, 'x'})); // crash mid-frame
    }
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      assertThat(drain(spool)).containsExactly("complete-1", "complete-2");
    }
  }

  @Test
  void prependedEntriesComeFirst() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("newer-1"));
      spool.append(b("newer-2"));
      spool.prepend(List.of(b("older-1"), b("older-2")));
    }
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      assertThat(drain(spool)).containsExactly("older-1", "older-2", "newer-1", "newer-2");
    }
  }

  @Test
  void rejectsPrependWhenTheCursorIsInsideASegment() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("a"));
      spool.append(b("b"));
      SegmentSpool.Read r = spool.read(1, 1 << 20);
      spool.ack(r.end());
      assertThatThrownBy(() -> spool.prepend(List.of(b("c")))).isInstanceOf(IllegalStateException.class);
    }
  }

  private List<Path> segmentFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }
}
