package dev.vigil.alerts.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;
  private final Instant now = Instant.parse("2026-11-22T11:00:00Z");

  @Test
  void pendingEntrySurvivesReopenWithItsAttempts() throws Exception {
    Outbox box = Outbox.open(dir);
    box.add("a1.email", "a1", "email", "payload".getBytes(StandardCharsets.UTF_8), now);
    Outbox.Entry e = box.due(now).get(0);
    box.markRetry(e, now.plusSeconds(30), "connection refused");

    Outbox reopened = Outbox.open(dir);
    assertThat(reopened.pendingCount()).isEqualTo(1);
    assertThat(reopened.due(now)).isEmpty();
    Outbox.Entry again = reopened.due(now.plusSeconds(30)).get(0);
    assertThat(again.attempts()).isEqualTo(1);
    assertThat(again.lastError()).isEqualTo("connection refused");
    assertThat(new String(reopened.payload(again), StandardCharsets.UTF_8)).isEqualTo("payload");
  }

  @Test
  void crashWhileMarkingAcceptedNeverSendsAgain() throws Exception {
    Outbox box = Outbox.open(dir);
    box.add("a2.email", "a2", "email", new byte[] {1, 2, 3}, now);
    // The sent record is written first; simulate dying before the pending files were deleted.
    Files.copy(dir.resolve("pending/a2.email.state"), dir.resolve("sent/a2.email.state"));

    Outbox reopened = Outbox.open(dir);
    assertThat(reopened.pendingCount()).isZero();
    assertThat(reopened.due(now.plusSeconds(3600))).isEmpty();
    assertThat(reopened.known("a2.email")).isTrue();
    assertThat(reopened.accepted("a2.email")).isTrue();
    assertThat(dir.resolve("pending/a2.email.payload")).doesNotExist();
  }

  @Test
  void interruptedAddLeavesNoHalfEntry() throws Exception {
    Outbox.open(dir);
    Files.write(dir.resolve("pending/a3.email.payload"), new byte[] {1}); // state never written
    Files.write(dir.resolve("pending/a4.email.state.tmp"), new byte[] {1}); // rename never happened

    Outbox reopened = Outbox.open(dir);
    assertThat(reopened.pendingCount()).isZero();
    assertThat(reopened.known("a3.email")).isFalse();
    try (var s = Files.list(dir.resolve("pending"))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void rejectedMessagesAreKeptNotRetried() throws Exception {
    Outbox box = Outbox.open(dir);
    box.add("a5.webhook", "a5", "webhook", new byte[] {9}, now);
    box.markRejected(box.due(now).get(0), now, "HTTP 404");
    assertThat(box.pendingCount()).isZero();
    assertThat(dir.resolve("rejected/a5.webhook.payload")).hasBinaryContent(new byte[] {9});
    assertThat(Outbox.open(dir).known("a5.webhook")).isTrue();
  }

  @Test
  void unreadableStateIsMovedAsideWithItsPayload() throws Exception {
    Outbox.open(dir);
    Files.write(dir.resolve("pending/a6.email.payload"), new byte[] {7});
    Files.writeString(dir.resolve("pending/a6.email.state"), "{not json");
    Outbox reopened = Outbox.open(dir);
    assertThat(reopened.pendingCount()).isZero();
    assertThat(dir.resolve("rejected/a6.email.payload")).exists();
    assertThat(dir.resolve("rejected/a6.email.state.corrupt")).exists();
  }
}
