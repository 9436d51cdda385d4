package dev.vigil.capture.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, ordered on-disk queue of opaque entries: capped segment files plus a cursor.
 *
 * <h2>Layout</h2>
 * {@code DIR/<seq>.seg2} files, each a run of frames
 * {@code [int magic 0xF7565332][int length][int crc32c(length, bytes)][bytes]}, and
 * {@code DIR/cursor} holding {@code "<seq> <offset>"}: everything before it is acknowledged. A
 * segment is closed when it reaches {@code segmentBytes}; acknowledged segments are deleted, and
 * when everything is acknowledged the spool is reset to empty. Segments named {@code <seq>.seg}
 * hold version-1 frames {@code [int length][int crc32c(bytes)][bytes]} (agents before the magic
 * was added): they are read, never appended to.
 *
 * <h2>Corruption</h2>
 * A frame whose header or checksum is wrong (a bad disk block, bytes overwritten) is skipped: the
 * reader resynchronises on the next offset that holds the magic and a frame whose checksum holds
 * (the magic's first byte, 0xF7, never occurs in the UTF-8 JSON lines the spool carries, and the
 * checksum covers the length). The bytes skipped are lost, counted ({@link #corruptFrames},
 * {@link #corruptBytes}) and logged with segment and offset; nothing after them is. An entry
 * whose frame is sound but which its decoder rejects is skipped and counted the same way. In a
 * version-1 segment, which has no magic to find, a corrupt frame skips the rest of that segment.
 * Opening the spool checks every frame of every segment from the cursor on; only a torn tail
 * (an invalid run at the end of the last segment with no valid frame after it: a write cut off
 * by a crash) is cut, and is not counted as corruption.
 *
 * <h2>Bounds and loss</h2>
 * {@link #append} refuses (returns false) when the spool's files would exceed {@code maxBytes}:
 * the caller counts that as a drop. Nothing else is ever dropped.
 *
 * <h2>Durability (fsync policy)</h2>
 * Frames are written at the tail (in the page cache as soon as {@code append} returns, so a killed
 * process loses nothing). Segment data, of the open segment and of segments closed since, is forced
 * to disk by {@link #sync()} (the owner calls it about once a second, off the capture path) and on
 * {@link #close()};
 * the cursor file is replaced atomically and forced on every acknowledgement. A power loss can
 * therefore lose up to about one second of spooled records, and may replay acknowledged ones
 * (at-least-once); a torn frame at the tail is detected by its CRC and cut off at open.
 *
 * <h2>Threads</h2>
 * One writer (the dispatcher) and one reader (the sink thread); every method is synchronized except
 * that {@link #sync()} forces the file outside the lock, so an append never waits for an fsync.
 */
public final class SegmentSpool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentSpool.class);
  /** Frame header: magic + length + CRC. */
  static final int HEADER = 12;
  /** Bytes a frame takes beyond its entry. */
  public static final int FRAME_OVERHEAD = HEADER;
  /** Version-1 frame header: length + CRC (segments named {@code .seg}). */
  static final int V1_HEADER = 8;
  /** Starts every frame; 0xF7 is never a byte of UTF-8 text, so a JSON line cannot fake it. */
  static final int MAGIC = 0xF7565332;
  /** Bytes read at a time while looking for the next frame after a corrupt one. */
  private static final int SCAN_CHUNK = 64 * 1024;
  /** Sequence number of the first segment of an empty spool; leaves room to prepend below it. */
  static final long FIRST_SEQ = 1L << 40;
  /** Largest read buffer kept between reads. */
  static final int KEEP_READ_BUFFER_BYTES = 1 << 20;

  /** A position in the spool: segment sequence number and byte offset within it. */
  public record Position(long seq, long offset) {}

  /** Entries read from the spool and the position just after the last one. */
  public record Read<T>(List<T> entries, Position end) {}

  /**
   * Turns one entry's bytes, {@code buf[off, off+len)}, into what the reader keeps. The array is
   * reused for the next entry: copy what you keep.
   */
  @FunctionalInterface
  public interface Decoder<T> {
    T decode(byte[] buf, int off, int len) throws IOException;
  }

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;

  // seq -> size in bytes of every segment on disk (the last one is the write segment)
  private final TreeMap<Long, Long> segments = new TreeMap<>();
  // segments in the version-1 frame format: read, never written
  private final Set<Long> v1Segments = new HashSet<>();
  // seq -> (start -> end) of the byte ranges found corrupt: the reader jumps over them
  private final Map<Long, TreeMap<Long, Long>> skips = new HashMap<>();
  private long corruptFrames;
  private long corruptBytes;
  private Position cursor;
  private Position readPos;
  private FileChannel writer;
  private long writerSeq = -1;
  private FileChannel reader;
  private long readerSeq = -1;
  private long totalBytes;
  private boolean dirty;
  // guarded by this: reused for every frame written or read
  private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(HEADER);
  private final ByteBuffer readHeader = ByteBuffer.allocate(HEADER);
  private ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private final List<FileChannel> rolled = new ArrayList<>(); // closed segments, not yet forced
  private static final byte[] NO_BYTES = {};

  /**
   * Opens (or creates) a spool in {@code dir}, recovering from a crash: segments before the cursor
   * are deleted, every frame after it is checked (corrupt ones are counted, logged and will be
   * skipped), a torn tail frame is truncated.
   *
   * @throws IOException when the directory cannot be created or read
   * @throws IllegalArgumentException when maxBytes or segmentBytes are not positive
   */
  public SegmentSpool(Path dir, long maxBytes, long segmentBytes) throws IOException {
    if (maxBytes <= 0 || segmentBytes <= 0) {
      throw new IllegalArgumentException(
          "spool maxBytes and segmentBytes must be positive, were " + maxBytes + " and " + segmentBytes);
    }
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.min(segmentBytes, maxBytes);
    Files.createDirectories(dir);
    recover();
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        boolean v1 = name.endsWith(".seg");
        if (v1 || name.endsWith(".seg2")) {
          try {
            long seq = Long.parseLong(name.substring(0, name.lastIndexOf('.')));
            if (segments.put(seq, Files.size(f)) != null) {
              throw new IOException("spool " + dir + " holds segment " + seq + " in both frame formats; move one away");
            }
            if (v1) {
              v1Segments.add(seq);
            }
          } catch (NumberFormatException e) {
            // not ours; leave it alone
          }
        }
      }
    }
    cursor = readCursor();
    if (cursor == null) {
      cursor = segments.isEmpty() ? new Position(FIRST_SEQ, 0) : new Position(segments.firstKey(), 0);
    }
    for (Long seq : new ArrayList<>(segments.headMap(cursor.seq()).keySet())) {
      Files.deleteIfExists(segmentPath(seq));
      segments.remove(seq);
      v1Segments.remove(seq);
    }
    if (!segments.isEmpty() && !segments.containsKey(cursor.seq())) {
      cursor = new Position(segments.firstKey(), 0);
    }
    for (long seq : new ArrayList<>(segments.keySet())) {
      check(seq, seq == cursor.seq() ? cursor.offset() : 0, seq == segments.lastKey());
    }
    readPos = cursor;
    totalBytes = segments.values().stream().mapToLong(Long::longValue).sum();
    if (isEmptyAfter(cursor)) {
      reset();
    }
  }

  /**
   * Walks the frames of one segment from {@code from}: records (and counts, and logs) every corrupt
   * run as a skip; in the last segment an invalid run with nothing valid after it is a torn tail and
   * is cut off instead.
   */
  private void check(long seq, long from, boolean last) throws IOException {
    long size = segments.get(seq);
    long pos = from;
    try (FileChannel ch = FileChannel.open(segmentPath(seq), StandardOpenOption.READ)) {
      while (pos < size) {
        int len = frameAt(ch, seq, pos, size);
        if (len >= 0) {
          pos += header(seq) + len;
          continue;
        }
        long next = nextFrame(ch, seq, pos + 1, size);
        if (next >= size && last && !v1Segments.contains(seq)) {
          cutTornTail(seq, pos, size);
          return;
        }
        skip(seq, pos, next, "a corrupt frame");
        pos = next;
      }
    }
  }

  private void cutTornTail(long seq, long at, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(segmentPath(seq), StandardOpenOption.WRITE)) {
      ch.truncate(at);
      ch.force(true);
    }
    segments.put(seq, at);
    log.info("spool segment {}: cut a torn tail of {} byte(s) at offset {} (a write cut off by a crash)",
        segmentPath(seq), size - at, at);
  }

  /** Records {@code [from, to)} of a segment as skipped, and counts and logs it. */
  private void skip(long seq, long from, long to, String what) {
    skips.computeIfAbsent(seq, k -> new TreeMap<>()).put(from, to);
    corruptFrames++;
    corruptBytes += to - from;
    log.warn(
        "spool segment {}: {} at offset {}; skipped {} byte(s) to offset {} (the records in them are lost, "
            + "everything after is shipped). A disk fault or something else writing the spool directory?",
        segmentPath(seq), what, from, to - from, to);
  }

  private int header(long seq) {
    return v1Segments.contains(seq) ? V1_HEADER : HEADER;
  }

  /**
   * The length of the sound frame at {@code pos}, its bytes left in {@code readBuffer[0, len)}; -1
   * when the header, the length or the checksum is wrong, or the frame does not fit in the segment.
   */
  private int frameAt(FileChannel ch, long seq, long pos, long size) throws IOException {
    boolean v1 = v1Segments.contains(seq);
    int header = v1 ? V1_HEADER : HEADER;
    if (pos + header > size) {
      return -1;
    }
    readHeader.clear().limit(header);
    if (!readAt(ch, readHeader, pos)) {
      return -1;
    }
    readHeader.flip();
    if (!v1 && readHeader.getInt() != MAGIC) {
      return -1;
    }
    int len = readHeader.getInt();
    int crc = readHeader.getInt();
    if (len < 0 || pos + header + len > size) {
      return -1;
    }
    if (readBuffer.capacity() < len) {
      readBuffer = ByteBuffer.allocate(Math.max(len, 2 * readBuffer.capacity()));
    }
    readBuffer.clear().limit(len);
    if (!readAt(ch, readBuffer, pos + header)) {
      return -1;
    }
    CRC32C c = new CRC32C();
    if (!v1) {
      c.update(readHeader.array(), 4, 4);
    }
    c.update(readBuffer.array(), 0, len);
    return (int) c.getValue() == crc ? len : -1;
  }

  /**
   * The offset of the first sound frame at or after {@code from}, or {@code size} when there is
   * none (always {@code size} in a version-1 segment: without a magic there is nothing to find).
   */
  private long nextFrame(FileChannel ch, long seq, long from, long size) throws IOException {
    if (v1Segments.contains(seq)) {
      return size;
    }
    ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK);
    byte m0 = (byte) (MAGIC >>> 24);
    for (long base = from; base + HEADER <= size; ) {
      chunk.clear();
      chunk.limit((int) Math.min(SCAN_CHUNK, size - base));
      if (!readAt(ch, chunk, base)) {
        return size;
      }
      byte[] a = chunk.array();
      int n = chunk.position();
      for (int i = 0; i + 4 <= n; i++) {
        if (a[i] == m0 && ByteBuffer.wrap(a, i, 4).getInt() == MAGIC && frameAt(ch, seq, base + i, size) >= 0) {
          return base + i;
        }
      }
      base += Math.max(1, n - 3); // a magic straddling two chunks is seen by the next one
    }
    return size;
  }

  /**
   * Appends one entry at the tail.
   *
   * @return false when the spool is full (nothing written)
   * @throws IOException when the disk write fails
   */
  public boolean append(byte[] entry) throws IOException {
    return append(NO_BYTES, entry);
  }

  /**
   * Appends one entry made of two parts, {@code head} then {@code tail}, written together (one
   * gathering write, no copy of either): what {@link #read} returns is their concatenation.
   *
   * @return false when the spool is full (nothing written)
   * @throws IOException when the disk write fails
   */
  public synchronized boolean append(byte[] head, byte[] tail) throws IOException {
    return append(head, tail, true);
  }

  /**
   * Appends entries at the tail, in order, beyond the byte bound if need be: like {@link #prepend},
   * for shutdown, when records in memory are newer than everything spooled.
   *
   * @throws IOException when the disk write fails
   */
  public synchronized void appendUnbounded(List<byte[]> entries) throws IOException {
    for (byte[] e : entries) {
      append(NO_BYTES, e, false);
    }
  }

  private boolean append(byte[] head, byte[] tail, boolean bounded) throws IOException {
    long frame = HEADER + (long) head.length + tail.length;
    if (bounded && totalBytes + frame > maxBytes) {
      return false;
    }
    if (segments.isEmpty()
        || v1Segments.contains(segments.lastKey())
        || segments.lastEntry().getValue() + frame > segmentBytes && segments.lastEntry().getValue() > 0) {
      roll(segments.isEmpty() ? Math.max(cursor.seq(), FIRST_SEQ) : segments.lastKey() + 1);
    }
    long seq = segments.lastKey();
    FileChannel ch = writer(seq);
    long at = segments.get(seq);
    frameHeader.clear();
    frameHeader.putInt(MAGIC).putInt(head.length + tail.length).putInt(crc(head.length + tail.length, head, tail)).flip();
    ByteBuffer[] parts = {frameHeader, ByteBuffer.wrap(head), ByteBuffer.wrap(tail)};
    ch.position(at);
    for (long left = frame; left > 0; ) {
      left -= ch.write(parts);
    }
    segments.put(seq, at + frame);
    totalBytes += frame;
    dirty = true;
    return true;
  }

  /**
   * Puts entries in front of everything not yet acknowledged, in the given order (used at shutdown
   * for records that were in memory and are older than the spooled ones). Ignores the byte bound:
   * losing records at shutdown is worse than overshooting the disk budget once.
   *
   * <p>Requires the cursor to be at a segment start (true whenever the owner only mixes memory and
   * spool records as {@code SinkChannel} does).
   *
   * @throws IllegalStateException when the cursor is inside a segment
   */
  public synchronized void prepend(List<byte[]> entries) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    if (cursor.offset() != 0) {
      throw new IllegalStateException("prepend needs the cursor at a segment start, was " + cursor);
    }
    long seq = (segments.isEmpty() ? cursor.seq() : segments.firstKey()) - 1;
    long size = 0;
    try (FileChannel ch =
        FileChannel.open(segmentPath(seq), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (byte[] e : entries) {
        writeFrame(ch, size, e);
        size += HEADER + e.length;
      }
      ch.force(true);
    }
    segments.put(seq, size);
    totalBytes += size;
    cursor = new Position(seq, 0);
    readPos = cursor;
    writeCursor();
  }

  /**
   * Reads entries from the read position (which runs ahead of the cursor until {@link #ack}).
   */
  public Read<byte[]> read(int maxEntries, long maxBytes) throws IOException {
    return read(maxEntries, maxBytes, (b, off, len) -> Arrays.copyOfRange(b, off, off + len));
  }

  /**
   * Reads entries as {@link #read(int, long)} does, through {@code decoder}: frames are read into
   * one reused buffer, so the decoder's copy is the only one made per entry.
   */
  public synchronized <T> Read<T> read(int maxEntries, long maxBytes, Decoder<T> decoder) throws IOException {
    List<T> out = new ArrayList<>();
    long bytes = 0;
    Position pos = readPos;
    while (out.size() < maxEntries && bytes < maxBytes) {
      Long size = segments.get(pos.seq());
      if (size == null) {
        Long next = segments.higherKey(pos.seq());
        if (next == null) {
          break;
        }
        pos = new Position(next, 0);
        continue;
      }
      if (pos.offset() >= size) {
        Long next = segments.higherKey(pos.seq());
        if (next == null) {
          break;
        }
        pos = new Position(next, 0);
        continue;
      }
      TreeMap<Long, Long> skip = skips.get(pos.seq());
      Long skipTo = skip == null ? null : skip.get(pos.offset());
      if (skipTo != null) {
        pos = new Position(pos.seq(), skipTo);
        continue;
      }
      FileChannel ch = reader(pos.seq());
      int len = frameAt(ch, pos.seq(), pos.offset(), size);
      if (len < 0) { // corrupted since the spool was opened
        long next = nextFrame(ch, pos.seq(), pos.offset() + 1, size);
        skip(pos.seq(), pos.offset(), next, "a corrupt frame");
        pos = new Position(pos.seq(), next);
        continue;
      }
      Position after = new Position(pos.seq(), pos.offset() + header(pos.seq()) + len);
      try {
        out.add(decoder.decode(readBuffer.array(), 0, len));
      } catch (IOException e) {
        skip(pos.seq(), pos.offset(), after.offset(), "an entry that cannot be decoded (" + e.getMessage() + ")");
        pos = after;
        continue;
      }
      bytes += len;
      pos = after;
    }
    Position start = readPos;
    readPos = pos;
    if (out.isEmpty() && start.equals(cursor) && !pos.equals(cursor)) {
      ack(pos); // only skipped bytes, nothing in flight before them: free them now
    }
    if (readBuffer.capacity() > KEEP_READ_BUFFER_BYTES) {
      readBuffer = ByteBuffer.allocate(KEEP_READ_BUFFER_BYTES); // one huge entry must not pin its size
    }
    return new Read<>(out, pos);
  }

  /**
   * Acknowledges everything before {@code upTo}: deletes finished segments, persists the cursor,
   * and resets the spool when nothing is left.
   */
  public synchronized void ack(Position upTo) throws IOException {
    Position p = upTo;
    Long size = segments.get(p.seq());
    Long next = segments.higherKey(p.seq());
    if (size != null && p.offset() >= size && next != null && p.seq() != writerSeq) {
      p = new Position(next, 0); // the segment is finished: free it now
    }
    cursor = p;
    if (readPos.seq() < cursor.seq() || (readPos.seq() == cursor.seq() && readPos.offset() < cursor.offset())) {
      readPos = cursor;
    }
    for (Long seq : new ArrayList<>(segments.headMap(cursor.seq()).keySet())) {
      deleteSegment(seq);
    }
    if (isEmptyAfter(cursor)) {
      reset();
    } else {
      writeCursor();
    }
  }

  /** Rewinds the read position to the cursor (the reader's unacknowledged reads are redone). */
  public synchronized void rewind() {
    readPos = cursor;
  }

  /** True when nothing unacknowledged is on disk. */
  public synchronized boolean isEmpty() {
    return isEmptyAfter(cursor);
  }

  /** True when everything on disk has been read (maybe not yet acknowledged). */
  public synchronized boolean fullyRead() {
    return isEmptyAfter(readPos);
  }

  /** Bytes of segment files on disk. */
  public synchronized long bytes() {
    return totalBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Corrupt runs skipped since the spool was opened (each is one frame, or a few adjacent ones). */
  public synchronized long corruptFrames() {
    return corruptFrames;
  }

  /** Bytes in the corrupt runs skipped since the spool was opened. */
  public synchronized long corruptBytes() {
    return corruptBytes;
  }

  /**
   * Forces written data to disk if anything was written since the last sync. The force runs
   * without holding the spool's lock, so appends (the capture path) never wait for the disk.
   */
  public void sync() throws IOException {
    FileChannel ch;
    List<FileChannel> closed;
    synchronized (this) {
      ch = dirty ? writer : null;
      dirty = false;
      closed = rolled.isEmpty() ? List.of() : new ArrayList<>(rolled);
      rolled.clear();
    }
    try {
      for (FileChannel c : closed) {
        force(c);
      }
      if (ch != null) {
        force(ch);
      }
    } finally {
      closed.forEach(SegmentSpool::closeQuietly);
    }
  }

  private static void force(FileChannel ch) throws IOException {
    try {
      ch.force(false);
    } catch (ClosedChannelException deleted) {
      // the segment was acknowledged and deleted meanwhile: nothing left to make durable
    }
  }

  @Override
  public synchronized void close() throws IOException {
    sync();
    closeQuietly(writer);
    closeQuietly(reader);
    writer = null;
    reader = null;
  }

  private boolean isEmptyAfter(Position p) {
    for (var e : segments.tailMap(p.seq(), true).entrySet()) {
      long start = e.getKey() == p.seq() ? p.offset() : 0;
      if (e.getValue() > start) {
        return false;
      }
    }
    return true;
  }

  private void reset() throws IOException {
    for (Long seq : new ArrayList<>(segments.keySet())) {
      deleteSegment(seq);
    }
    totalBytes = 0;
    skips.clear();
    v1Segments.clear();
    cursor = new Position(FIRST_SEQ, 0);
    readPos = cursor;
    Files.deleteIfExists(dir.resolve("cursor"));
  }

  private void deleteSegment(long seq) throws IOException {
    if (seq == writerSeq) {
      closeQuietly(writer);
      writer = null;
      writerSeq = -1;
    }
    if (seq == readerSeq) {
      closeQuietly(reader);
      reader = null;
      readerSeq = -1;
    }
    Long size = segments.remove(seq);
    if (size != null) {
      totalBytes -= size;
    }
    Files.deleteIfExists(segmentPath(seq));
    skips.remove(seq);
    v1Segments.remove(seq);
  }

  private void roll(long seq) throws IOException {
    if (writer != null) {
      rolled.add(writer); // forced and closed by the next sync(), not on the capture path
      writer = null;
      writerSeq = -1;
    }
    segments.putIfAbsent(seq, 0L);
  }

  private FileChannel writer(long seq) throws IOException {
    if (writerSeq != seq) {
      closeQuietly(writer);
      writer =
          FileChannel.open(segmentPath(seq), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      writerSeq = seq;
    }
    return writer;
  }

  private FileChannel reader(long seq) throws IOException {
    if (readerSeq != seq) {
      closeQuietly(reader);
      reader = FileChannel.open(segmentPath(seq), StandardOpenOption.READ);
      readerSeq = seq;
    }
    return reader;
  }

  private static void writeFrame(FileChannel ch, long at, byte[] entry) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(HEADER + entry.length);
    buf.putInt(MAGIC).putInt(entry.length).putInt(crc(entry.length, NO_BYTES, entry)).put(entry).flip();
    long pos = at;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
  }

  /** Fills {@code buf} from {@code at}; false when the file ends first (shortened under us). */
  private static boolean readAt(FileChannel ch, ByteBuffer buf, long at) throws IOException {
    long pos = at;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        return false;
      }
      pos += n;
    }
    return true;
  }

  /** The frame checksum: over the length field and the entry, so a damaged length is caught. */
  private static int crc(int length, byte[] head, byte[] tail) {
    CRC32C c = new CRC32C();
    c.update(ByteBuffer.allocate(4).putInt(0, length));
    c.update(head);
    c.update(tail);
    return (int) c.getValue();
  }

  private Path segmentPath(long seq) {
    return dir.resolve(String.format(v1Segments.contains(seq) ? "%020d.seg" : "%020d.seg2", seq));
  }

  private Position readCursor() throws IOException {
    Path f = dir.resolve("cursor");
    if (!Files.exists(f)) {
      return null;
    }
    String[] parts = Files.readString(f, StandardCharsets.US_ASCII).trim().split(" ");
    try {
      return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      throw new IOException(
          "spool cursor " + f + " is unreadable ('" + String.join(" ", parts)
              + "'); delete it to replay the whole spool", e);
    }
  }

  private void writeCursor() throws IOException {
    Path tmp = dir.resolve("cursor.tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((cursor.seq() + " " + cursor.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a file we only read or already forced
      }
    }
  }
}
