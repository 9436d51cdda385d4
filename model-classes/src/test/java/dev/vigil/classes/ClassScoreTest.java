package dev.vigil.classes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassScoreTest {
  @Test
  void topIsBestFirstWithTiesByLowerIndex() {
    List<ClassScore> top =
        ClassScore.top(new float[] {0.1f, 0.4f, 0.4f, 0.05f, 0.05f}, 3, Labels.of(List.of("a", "b")));
    assertThat(top).extracting(ClassScore::index).containsExactly(1, 2, 0);
    assertThat(top).extracting(ClassScore::label).containsExactly("b", "2", "a");
    assertThat(top.get(0).score()).isEqualTo(0.4f);
  }

  @Test
  void kBeyondTheClassCountListsEveryClass() {
    assertThat(ClassScore.top(new float[] {0.3f, 0.7f}, 5, Labels.none())).hasSize(2);
  }
}
