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

public class SegmentSpoolTest {
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
      while (spool.append(new byte[88])) { // 100-byte frames
        accepted++;
      }
      assertThat(accepted).isEqualTo(10);
      assertThat(spool.bytes()).isLessThanOrEqualTo(1000);
      SegmentSpool.Read r = spool.read(3, 1 << 20);
      spool.ack(r.end());
      // acknowledged whole segments free room again
      assertThat(spool.append(new byte[88])).isTrue();
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

  /** The first report: 120 records spooled, 16 bytes overwritten mid-segment. */
  @Test
  void skipsACorruptFrameInTheLastSegmentAndKeepsEveryRecordAfterIt() throws Exception {
    List<String> written = new ArrayList<>();
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      for (int i = 0; i < 120; i++) {
        written.add(String.format("record-%03d-%s", i, "p".repeat(40)));
        spool.append(b(written.get(i)));
      }
    }
    Path seg = segmentFiles().get(0);
    overwrite(seg, Files.size(seg) / 2, "CORRUPTCORRUPT!!");

    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      List<String> read = drain(spool);
      // 16 bytes touch one frame, or two when they straddle a boundary: nothing else is lost
      assertThat(read).hasSizeBetween(118, 119);
      assertThat(spool.corruptFrames()).isEqualTo(1);
      assertThat(spool.corruptBytes()).isPositive();
      assertThat(written).containsSubsequence(read);
      assertThat(read).contains(written.get(119), written.get(70));
    }
  }

  /** The second report: a corrupt frame in an earlier segment failed every read. */
  @Test
  void skipsACorruptFrameInAnEarlierSegmentInsteadOfFailingEveryRead() throws Exception {
    List<String> written = new ArrayList<>();
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 400)) {
      for (int i = 0; i < 60; i++) {
        written.add(String.format("record-%03d-%s", i, "p".repeat(30)));
        spool.append(b(written.get(i)));
      }
    }
    List<Path> segs = segmentFiles();
    assertThat(segs).hasSizeGreaterThan(3);
    overwrite(segs.get(1), 100, "CORRUPTCORRUPT!!");

    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 400)) {
      List<String> read = drain(spool);
      assertThat(spool.corruptFrames()).isEqualTo(1);
      assertThat(read).hasSizeBetween(58, 59);
      assertThat(written).containsSubsequence(read);
      assertThat(read.get(read.size() - 1)).isEqualTo(written.get(59));
    }
  }

  @Test
  void resynchronisesOnCorruptionThatAppearsWhileRunning() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      for (int i = 0; i < 30; i++) {
        spool.append(b(String.format("record-%03d-%s", i, "p".repeat(40))));
      }
      Path seg = segmentFiles().get(0);
      overwrite(seg, Files.size(seg) / 3, "\0\0\0\0\0\0\0\0");
      List<String> read = drain(spool);
      assertThat(read).hasSizeBetween(28, 29).contains(String.format("record-%03d-%s", 29, "p".repeat(40)));
      assertThat(spool.corruptFrames()).isEqualTo(1);
      // appends after the skip still work and are read
      spool.append(b("after"));
      assertThat(drain(spool)).containsExactly("after");
    }
  }

  @Test
  void cutsATornTailWithoutCountingItAsCorrupt() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("complete-1"));
      spool.append(b("complete-2"));
    }
    Path seg = segmentFiles().get(0);
    long whole = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(whole - 3); // the last frame was being written when the process died
    }
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      assertThat(drain(spool)).containsExactly("complete-1");
      assertThat(spool.corruptFrames()).isZero();
    }
  }

  @Test
  void skipsAnEntryItsDecoderRejectsInsteadOfFailingEveryRead() throws Exception {
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("good-1"));
      spool.append(b("undecodable"));
      spool.append(b("good-2"));
      SegmentSpool.Decoder<String> decoder = (buf, off, len) -> {
        String s = new String(buf, off, len, StandardCharsets.UTF_8);
        if (s.startsWith("un")) {
          throw new java.io.IOException("not an entry");
        }
        return s;
      };
      SegmentSpool.Read<String> r = spool.read(10, 1 << 20, decoder);
      assertThat(r.entries()).containsExactly("good-1", "good-2");
      assertThat(spool.corruptFrames()).isEqualTo(1);
    }
  }

  @Test
  void readsSegmentsWrittenInTheVersion1FrameFormat() throws Exception {
    // [int length][int crc32c][bytes], as agents before the magic-framed format wrote them
    Path legacy = dir.resolve(String.format("%020d.seg", SegmentSpool.FIRST_SEQ));
    try (FileChannel ch = FileChannel.open(legacy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (String s : List.of("old-1", "old-2")) {
        byte[] e = b(s);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(e);
        ch.write(java.nio.ByteBuffer.allocate(8 + e.length).putInt(e.length).putInt((int) crc.getValue()).put(e).flip());
      }
    }
    try (SegmentSpool spool = new SegmentSpool(dir, 1 << 20, 1 << 20)) {
      spool.append(b("new-1"));
      assertThat(drain(spool)).containsExactly("old-1", "old-2", "new-1");
      assertThat(spool.corruptFrames()).isZero();
    }
  }

  public static void overwrite(Path file, long at, String bytes) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)), at);
    }
  }

  private List<Path> segmentFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().matches(".*\\.seg2?")).sorted().toList();
    }
  }
}
