package dev.vigil.monitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.monitor.window.Window;
import dev.vigil.stack.EmbeddedStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two replicas on one clustered Quartz JobStore in a real PostgreSQL (embedded stack). */
class ClusteredSchedulerTest {
  private static EmbeddedStack stack;

  @BeforeAll
  static void startPostgres() {
    stack = EmbeddedStack.builder().kafka(false).s3(false).smtp(false).postgres(true).build().start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private record Run(String node, Window window) {}

  private static MonitorScheduler node(String id, Queue<Run> runs) throws Exception {
    WindowRunner r = (endpoint, window) -> runs.add(new Run(id, window));
    List<MonitorScheduler.Job> jobs = List.of(new MonitorScheduler.Job("signs", "* * * * * ?", Duration.ofSeconds(-1), Duration.ZERO));
    MonitorScheduler.Store store = new MonitorScheduler.Store(stack.postgresJdbcUrl(), stack.postgresUser(),
        stack.postgresPassword(), id, Duration.ofMillis(1000));
    return MonitorScheduler.create(jobs, Map.of("signs", r), store);
  }

  @Test
  void eachWindowRunsOnceAcrossReplicasAndTheSurvivorCarriesOn() throws Exception {
    Queue<Run> runs = new ConcurrentLinkedQueue<>();
    MonitorScheduler a = node("node-a", runs);
    MonitorScheduler b = node("node-b", runs);
    try {
      a.start();
      b.start();
      await().atMost(Duration.ofSeconds(40)).until(() -> runs.size() >= 8);
      a.close();
      int afterStop = runs.size();
      await().atMost(Duration.ofSeconds(40)).until(() -> runs.stream().skip(afterStop).filter(r -> r.node().equals("node-b")).count() >= 4);
    } finally {
      a.close();
      b.close();
    }
    List<Window> windows = runs.stream().map(Run::window).toList();
    assertThat(windows).doesNotHaveDuplicates();
    assertThat(windows).allSatisfy(w -> assertThat(w.length()).isEqualTo(Duration.ofSeconds(1)));
  }
}
